package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"persepsi/survey"
	"strings"
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

// RawMultiRowRate is RawInsertRate with each transaction's responses in
// one multi-row INSERT … RETURNING id and their answers in one more: the
// most the database itself takes, the ceiling to read the writer's rate
// against on a server where every statement is a round trip.
func (s *Store) RawMultiRowRate(ctx context.Context, unitID, counterID, serviceID, questionnaireID int64, items, rows int, d time.Duration) (float64, error) {
	db, err := s.w.DB()
	if err != nil {
		return 0, err
	}
	now := s.now().UTC().Truncate(time.Hour)
	respSQL := s.d.Rebind(`INSERT INTO responses (ref, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel, idempotency_key, salt) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, 'qr', ?, ?), ", rows), ", ") + ` RETURNING id`)
	n := 0
	start := time.Now()
	for time.Since(start) < d && ctx.Err() == nil {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		args := make([]any, 0, rows*9)
		for i := range rows {
			args = append(args, survey.NewRef(), unitID, counterID, serviceID, questionnaireID, now, now.Format(time.DateOnly),
				fmt.Sprintf("rawm-%020d", n+i), survey.RandomBytes(survey.SaltSize))
		}
		ids, err := scanIDs(tx.QueryContext(ctx, respSQL, args...))
		if err != nil {
			_ = tx.Rollback()
			return 0, err
		}
		ans := make([]any, 0, len(ids)*items*3)
		for k, id := range ids {
			for i := range items {
				ans = append(ans, id, fmt.Sprintf("I%d", i+1), 1+(n+k+i)%4)
			}
		}
		q := s.d.Rebind(`INSERT INTO answers (response_id, item_code, value) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(ids)*items), ", "))
		if _, err := tx.ExecContext(ctx, q, ans...); err != nil {
			_ = tx.Rollback()
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		n += rows
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func scanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
