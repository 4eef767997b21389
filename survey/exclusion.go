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

// CheckExclusion returns an exclusion's reason and actor cleaned by
// CleanLine, and nil or a *ValidationError naming every rule the input
// breaks: the reason is required and has at most MaxExclusionReason
// characters, the actor is required and has at most MaxExclusionActor, and
// refs holds at least one reference, each of ValidRef's form (the first
// malformed one is named). Whether each reference is a response of the unit
// that is not excluded yet is for the store to check.
func CheckExclusion(refs []string, reason, actor string) (string, string, error) {
	ve := &ValidationError{}
	reason = CleanLine(reason)
	if emptyOrTooLong(reason, MaxExclusionReason) {
		ve.Add("reason", fmt.Sprintf("Alasan wajib diisi (paling banyak %d karakter).", MaxExclusionReason))
	}
	actor = checkActor(ve, actor)
	if len(refs) == 0 {
		ve.Add("response", "Sebutkan paling sedikit satu respons.")
	}
	for _, ref := range refs {
		if !ValidRef(ref) {
			ve.Add("response", fmt.Sprintf("%q bukan acuan respons (32 karakter heksadesimal).", ref))
		}
	}
	return reason, actor, ve.OrNil()
}

// CheckExclusionActor returns the name of whoever decides an exclusion
// cleaned by CleanLine, or a *ValidationError on "actor" when it is empty or
// has more than MaxExclusionActor characters.
func CheckExclusionActor(actor string) (string, error) {
	ve := &ValidationError{}
	actor = checkActor(ve, actor)
	return actor, ve.OrNil()
}

// checkActor cleans an exclusion's actor and records in ve what is wrong
// with it.
func checkActor(ve *ValidationError, actor string) string {
	actor = CleanLine(actor)
	if emptyOrTooLong(actor, MaxExclusionActor) {
		ve.Add("actor", fmt.Sprintf("Nama pemutus wajib diisi (paling banyak %d karakter).", MaxExclusionActor))
	}
	return actor
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
