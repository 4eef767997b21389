package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"persepsi/survey"
	"strconv"

	"gorm.io/gorm"
)

// FollowUps lists a unit's follow-up plan by deadline.
func (s *Store) FollowUps(ctx context.Context, unitID int64) ([]survey.FollowUp, error) {
	var out []survey.FollowUp
	if err := s.r.WithContext(ctx).Where("unit_id = ?", unitID).Order("deadline, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list follow-ups: %w", err)
	}
	return out, nil
}

// SaveFollowUp validates and stores a follow-up of a unit: a new one when
// in.ID is empty, else an update of the unit's existing one. The item must
// be one of the unit's questionnaire.
func (s *Store) SaveFollowUp(ctx context.Context, unitID int64, in survey.FollowUpInput) (*survey.FollowUp, error) {
	u, err := s.unitW(ctx, unitID)
	if err != nil {
		return nil, err
	}
	q, err := s.Questionnaire(u.QuestionnaireID)
	if err != nil {
		return nil, fmt.Errorf("storage: unit %d runs unknown questionnaire %d", u.ID, u.QuestionnaireID)
	}
	in, err = in.Validate()
	f := survey.FollowUp{UnitID: unitID, ItemCode: in.ItemCode, Cause: in.Cause, Action: in.Action, Deadline: in.Deadline, Owner: in.Owner, Status: in.Status}
	ve := &survey.ValidationError{}
	ve.Merge(err)
	known := false
	for _, it := range q.Items() {
		known = known || it.Code == f.ItemCode
	}
	if !known {
		ve.Add("item", "Pilih butir kuesioner yang ditindaklanjuti.")
	}
	var id int64
	if in.ID != "" {
		id, err = strconv.ParseInt(in.ID, 10, 64)
		if err != nil || id <= 0 {
			return nil, survey.ErrNotFound
		}
	}
	if err := ve.OrNil(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	f.UpdatedAt = now
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if id == 0 {
			f.CreatedAt = now
			return tx.Create(&f).Error
		}
		var old survey.FollowUp
		if err := tx.Where("id = ? AND unit_id = ?", id, unitID).Take(&old).Error; err != nil {
			return notFound(err, "follow-up")
		}
		f.ID, f.CreatedAt = old.ID, old.CreatedAt
		return tx.Save(&f).Error
	})
	if errors.Is(err, survey.ErrNotFound) {
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
	res := s.w.WithContext(ctx).Where("id = ? AND unit_id = ?", id, unitID).Delete(&survey.FollowUp{})
	if res.Error != nil {
		return fmt.Errorf("storage: unable to delete follow-up: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return survey.ErrNotFound
	}
	return nil
}
