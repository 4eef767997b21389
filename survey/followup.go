package survey

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
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

// FollowUps lists a unit's follow-up plan by deadline.
func (s *Store) FollowUps(ctx context.Context, unitID int64) ([]FollowUp, error) {
	var out []FollowUp
	if err := s.r.WithContext(ctx).Where("unit_id = ?", unitID).Order("deadline, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list follow-ups: %w", err)
	}
	return out, nil
}

// SaveFollowUp validates and stores a follow-up of a unit: a new one when
// in.ID is empty, else an update of the unit's existing one. The item must
// be one of the unit's questionnaire.
func (s *Store) SaveFollowUp(ctx context.Context, unitID int64, in FollowUpInput) (*FollowUp, error) {
	u, err := s.unitW(ctx, unitID)
	if err != nil {
		return nil, err
	}
	q, err := s.Questionnaire(u.QuestionnaireID)
	if err != nil {
		return nil, fmt.Errorf("storage: unit %d runs unknown questionnaire %d", u.ID, u.QuestionnaireID)
	}
	f := FollowUp{UnitID: unitID, ItemCode: strings.TrimSpace(in.ItemCode), Cause: cleanText(in.Cause), Action: cleanText(in.Action),
		Deadline: strings.TrimSpace(in.Deadline), Owner: cleanLine(in.Owner), Status: strings.TrimSpace(in.Status)}
	ve := &ValidationError{}
	known := false
	for _, it := range q.Items() {
		known = known || it.Code == f.ItemCode
	}
	if !known {
		ve.add("item", "Pilih butir kuesioner yang ditindaklanjuti.")
	}
	for field, v := range map[string]string{"cause": f.Cause, "action": f.Action} {
		if v == "" || utf8.RuneCountInString(v) > MaxFollowUpText {
			ve.add(field, fmt.Sprintf("Wajib diisi (paling banyak %d karakter).", MaxFollowUpText))
		}
	}
	if _, err := time.Parse(time.DateOnly, f.Deadline); err != nil {
		ve.add("deadline", "Tenggat harus berupa tanggal (TTTT-BB-HH).")
	}
	if f.Owner == "" || utf8.RuneCountInString(f.Owner) > MaxFollowUpOwner {
		ve.add("owner", fmt.Sprintf("Penanggung jawab wajib diisi (paling banyak %d karakter).", MaxFollowUpOwner))
	}
	if f.Status == "" {
		f.Status = FollowUpStatuses[0].Code
	}
	if (&f).StatusLabel() == f.Status {
		ve.add("status", "Status tidak dikenal.")
	}
	var id int64
	if in.ID != "" {
		id, err = strconv.ParseInt(in.ID, 10, 64)
		if err != nil || id <= 0 {
			return nil, ErrNotFound
		}
	}
	if err := ve.orNil(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	f.UpdatedAt = now
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if id == 0 {
			f.CreatedAt = now
			return tx.Create(&f).Error
		}
		var old FollowUp
		if err := tx.Where("id = ? AND unit_id = ?", id, unitID).Take(&old).Error; err != nil {
			return notFound(err, "follow-up")
		}
		f.ID, f.CreatedAt = old.ID, old.CreatedAt
		return tx.Save(&f).Error
	})
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("storage: unable to save follow-up: %w", err)
	}
	return &f, nil
}

// DeleteFollowUp removes one line of a unit's plan. The plan is the unit's
// working document, not evidence of responses, so lines may be removed.
func (s *Store) DeleteFollowUp(ctx context.Context, unitID, id int64) error {
	res := s.w.WithContext(ctx).Where("id = ? AND unit_id = ?", id, unitID).Delete(&FollowUp{})
	if res.Error != nil {
		return fmt.Errorf("storage: unable to delete follow-up: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
