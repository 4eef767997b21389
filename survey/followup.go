package survey

import (
	"fmt"
	"strings"
	"time"
)

// FollowUp is one line of a unit's follow-up plan (rencana tindak lanjut)
// for a weak item.
type FollowUp struct {
	ID        int64
	UnitID    int64
	ItemCode  string
	Cause     string
	Action    string
	Deadline  string // YYYY-MM-DD
	Owner     string // penanggung jawab
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName maps FollowUp to its table.
func (FollowUp) TableName() string { return "followups" }

// The states of a follow-up, with their labels.
var FollowUpStatuses = []struct{ Code, Label string }{
	{"rencana", "Direncanakan"},
	{"berjalan", "Sedang berjalan"},
	{"selesai", "Selesai"},
}

// StatusLabel returns the Bahasa Indonesia label of the follow-up's state.
func (f *FollowUp) StatusLabel() string {
	for _, s := range FollowUpStatuses {
		if s.Code == f.Status {
			return s.Label
		}
	}
	return f.Status
}

// FollowUpInput is a follow-up as typed in the form; ID 0 adds a new one.
type FollowUpInput struct {
	ID       string
	ItemCode string
	Cause    string
	Action   string
	Deadline string
	Owner    string
	Status   string
}

// Limits on follow-up text, in characters.
const (
	MaxFollowUpText  = 1000
	MaxFollowUpOwner = 200
)

// Validate returns in cleaned (ItemCode, Deadline and Status trimmed, Cause
// and Action by CleanText, Owner by CleanLine, an empty Status made the
// first of FollowUpStatuses), and nil or a *ValidationError naming every
// rule in breaks: cause and action are required and have at most
// MaxFollowUpText characters each, the deadline is a date YYYY-MM-DD, the
// owner is required and has at most MaxFollowUpOwner characters, and the
// status is one of FollowUpStatuses. Whether ItemCode is an item of the
// unit's questionnaire, and ID one of the unit's follow-ups, is for the
// store to check.
func (in FollowUpInput) Validate() (FollowUpInput, error) {
	in.ItemCode, in.Deadline, in.Status = strings.TrimSpace(in.ItemCode), strings.TrimSpace(in.Deadline), strings.TrimSpace(in.Status)
	in.Cause, in.Action, in.Owner = CleanText(in.Cause), CleanText(in.Action), CleanLine(in.Owner)
	ve := &ValidationError{}
	for _, f := range []struct{ field, text string }{{"cause", in.Cause}, {"action", in.Action}} {
		if emptyOrTooLong(f.text, MaxFollowUpText) {
			ve.Add(f.field, fmt.Sprintf("Wajib diisi (paling banyak %d karakter).", MaxFollowUpText))
		}
	}
	if _, err := time.Parse(time.DateOnly, in.Deadline); err != nil {
		ve.Add("deadline", "Tenggat harus berupa tanggal (TTTT-BB-HH).")
	}
	if emptyOrTooLong(in.Owner, MaxFollowUpOwner) {
		ve.Add("owner", fmt.Sprintf("Penanggung jawab wajib diisi (paling banyak %d karakter).", MaxFollowUpOwner))
	}
	if in.Status == "" {
		in.Status = FollowUpStatuses[0].Code
	}
	if !knownFollowUpStatus(in.Status) {
		ve.Add("status", "Status tidak dikenal.")
	}
	return in, ve.OrNil()
}

func knownFollowUpStatus(code string) bool {
	for _, s := range FollowUpStatuses {
		if s.Code == code {
			return true
		}
	}
	return false
}
