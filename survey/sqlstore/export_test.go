package sqlstore

import (
	"context"

	"gorm.io/gorm"

	"persepsi/survey"
)

// What the external tests of this package reach inside for.

// RollupKey names one stored daily rollup.
type RollupKey = rollupKey

// InvalidateSummaries drops the brief dashboard cache.
func (s *Store) InvalidateSummaries() { s.invalidateSummaries() }

// PutRollups writes rollup rows as they are, bypassing submissions: a
// benchmark seeds a year of rollups this way.
func (s *Store) PutRollups(ctx context.Context, rows map[RollupKey]*survey.Rollup) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := s.ws.bind(ctx, tx)
		if err != nil {
			return err
		}
		for k, r := range rows {
			if err := st.putRollupRow(k, r); err != nil {
				return err
			}
		}
		return nil
	})
}
