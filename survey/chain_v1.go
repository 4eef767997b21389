package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Chain format v1, kept only to verify a v1 chain once, when migration 0031
// upgrades it (upgrade_v1.go). Its encodings are in docs/EVIDENCE.md §1.6.

// ChainV1Entry is an entry of a v1 chain.
type ChainV1Entry struct {
	UnitID, Seq, RefID     int64
	Kind, Digest, Prev, HH string
}

// Hash is the entry's v1 hash.
func (e *ChainV1Entry) Hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "persepsi-chain-v1\n%d\n%d\n%s\n%d\n%s\n%s", e.UnitID, e.Seq, e.Kind, e.RefID, e.Digest, e.Prev)
	return hex.EncodeToString(h.Sum(nil))
}

// ChainV1ResponseDigest is a response's v1 digest.
func ChainV1ResponseDigest(r *Response) string {
	sum := sha256.Sum256([]byte(CanonicalResponse(r, "persepsi-response-v1", "id", strconv.FormatInt(r.ID, 10), "submitted_at")))
	return hex.EncodeToString(sum[:])
}

// ChainV1ExclusionDigest is an exclusion's v1 digest.
func ChainV1ExclusionDigest(e *Exclusion) string {
	var b strings.Builder
	b.WriteString("persepsi-exclusion-v1\n")
	fmt.Fprintf(&b, "id=%d\nunit=%d\nresponse=%d\n", e.ID, e.UnitID, e.ResponseID)
	fmt.Fprintf(&b, "reason=%s\nactor=%s\n", strconv.Quote(e.Reason), strconv.Quote(e.Actor))
	fmt.Fprintf(&b, "created_at=%s\n", e.CreatedAt.UTC().Format(time.RFC3339))
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}
