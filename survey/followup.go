package survey

import (
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
