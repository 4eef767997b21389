package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"persepsi/survey"
	"strconv"
	"strings"
	"time"
)

// Chain format v1, kept only to verify a v1 chain once, when migration 0031
// upgrades it (upgrade_v1.go). Its encodings are in docs/EVIDENCE.md §1.6.

type v1Entry struct {
	unitID, seq, refID     int64
	kind, digest, prev, hh string
}

func (e *v1Entry) hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "persepsi-chain-v1\n%d\n%d\n%s\n%d\n%s\n%s", e.unitID, e.seq, e.kind, e.refID, e.digest, e.prev)
	return hex.EncodeToString(h.Sum(nil))
}

func v1ResponseDigest(r *survey.Response) string {
	sum := sha256.Sum256([]byte(survey.CanonicalResponse(r, "persepsi-response-v1", "id", strconv.FormatInt(r.ID, 10), "submitted_at")))
	return hex.EncodeToString(sum[:])
}

func v1ExclusionDigest(e *survey.Exclusion) string {
	var b strings.Builder
	b.WriteString("persepsi-exclusion-v1\n")
	fmt.Fprintf(&b, "id=%d\nunit=%d\nresponse=%d\n", e.ID, e.UnitID, e.ResponseID)
	fmt.Fprintf(&b, "reason=%s\nactor=%s\n", strconv.Quote(e.Reason), strconv.Quote(e.Actor))
	fmt.Fprintf(&b, "created_at=%s\n", e.CreatedAt.UTC().Format(time.RFC3339))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// verifyV1Chain walks a unit's v1 chain (table chain_v1) and returns its
// last entry, or an error naming the first seq that breaks it, with the
// same checks the v1 verifier made.
func verifyV1Chain(ctx context.Context, tx *sql.Tx, unitID int64) (last v1Entry, err error) {
	last = v1Entry{hh: survey.GenesisHash}
	for {
		rows, err := tx.QueryContext(ctx, `SELECT seq, kind, ref_id, digest, prev_hash, hash FROM chain_v1
 WHERE unit_id = ? AND seq > ? ORDER BY seq LIMIT ?`, unitID, last.seq, recordPage)
		if err != nil {
			return last, err
		}
		var page []v1Entry
		for rows.Next() {
			e := v1Entry{unitID: unitID}
			if err := rows.Scan(&e.seq, &e.kind, &e.refID, &e.digest, &e.prev, &e.hh); err != nil {
				rows.Close()
				return last, err
			}
			page = append(page, e)
		}
		if err := rows.Close(); err != nil {
			return last, err
		}
		if len(page) == 0 {
			return last, nil
		}
		current, err := v1Digests(ctx, tx, page)
		if err != nil {
			return last, err
		}
		for _, e := range page {
			problem := ""
			switch {
			case e.seq != last.seq+1:
				problem = fmt.Sprintf("seq %d follows %d (an entry is missing)", e.seq, last.seq)
			case e.prev != last.hh:
				problem = "its previous hash is not the hash before it"
			case e.hash() != e.hh:
				problem = "its hash does not cover its fields"
			case current[e.kind+strconv.FormatInt(e.refID, 10)] != e.digest:
				problem = fmt.Sprintf("the %s it records was changed or deleted", e.kind)
			}
			if problem != "" {
				return last, fmt.Errorf("chain v1 of unit %d is broken at seq %d: %s; the database was changed after it was written, so it is not upgraded (restore a backup, or investigate with the previous release's persepsi verify)", unitID, e.seq, problem)
			}
			last = e
		}
	}
}

// v1Digests returns the v1 digests the stored events of a page of entries
// have now, keyed by kind and id.
func v1Digests(ctx context.Context, tx *sql.Tx, page []v1Entry) (map[string]string, error) {
	var resp, excl []int64
	for _, e := range page {
		switch e.kind {
		case "response":
			resp = append(resp, e.refID)
		case survey.ChainExclusion:
			excl = append(excl, e.refID)
		}
	}
	out := map[string]string{}
	rs, err := responsesByID(ctx, tx, resp)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		out["response"+strconv.FormatInt(rs[i].ID, 10)] = v1ResponseDigest(&rs[i])
	}
	for start := 0; start < len(excl); start += sqlChunk {
		chunk := excl[start:min(start+sqlChunk, len(excl))]
		xs, err := queryExclusions(ctx, tx, `WHERE e.id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for i := range xs {
			out[survey.ChainExclusion+strconv.FormatInt(xs[i].ID, 10)] = v1ExclusionDigest(&xs[i])
		}
	}
	return out, nil
}
