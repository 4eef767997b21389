package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ChainExclusion is the chain kind of an exclusion event.
const ChainExclusion = "exclusion"

// ControlCoached is the control answer that signals coaching: an official
// steered the respondent towards good answers.
const ControlCoached = "Ya"

// CoachedReason is the reason recorded by ExcludeCoached.
const CoachedReason = "Responden menyatakan diarahkan petugas (pertanyaan kontrol dijawab \"Ya\")"

// Limits on exclusion text, in characters.
const (
	MaxExclusionReason = 500
	MaxExclusionActor  = 100
)

// Exclusion takes one response out of the statistics without deleting it:
// who decided, when and why. Seq is the chain entry that records it.
// ResponseID is the database's id and stays inside it; ResponseRef is the
// response's public reference.
type Exclusion struct {
	ID          int64
	UnitID      int64
	ResponseID  int64
	ResponseRef string `gorm:"->"`
	Reason      string
	Actor       string
	CreatedAt   time.Time
	Seq         int64 `gorm:"->"`
}

// Canonical returns the exclusion's canonical encoding (v2), the bytes its
// chain digest covers, in the style of Response.Canonical; it names the
// response by its public reference.
func (e *Exclusion) Canonical() []byte {
	var b strings.Builder
	b.WriteString("persepsi-exclusion-v2\n")
	fmt.Fprintf(&b, "unit=%d\nresponse=%s\n", e.UnitID, e.ResponseRef)
	fmt.Fprintf(&b, "reason=%s\nactor=%s\n", strconv.Quote(e.Reason), strconv.Quote(e.Actor))
	fmt.Fprintf(&b, "created_at=%s\n", e.CreatedAt.UTC().Format(time.RFC3339))
	return []byte(b.String())
}

// Digest returns hex(SHA-256(Canonical())).
func (e *Exclusion) Digest() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// checkDayRange validates a period of local days given as YYYY-MM-DD.
func checkDayRange(fromDay, toDay string) error {
	ve := &ValidationError{}
	from, err1 := time.Parse(time.DateOnly, fromDay)
	to, err2 := time.Parse(time.DateOnly, toDay)
	if err1 != nil {
		ve.Add("from", "Tanggal awal harus berbentuk TTTT-BB-HH.")
	}
	if err2 != nil {
		ve.Add("to", "Tanggal akhir harus berbentuk TTTT-BB-HH.")
	}
	if err1 == nil && err2 == nil && to.Before(from) {
		ve.Add("to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
	}
	return ve.OrNil()
}
