package survey

import (
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

// Chain entry kinds.
const (
	ChainResponse = "response"
)

// ChainEntry is one event in a unit's hash chain. Hash covers PrevHash and
// every other field, so changing, removing or reordering any stored event
// breaks every later hash. docs/EVIDENCE.md specifies the encoding.
type ChainEntry struct {
	UnitID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq       int64 `gorm:"primaryKey;autoIncrement:false"`
	Kind      string
	RefID     int64
	Digest    string
	PrevHash  string
	Hash      string
	CreatedAt time.Time
}

// TableName maps ChainEntry to the chain table.
func (ChainEntry) TableName() string { return "chain" }

// ComputeHash returns the hash an entry must carry: hex(SHA-256(Header())).
func (e *ChainEntry) ComputeHash() string {
	sum := sha256.Sum256(e.Header())
	return hex.EncodeToString(sum[:])
}

// chainHeaderV1 names the entry encoding Header writes.
const chainHeaderV1 = "persepsi-chain-v1"

// Header returns the bytes the entry's hash covers:
// "persepsi-chain-v1\n" unit "\n" seq "\n" kind "\n" ref "\n" digest "\n" prev.
// A consistency proof between two published heads carries the headers of
// the entries between them, so a witness can recompute every hash.
func (e *ChainEntry) Header() []byte {
	return fmt.Appendf(nil, "%s\n%d\n%d\n%s\n%d\n%s\n%s", chainHeaderV1, e.UnitID, e.Seq, e.Kind, e.RefID, e.Digest, e.PrevHash)
}

// ChainLink is what a witness needs from an entry header: whose chain, which
// position, and the hash it extends.
type ChainLink struct {
	UnitID   int64
	Seq      int64
	PrevHash string
}

// ParseChainHeader reads the unit, seq and previous hash out of an entry
// header written by Header, for any chain format this build knows.
func ParseChainHeader(h []byte) (ChainLink, error) {
	f := strings.Split(string(h), "\n")
	if len(f) != 7 || f[0] != chainHeaderV1 {
		return ChainLink{}, fmt.Errorf("survey: not a %s chain header", chainHeaderV1)
	}
	unit, err1 := strconv.ParseInt(f[1], 10, 64)
	seq, err2 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		return ChainLink{}, fmt.Errorf("survey: chain header with a malformed unit or seq")
	}
	return ChainLink{UnitID: unit, Seq: seq, PrevHash: f[6]}, nil
}

// Canonical returns the response's canonical encoding, the bytes its chain
// digest covers: one "name=value" line per field in a fixed order, then the
// answers sorted by item code. Text is quoted with strconv.Quote so a
// newline in a suggestion cannot forge a field.
func (r *Response) Canonical() []byte {
	var b strings.Builder
	b.WriteString("persepsi-response-v1\n")
	line := func(k, v string) { b.WriteString(k); b.WriteByte('='); b.WriteString(v); b.WriteByte('\n') }
	num := func(k string, v int64) { line(k, strconv.FormatInt(v, 10)) }
	num("id", r.ID)
	num("unit", r.UnitID)
	num("counter", r.CounterID)
	num("service", r.ServiceID)
	num("questionnaire", r.QuestionnaireID)
	line("submitted_at", r.SubmittedAt.UTC().Format(time.RFC3339))
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
	return []byte(b.String())
}

// Digest returns hex(SHA-256(Canonical())).
func (r *Response) Digest() string {
	sum := sha256.Sum256(r.Canonical())
	return hex.EncodeToString(sum[:])
}

// chainTail tracks the last entry of each unit touched by one transaction,
// so a batch reads each unit's tail once.
type chainTail struct {
	read func(unitID int64) (ChainEntry, bool, error) // the stored tail
	now  time.Time
	last map[int64]ChainEntry
}

func newChainTail(read func(unitID int64) (ChainEntry, bool, error), now time.Time) *chainTail {
	return &chainTail{read: read, now: now, last: map[int64]ChainEntry{}}
}

// next computes the unit's next entry without writing it; the caller
// inserts the entries it collected (a batch at a time) in the same
// transaction.
func (c *chainTail) next(unitID int64, kind string, refID int64, digest string) (ChainEntry, error) {
	prev, ok := c.last[unitID]
	if !ok {
		tail, found, err := c.read(unitID)
		if err != nil {
			return ChainEntry{}, err
		}
		prev = tail
		if !found {
			prev = ChainEntry{UnitID: unitID, Seq: 0, Hash: GenesisHash}
		}
	}
	e := ChainEntry{UnitID: unitID, Seq: prev.Seq + 1, Kind: kind, RefID: refID, Digest: digest, PrevHash: prev.Hash, CreatedAt: c.now}
	e.Hash = e.ComputeHash()
	c.last[unitID] = e
	return e, nil
}
