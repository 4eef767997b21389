package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"persepsi/survey"
	"strconv"
)

// verifyV1Chain walks a unit's v1 chain (table chain_v1) and returns its
// last entry, or an error naming the first seq that breaks it, with the
// same checks the v1 verifier made.
func verifyV1Chain(ctx context.Context, tx *sql.Tx, unitID int64) (last survey.ChainV1Entry, err error) {
	last = survey.ChainV1Entry{HH: survey.GenesisHash}
	for {
		rows, err := tx.QueryContext(ctx, `SELECT seq, kind, ref_id, digest, prev_hash, hash FROM chain_v1
 WHERE unit_id = ? AND seq > ? ORDER BY seq LIMIT ?`, unitID, last.Seq, recordPage)
		if err != nil {
			return last, err
		}
		var page []survey.ChainV1Entry
		for rows.Next() {
			e := survey.ChainV1Entry{UnitID: unitID}
			if err := rows.Scan(&e.Seq, &e.Kind, &e.RefID, &e.Digest, &e.Prev, &e.HH); err != nil {
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
			case e.Seq != last.Seq+1:
				problem = fmt.Sprintf("seq %d follows %d (an entry is missing)", e.Seq, last.Seq)
			case e.Prev != last.HH:
				problem = "its previous hash is not the hash before it"
			case e.Hash() != e.HH:
				problem = "its hash does not cover its fields"
			case current[e.Kind+strconv.FormatInt(e.RefID, 10)] != e.Digest:
				problem = fmt.Sprintf("the %s it records was changed or deleted", e.Kind)
			}
			if problem != "" {
				return last, fmt.Errorf("chain v1 of unit %d is broken at seq %d: %s; the database was changed after it was written, so it is not upgraded (restore a backup, or investigate with the previous release's persepsi verify)", unitID, e.Seq, problem)
			}
			last = e
		}
	}
}

// v1Digests returns the v1 digests the stored events of a page of entries
// have now, keyed by kind and id.
func v1Digests(ctx context.Context, tx *sql.Tx, page []survey.ChainV1Entry) (map[string]string, error) {
	var resp, excl []int64
	for _, e := range page {
		switch e.Kind {
		case "response":
			resp = append(resp, e.RefID)
		case survey.ChainExclusion:
			excl = append(excl, e.RefID)
		}
	}
	out := map[string]string{}
	rs, err := responsesByID(ctx, tx, resp)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		out["response"+strconv.FormatInt(rs[i].ID, 10)] = survey.ChainV1ResponseDigest(&rs[i])
	}
	for start := 0; start < len(excl); start += sqlChunk {
		chunk := excl[start:min(start+sqlChunk, len(excl))]
		xs, err := queryExclusions(ctx, tx, `WHERE e.id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for i := range xs {
			out[survey.ChainExclusion+strconv.FormatInt(xs[i].ID, 10)] = survey.ChainV1ExclusionDigest(&xs[i])
		}
	}
	return out, nil
}
