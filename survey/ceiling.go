package survey

import (
	"context"
	"fmt"
	"time"
)

// RawInsertRate measures the ceiling the storage itself puts on submissions:
// for d, one goroutine inserts synthetic responses (one row) with their
// answers (items rows) straight through database/sql prepared statements,
// batch rows per transaction, on this store's writer connection and schema,
// with no validation, chain, rollups or GORM. It returns the responses per
// second achieved. The load test prints it beside the real path's rate so
// the two can be compared on the same machine in the same run.
func (s *Store) RawInsertRate(ctx context.Context, unitID, counterID, serviceID, questionnaireID int64, items, batch int, d time.Duration) (float64, error) {
	db, err := s.w.DB()
	if err != nil {
		return 0, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	now := s.now().UTC().Truncate(time.Second)
	day := now.Format(time.DateOnly)
	n := 0
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		insResp, err := tx.PrepareContext(ctx, `INSERT INTO responses (unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel, control, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, 'qr', 'Tidak', ?) RETURNING id`)
		if err != nil {
			_ = tx.Rollback()
			return 0, err
		}
		insAns, err := tx.PrepareContext(ctx, `INSERT INTO answers (response_id, item_code, value) VALUES (?, ?, ?)`)
		if err != nil {
			_ = tx.Rollback()
			return 0, err
		}
		for range batch {
			var id int64
			if err := insResp.QueryRowContext(ctx, unitID, counterID, serviceID, questionnaireID, now, day, fmt.Sprintf("raw-%020d", n)).Scan(&id); err != nil {
				_ = tx.Rollback()
				return 0, err
			}
			for i := range items {
				if _, err := insAns.ExecContext(ctx, id, fmt.Sprintf("I%d", i+1), 1+(n+i)%4); err != nil {
					_ = tx.Rollback()
					return 0, err
				}
			}
			n++
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
