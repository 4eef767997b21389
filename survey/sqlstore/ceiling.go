package sqlstore

import (
	"context"
	"fmt"
	"persepsi/survey"
	"time"
)

// RawInsertRate measures the ceiling the storage itself puts on submissions:
// for d, one goroutine inserts synthetic responses (one row) with their
// answers (items rows), batch responses per transaction, on this store's
// writer connection and schema, through the very prepared statements the
// batching writer uses, but with no validation, rollups or GORM. It
// returns the responses per second achieved. The load test prints it beside
// the real path's rate so the two can be compared on the same machine in
// the same run.
func (s *Store) RawInsertRate(ctx context.Context, unitID, counterID, serviceID, questionnaireID int64, items, batch int, d time.Duration) (float64, error) {
	db, err := s.w.DB()
	if err != nil {
		return 0, err
	}
	now := s.now().UTC().Truncate(time.Second)
	r := &survey.Response{UnitID: unitID, CounterID: counterID, ServiceID: serviceID, QuestionnaireID: questionnaireID,
		SubmittedAt: now, LocalDay: now.Format(time.DateOnly), Channel: survey.ChannelQR, Control: "Tidak", Answers: make([]survey.Answer, items), Salt: survey.RandomBytes(survey.SaltSize)}
	n := 0
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		st := s.ws.bindSQL(ctx, tx)
		for range batch {
			r.IdempotencyKey = fmt.Sprintf("raw-%020d", n)
			r.Ref = survey.NewRef()
			for i := range r.Answers {
				r.Answers[i] = survey.Answer{ItemCode: fmt.Sprintf("I%d", i+1), Value: 1 + (n+i)%4}
			}
			if _, err := st.insertResponse(r); err != nil {
				_ = tx.Rollback()
				return 0, err
			}
			n++
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
