package evidence

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"persepsi/survey"
)

// CheckpointFormat names the signed checkpoint encoding; docs/EVIDENCE.md
// specifies it.
const CheckpointFormat = "persepsi-checkpoint-v1"

// SignedCheckpoint is a published chain head with the instance's
// signature: the unit's chain reached Seq with Hash by Time (a scheduled
// publication time, whole hours by default).
type SignedCheckpoint struct {
	Unit      int64     `json:"unit"`
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	Time      time.Time `json:"time"`
	Signature string    `json:"signature"` // base64 of the raw 64-byte Ed25519 signature of Message()
}

// Message returns the bytes the signature covers: "persepsi-checkpoint-v1\n"
// then "unit=…\nseq=…\nhash=…\ntime=<RFC 3339 UTC>\n".
func (c *SignedCheckpoint) Message() []byte {
	return fmt.Appendf(nil, "%s\nunit=%d\nseq=%d\nhash=%s\ntime=%s\n", CheckpointFormat, c.Unit, c.Seq, c.Hash, c.Time.UTC().Format(time.RFC3339))
}

// SignCheckpoint signs a stored checkpoint with the instance key.
func SignCheckpoint(k *Key, cp survey.Checkpoint) SignedCheckpoint {
	sc := SignedCheckpoint{Unit: cp.UnitID, Seq: cp.Seq, Hash: cp.Hash, Time: cp.PublishedAt.UTC()}
	sc.Signature = base64.StdEncoding.EncodeToString(k.Sign(sc.Message()))
	return sc
}

// Verify reports whether the signature holds under pub.
func (c *SignedCheckpoint) Verify(pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	return err == nil && len(sig) == ed25519.SignatureSize && ed25519.Verify(pub, c.Message(), sig)
}

// FeedFormat names the checkpoint feed's JSON.
const FeedFormat = "persepsi-feed-v1"

// Feed is the body of GET /transparency/checkpoints: the instance's key and
// checkpoints (every unit's latest, or one unit's after a seq).
type Feed struct {
	Format      string             `json:"format"`
	Instance    Instance           `json:"instance"`
	Checkpoints []SignedCheckpoint `json:"checkpoints"`
}

// NewFeed signs checkpoints into a feed.
func NewFeed(baseURL string, k *Key, cps []survey.Checkpoint) Feed {
	f := Feed{Format: FeedFormat, Instance: instance(baseURL, k.Public()), Checkpoints: make([]SignedCheckpoint, len(cps))}
	for i, cp := range cps {
		f.Checkpoints[i] = SignCheckpoint(k, cp)
	}
	return f
}

// ProofFormat names the consistency proof's JSON.
const ProofFormat = "persepsi-consistency-v1"

// Proof is a consistency proof: the headers of a unit's chain entries
// after From up to To. Each header is the exact bytes its entry's hash
// covers, so a reader recomputes every hash and follows every link from
// the hash at From to the hash at To. Headers carry event kinds, positions
// and digests, never a response's content.
type Proof struct {
	Format  string       `json:"format"`
	Unit    int64        `json:"unit"`
	From    int64        `json:"from"`
	To      int64        `json:"to"`
	Entries []ProofEntry `json:"entries"`
}

// ProofEntry is one entry of a proof.
type ProofEntry struct {
	Seq    int64  `json:"seq"`
	Hash   string `json:"hash"`
	Header string `json:"header"`
}

// MaxProofEntries bounds the entries one proof response carries; a longer
// range is fetched in pages.
const MaxProofEntries = 5000

// NewProof builds a proof from chain entries.
func NewProof(unit, from, to int64, es []survey.ChainEntry) Proof {
	p := Proof{Format: ProofFormat, Unit: unit, From: from, To: to, Entries: make([]ProofEntry, len(es))}
	for i := range es {
		p.Entries[i] = ProofEntry{Seq: es[i].Seq, Hash: es[i].Hash, Header: string(es[i].Header())}
	}
	return p
}

// Extend checks that entries continue a unit's chain from (seq, hash): each
// header hashes to its entry's hash, names the unit and the next seq, and
// names the previous hash. It returns the position reached, or a problem in
// Bahasa Indonesia naming the first entry that does not follow.
func Extend(unit, seq int64, hash string, entries []ProofEntry) (int64, string, string) {
	for _, e := range entries {
		sum := sha256.Sum256([]byte(e.Header))
		l, err := survey.ParseChainHeader([]byte(e.Header))
		switch {
		case err != nil || hex.EncodeToString(sum[:]) != e.Hash:
			return seq, hash, fmt.Sprintf("entri #%d pada bukti konsistensi: hash tidak sesuai dengan kepalanya", e.Seq)
		case l.UnitID != unit || l.Seq != seq+1 || e.Seq != l.Seq:
			return seq, hash, fmt.Sprintf("entri #%d pada bukti konsistensi: bukan entri berikutnya (#%d) rantai unit %d", e.Seq, seq+1, unit)
		case l.PrevHash != hash:
			return seq, hash, fmt.Sprintf("entri #%d tidak melanjutkan kepala #%d yang sudah tercatat (hash sebelumnya berbeda)", e.Seq, seq)
		}
		seq, hash = e.Seq, e.Hash
	}
	return seq, hash, ""
}

// BundleCheckpointFormat names the checkpoint file of a bundle.
const BundleCheckpointFormat = "persepsi-bundle-checkpoint-v1"

// BundleCheckpoint is the bundle's titik-periksa.json: the unit's latest
// published checkpoint at or before the bundle's chain head, and the proof
// that the head extends it (omitted when longer than MaxProofEntries), so a
// witness's record can be compared with the bundle offline.
type BundleCheckpoint struct {
	Format     string            `json:"format"`
	Checkpoint *SignedCheckpoint `json:"checkpoint"`
	Proof      *Proof            `json:"proof,omitempty"`
}

// writeBundleCheckpoint writes the bundle's checkpoint file for head.
func writeBundleCheckpoint(ctx context.Context, w io.Writer, store Store, k *Key, head survey.ChainEntry) error {
	bc := BundleCheckpoint{Format: BundleCheckpointFormat}
	cp, err := store.LatestCheckpointAtOrBefore(ctx, head.UnitID, head.Seq)
	switch {
	case errors.Is(err, survey.ErrNotFound):
	case err != nil:
		return err
	default:
		sc := SignCheckpoint(k, cp)
		bc.Checkpoint = &sc
		if head.Seq-cp.Seq <= MaxProofEntries {
			es, err := store.ChainEntries(ctx, head.UnitID, cp.Seq, head.Seq, MaxProofEntries)
			if err != nil {
				return err
			}
			p := NewProof(head.UnitID, cp.Seq, head.Seq, es)
			bc.Proof = &p
		}
	}
	b, err := json.MarshalIndent(bc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
