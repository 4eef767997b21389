package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlite"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// benchResponses and benchDays are the dashboard speed target: one unit
// with a million responses over a year.
const (
	benchResponses = 1_000_000
	benchDays      = 365
)

// seedYear builds a unit with 3 counters and 2 services holding
// benchResponses responses over benchDays days. The rollups are written
// through the rollup code itself (newRollup/add/putRollupRow) from
// synthetic responses, a day at a time, instead of a million HTTP posts;
// the responses table gets the same number of rows by one INSERT … SELECT
// (no answers: summaries never read them, only the suggestions query reads
// the rows, a third of which carry one).
func seedYear(b *testing.B) (*sqlstore.Store, *survey.Unit, survey.Period) {
	b.Helper()
	// storetest.MustOpen: a SQLite file, or with PERSEPSI_TEST_STORE=postgres
	// a fresh PostgreSQL schema (the figure docs/PERFORMANCE.md gives for it).
	s := storetest.MustOpen(b)
	ctx := context.Background()
	var err error
	u, err := s.CreateUnit(ctx, survey.NewUnit{Name: "survey.Unit Uji Kecepatan", TimeZone: "Asia/Jakarta"})
	if err != nil {
		b.Fatal(err)
	}
	var svcs []int64
	for _, name := range []string{"Perizinan", "Pengaduan"} {
		sv, err := s.CreateService(ctx, u.ID, name)
		if err != nil {
			b.Fatal(err)
		}
		svcs = append(svcs, sv.ID)
	}
	var ctrs []int64
	for i := range 3 {
		c, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: fmt.Sprintf("Loket %d", i+1)})
		if err != nil {
			b.Fatal(err)
		}
		ctrs = append(ctrs, c.ID)
	}
	q, err := s.Questionnaire(u.QuestionnaireID)
	if err != nil {
		b.Fatal(err)
	}
	items := q.Items()
	rng := rand.New(rand.NewPCG(1, 2))
	first := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	perDay := benchResponses / benchDays
	resp := &survey.Response{Answers: make([]survey.Answer, len(items))}
	for i, it := range items {
		resp.Answers[i].ItemCode = it.Code
	}
	for d := range benchDays {
		day := first.AddDate(0, 0, d).Format(time.DateOnly)
		n := perDay
		if d < benchResponses%benchDays {
			n++
		}
		byKey := map[sqlstore.RollupKey]*survey.Rollup{}
		for range n {
			resp.CounterID, resp.ServiceID = ctrs[rng.IntN(len(ctrs))], svcs[rng.IntN(len(svcs))]
			base := 3 + rng.IntN(4)
			for i := range resp.Answers {
				resp.Answers[i].Value = min(6, max(1, base+rng.IntN(3)-1))
			}
			resp.Control = "Tidak"
			if rng.IntN(50) == 0 {
				resp.Control = "Ya"
			}
			k := sqlstore.RollupKey{u.ID, day, resp.CounterID, resp.ServiceID, q.ID}
			r, ok := byKey[k]
			if !ok {
				r = survey.NewRollup(q)
				byKey[k] = r
			}
			r.Add(resp)
		}
		err := s.PutRollups(ctx, byKey)
		if err != nil {
			b.Fatal(err)
		}
	}
	// Raw rows, by one test-only INSERT … SELECT in each database's dialect.
	if s.Dialect().Name() == "postgres" {
		err = s.Writer().Exec(`INSERT INTO responses (ref, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel, control, suggestion, idempotency_key, salt)
		SELECT md5(i::text), ?, ?, ?, ?, ?, to_char(?::date + (i * ?::bigint / ?)::int, 'YYYY-MM-DD'), 'qr', 'Tidak',
		       CASE WHEN i % 3 = 0 THEN 'Saran ' || i ELSE '' END, 'bench-' || i, '\x00'::bytea FROM generate_series(0, ? - 1) AS i`,
			u.ID, ctrs[0], svcs[0], q.ID, first, first.Format(time.DateOnly), benchDays, benchResponses, benchResponses).Error
		if err == nil {
			err = s.Writer().Exec(`ANALYZE`).Error
		}
	} else {
		err = s.Writer().Exec(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?)
		INSERT INTO responses (unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel, control, suggestion, idempotency_key)
		SELECT ?, ?, ?, ?, ?, date(?, '+' || (i * ? / ?) || ' days'), 'qr', 'Tidak',
		       CASE WHEN i % 3 = 0 THEN 'Saran ' || i ELSE '' END, 'bench-' || i FROM seq`,
			benchResponses, u.ID, ctrs[0], svcs[0], q.ID, first, first.Format(time.DateOnly), benchDays, benchResponses).Error
		if err == nil {
			// As the server's Maintain would once the seeding burst is over.
			err = sqlite.Checkpoint(ctx, s.Writer(), s.Path(), -1)
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	return s, u, survey.Period{From: first.Format(time.DateOnly), To: first.AddDate(0, 0, benchDays-1).Format(time.DateOnly)}
}

// BenchmarkDashboardYear measures survey.Summary and survey.Daily over a year of a
// million responses, uncached (the few-seconds cache is dropped before
// every call), and reports the p95 latency besides the mean.
func BenchmarkDashboardYear(b *testing.B) {
	s, u, p := seedYear(b)
	ctx := context.Background()
	if sum, err := s.Summary(ctx, u.ID, p, survey.Filter{}); err != nil || sum.N != benchResponses {
		b.Fatalf("seeded summary: n=%v err=%v", sum, err)
	}
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"survey.Summary", func() error { _, err := s.Summary(ctx, u.ID, p, survey.Filter{}); return err }},
		{"survey.Daily", func() error { _, err := s.Daily(ctx, u.ID, p, survey.Filter{}); return err }},
		{"SummaryCounter", func() error { _, err := s.Summary(ctx, u.ID, p, survey.Filter{CounterID: 1}); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				s.InvalidateSummaries()
				start := time.Now()
				if err := c.f(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
