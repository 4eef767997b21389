package sqlstore

import (
	"context"
	"fmt"
	"persepsi/survey"

	"gorm.io/gorm"
)

// rollupKey identifies one daily rollup row.
type rollupKey struct {
	UnitID          int64
	LocalDay        string
	CounterID       int64
	ServiceID       int64
	QuestionnaireID int64
}

// rollupRow is a stored daily rollup.
type rollupRow struct {
	UnitID          int64  `gorm:"primaryKey;autoIncrement:false"`
	LocalDay        string `gorm:"primaryKey"`
	CounterID       int64  `gorm:"primaryKey;autoIncrement:false"`
	ServiceID       int64  `gorm:"primaryKey;autoIncrement:false"`
	QuestionnaireID int64  `gorm:"primaryKey;autoIncrement:false"`
	N               int64
	Payload         []byte
}

func (rollupRow) TableName() string { return "rollups" }

func (r *rollupRow) key() rollupKey {
	return rollupKey{r.UnitID, r.LocalDay, r.CounterID, r.ServiceID, r.QuestionnaireID}
}

// decodeRollup reads a payload written by MarshalBinary for questionnaire q.
func decodeRollup(q *survey.Questionnaire, p []byte) (*survey.Rollup, error) {
	r := survey.NewRollup(q)
	if err := r.Decode(p); err != nil {
		return nil, err
	}
	return r, nil
}

// addRollupsTx folds freshly inserted responses into the daily rollups,
// inside the submission transaction: the batch is merged per key in memory
// first, then each key's row is read, merged and written once.
func (s *Store) addRollupsTx(st *txStmts, rs []*survey.Response) error {
	byKey := map[rollupKey]*survey.Rollup{}
	var keys []rollupKey
	for _, resp := range rs {
		k := rollupKey{resp.UnitID, resp.LocalDay, resp.CounterID, resp.ServiceID, resp.QuestionnaireID}
		r, ok := byKey[k]
		if !ok {
			q, err := s.Questionnaire(resp.QuestionnaireID)
			if err != nil {
				return fmt.Errorf("storage: response of unknown questionnaire %d", resp.QuestionnaireID)
			}
			r = survey.NewRollup(q)
			byKey[k] = r
			keys = append(keys, k)
		}
		r.Add(resp)
	}
	for _, k := range keys {
		r := byKey[k]
		payload, err := st.rollupPayload(k)
		if err != nil {
			return err
		}
		if payload != nil {
			old, err := decodeRollup(r.Q, payload)
			if err != nil {
				return fmt.Errorf("storage: rollup %v: %w", k, err)
			}
			r.Merge(old)
		}
		if err := st.putRollupRow(k, r); err != nil {
			return err
		}
	}
	return nil
}

// rebuildRollupsTx recomputes the unit's rollups of the given local days
// from the raw responses, leaving out excluded ones. It is idempotent and
// runs inside the caller's write transaction (e.g. the one recording an
// exclusion), which announces ChangedSummaries (Store.change).
func (s *Store) rebuildRollupsTx(tx *gorm.DB, unitID int64, days []string) error {
	days = uniqueStrings(days)
	for start := 0; start < len(days); start += sqlChunk {
		chunk := days[start:min(start+sqlChunk, len(days))]
		if err := tx.Where("unit_id = ? AND local_day IN ?", unitID, chunk).Delete(&rollupRow{}).Error; err != nil {
			return fmt.Errorf("storage: unable to clear rollups: %w", err)
		}
		for _, day := range chunk {
			if err := s.rebuildDayTx(tx, unitID, day); err != nil {
				return err
			}
		}
	}
	return nil
}

// rebuildDayTx builds one local day's rollups of a unit from its responses,
// a page at a time.
func (s *Store) rebuildDayTx(tx *gorm.DB, unitID int64, day string) error {
	byKey := map[rollupKey]*survey.Rollup{}
	var keys []rollupKey
	var after int64
	for {
		var page []*survey.Response
		err := tx.Where("unit_id = ? AND local_day = ? AND id > ?", unitID, day, after).
			Where("id NOT IN (SELECT response_id FROM exclusions WHERE unit_id = ?)", unitID).
			Order("id").Limit(recordPage).Find(&page).Error
		if err != nil {
			return fmt.Errorf("storage: unable to read responses: %w", err)
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
		if err := loadAnswers(tx, page); err != nil {
			return err
		}
		for _, resp := range page {
			k := rollupKey{resp.UnitID, resp.LocalDay, resp.CounterID, resp.ServiceID, resp.QuestionnaireID}
			r, ok := byKey[k]
			if !ok {
				q, err := s.Questionnaire(resp.QuestionnaireID)
				if err != nil {
					return fmt.Errorf("storage: response %d of unknown questionnaire %d", resp.ID, resp.QuestionnaireID)
				}
				r = survey.NewRollup(q)
				byKey[k] = r
				keys = append(keys, k)
			}
			r.Add(resp)
		}
	}
	st, err := s.ws.bind(tx.Statement.Context, tx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := st.putRollupRow(k, byKey[k]); err != nil {
			return err
		}
	}
	return nil
}

// loadAnswers fills the answers of a page of responses.
func loadAnswers(tx *gorm.DB, page []*survey.Response) error {
	byID := make(map[int64]*survey.Response, len(page))
	ids := make([]int64, len(page))
	for i, r := range page {
		byID[r.ID] = r
		ids[i] = r.ID
		r.Answers = r.Answers[:0]
	}
	for start := 0; start < len(ids); start += sqlChunk {
		var as []survey.Answer
		if err := tx.Where("response_id IN ?", ids[start:min(start+sqlChunk, len(ids))]).Find(&as).Error; err != nil {
			return fmt.Errorf("storage: unable to read answers: %w", err)
		}
		for _, a := range as {
			r := byID[a.ResponseID]
			r.Answers = append(r.Answers, a)
		}
	}
	return nil
}

// rebuildDaysPerTx bounds how many local days one rebuild transaction
// covers, so a full rebuild never holds the writer for long.
const rebuildDaysPerTx = 7

// RebuildRollups recomputes every rollup of a unit (of every unit when
// unitID is 0) from the raw responses. It is idempotent, and runs as a
// series of short transactions so submissions keep flowing meanwhile.
func (s *Store) RebuildRollups(ctx context.Context, unitID int64) error {
	var units []int64
	if unitID != 0 {
		if _, err := s.Unit(ctx, unitID); err != nil {
			return err
		}
		units = []int64{unitID}
	} else if err := s.r.WithContext(ctx).Table("units").Order("id").Pluck("id", &units).Error; err != nil {
		return fmt.Errorf("storage: unable to list units: %w", err)
	}
	for _, u := range units {
		var days, rolled []string
		if err := s.r.WithContext(ctx).Table("responses").Distinct("local_day").Where("unit_id = ?", u).Pluck("local_day", &days).Error; err != nil {
			return fmt.Errorf("storage: unable to list days: %w", err)
		}
		if err := s.r.WithContext(ctx).Table("rollups").Distinct("local_day").Where("unit_id = ?", u).Pluck("local_day", &rolled).Error; err != nil {
			return fmt.Errorf("storage: unable to list days: %w", err)
		}
		days = uniqueStrings(append(days, rolled...))
		for start := 0; start < len(days); start += rebuildDaysPerTx {
			chunk := days[start:min(start+rebuildDaysPerTx, len(days))]
			err := s.change(ctx, ChangedSummaries, func(tx *gorm.DB) error {
				if _, err := s.lockedTx(ctx, tx, u); err != nil {
					return err
				}
				return s.rebuildRollupsTx(tx, u, chunk)
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func uniqueStrings(in []string) []string {
	set := make(map[string]bool, len(in))
	for _, s := range in {
		set[s] = true
	}
	return sortedKeys(set)
}
