package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"persepsi/survey"
	"time"

	"gorm.io/gorm"
)

// retiredCode looks a code up among the retired ones: a *RetiredCodeError
// when it is there, ErrNotFound when not.
func (s *Store) retiredCode(ctx context.Context, code string) error {
	var row struct {
		Unit, Agency, Counter, TimeZone string
		RetiredAt                       time.Time
	}
	err := s.r.WithContext(ctx).Raw(`SELECT u.name AS unit, u.agency, c.name AS counter, u.time_zone, r.retired_at
		FROM retired_codes r JOIN counters c ON c.id = r.counter_id JOIN units u ON u.id = c.unit_id
		WHERE r.code = ?`, code).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return survey.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("storage: unable to read retired codes: %w", err)
	}
	return &survey.RetiredCodeError{Unit: row.Unit, Agency: row.Agency, Counter: row.Counter, Zone: row.TimeZone, RetiredAt: row.RetiredAt}
}
