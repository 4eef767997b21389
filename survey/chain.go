package survey

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GenesisHash is the previous hash of the first chain entry of every unit.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Chain entry kinds (docs/EVIDENCE.md §1).
const (
	// ChainSegment commits a set of responses of one time bucket: Count
	// leaves under the Merkle root Root.
	ChainSegment = "segment"
	// ChainV1Head records, once, where a unit's chain of format v1 ended
	// when the database was upgraded: Count is its last seq, Root its hash.
	ChainV1Head = "v1-head"
)

// ChainEntry is one entry of a unit's hash chain (format v2). Hash covers
// PrevHash and every other field except RefID, so changing, removing or
// reordering any entry breaks every later hash. No entry records an
// arrival order or a time finer than the bucket: a segment's leaves are
// salted and sorted by leaf hash. docs/EVIDENCE.md specifies the encoding.
type ChainEntry struct {
	UnitID int64
	Seq    int64
	Kind   string
	// Bucket is the start (UTC) of a segment's time bucket; zero otherwise.
	Bucket time.Time
	Count  int64
	// Root is a segment's Merkle root, an exclusion's digest, the v1 head
	// hash of a v1-head entry.
	Root string
	// RefID is the exclusion an exclusion entry records (0 otherwise). It
	// stays inside the database and outside the hash.
	RefID    int64
	PrevHash string
	Hash     string
}

// ComputeHash returns the hash an entry must carry: hex(SHA-256(Header())).
func (e *ChainEntry) ComputeHash() string {
	sum := sha256.Sum256(e.Header())
	return hex.EncodeToString(sum[:])
}

// ChainFormat names the entry encoding Header writes.
const ChainFormat = "persepsi-chain-v2"

// Header returns the bytes the entry's hash covers:
//
//	"persepsi-chain-v2\n" unit "\n" seq "\n" kind "\n" bucket "\n" count "\n" root "\n" prev
//
// with numbers in decimal and bucket in RFC 3339 UTC ("" when zero). A
// consistency proof between two published heads carries the headers of
// the entries between them, so a witness can recompute every hash; a
// header holds no response data (a segment's root covers salted leaves).
func (e *ChainEntry) Header() []byte {
	return fmt.Appendf(nil, "%s\n%d\n%d\n%s\n%s\n%d\n%s\n%s", ChainFormat, e.UnitID, e.Seq, e.Kind, e.BucketText(), e.Count, e.Root, e.PrevHash)
}

// ChainLink is what a witness needs from an entry header: whose chain, which
// position, the hash it extends, and its kind, count and root (a v1-head
// entry's count and root name the v1 head it replaced).
type ChainLink struct {
	UnitID   int64
	Seq      int64
	Kind     string
	Count    int64
	Root     string
	PrevHash string
}

// ParseChainHeader reads the fields of an entry
// header written by Header (format v2, the only one a server holds since
// migration 0031 removed the v1 entries).
func ParseChainHeader(h []byte) (ChainLink, error) {
	f := strings.Split(string(h), "\n")
	if len(f) != 8 || f[0] != ChainFormat {
		return ChainLink{}, fmt.Errorf("survey: not a %s chain header", ChainFormat)
	}
	unit, err1 := strconv.ParseInt(f[1], 10, 64)
	seq, err2 := strconv.ParseInt(f[2], 10, 64)
	count, err3 := strconv.ParseInt(f[5], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return ChainLink{}, fmt.Errorf("survey: chain header with a malformed unit, seq or count")
	}
	return ChainLink{UnitID: unit, Seq: seq, Kind: f[3], Count: count, Root: f[6], PrevHash: f[7]}, nil
}

// BucketText is the bucket as the hash covers it.
func (e *ChainEntry) BucketText() string {
	if e.Bucket.IsZero() {
		return ""
	}
	return e.Bucket.UTC().Format(time.RFC3339)
}

// Canonical returns the response's canonical encoding (v2), the bytes its
// chain leaf covers: one "name=value" line per field in a fixed order, then
// the answers sorted by item code. Text is quoted with strconv.Quote so a
// newline in a suggestion cannot forge a field. It holds the public
// reference, never the database id, and the bucketed time only.
func (r *Response) Canonical() []byte {
	return []byte(CanonicalResponse(r, "persepsi-response-v2", "ref", r.Ref, "bucket"))
}

// canonicalResponse writes a response's canonical encoding under a format
// header: the identifying line (v1: the database id; v2: the public ref),
// the time under its format's name, then every other field and the answers
// by item code. The frozen v1 digests and the v2 leaves share it, so the
// two formats differ exactly in those three places.
func CanonicalResponse(r *Response, header, idKey, id, timeKey string) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteByte('\n')
	line := func(k, v string) { b.WriteString(k); b.WriteByte('='); b.WriteString(v); b.WriteByte('\n') }
	num := func(k string, v int64) { line(k, strconv.FormatInt(v, 10)) }
	line(idKey, id)
	num("unit", r.UnitID)
	num("counter", r.CounterID)
	num("service", r.ServiceID)
	num("questionnaire", r.QuestionnaireID)
	line(timeKey, r.SubmittedAt.UTC().Format(time.RFC3339))
	line("local_day", r.LocalDay)
	line("channel", string(r.Channel))
	line("usia", strconv.Quote(r.AgeBand))
	line("jenis_kelamin", strconv.Quote(r.Sex))
	line("pendidikan", strconv.Quote(r.Education))
	line("pekerjaan", strconv.Quote(r.Occupation))
	line("control", strconv.Quote(r.Control))
	line("suggestion", strconv.Quote(r.Suggestion))
	answers := append([]Answer(nil), r.Answers...)
	sort.Slice(answers, func(i, j int) bool { return answers[i].ItemCode < answers[j].ItemCode })
	for _, a := range answers {
		num(a.ItemCode, int64(a.Value))
	}
	return b.String()
}

// Leaf returns the response's Merkle leaf hash,
// SHA-256(0x00 ‖ salt ‖ Canonical()). The secret salt makes the leaf
// impossible to confirm from exported fields, however coarse the export.
func (r *Response) Leaf() [32]byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(r.Salt)
	h.Write(r.Canonical())
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// MerkleRoot returns the hex root of the tree over leaves after sorting
// them by value, so the tree records no arrival order. The tree is RFC
// 6962's (Certificate Transparency): an interior node is
// SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below
// the number of leaves. leaves is sorted in place.
func MerkleRoot(leaves [][32]byte) string {
	sort.Slice(leaves, func(i, j int) bool { return bytes.Compare(leaves[i][:], leaves[j][:]) < 0 })
	root := merkle(leaves)
	return hex.EncodeToString(root[:])
}

func merkle(l [][32]byte) [32]byte {
	switch len(l) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return l[0]
	}
	k := 1
	for k*2 < len(l) {
		k *= 2
	}
	left, right := merkle(l[:k]), merkle(l[k:])
	var buf [65]byte
	buf[0] = 1
	copy(buf[1:], left[:])
	copy(buf[33:], right[:])
	return sha256.Sum256(buf[:])
}
