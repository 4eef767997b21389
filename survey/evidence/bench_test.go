package evidence

import (
	"context"
	"io"
	"log/slog"
	"os"
	"persepsi/survey/sqlite"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
)

// benchStore opens the database named by PERSEPSI_BENCH_DB (e.g. one made
// with `persepsi demo --days 90 --per-day 1570`, about 100,000 responses),
// or seeds a small fixture when it is unset.
func benchStore(b *testing.B) (survey.Store, int64, survey.Period) {
	path := os.Getenv("PERSEPSI_BENCH_DB")
	if path == "" {
		f := newFixture(b, 2000, 10)
		return f.store, f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"}
	}
	s, err := sqlite.Open(path, survey.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.SyncQuestionnaires(context.Background(), qs); err != nil {
		b.Fatal(err)
	}
	to := time.Now().Format(time.DateOnly)
	return s, 1, survey.Period{From: time.Now().AddDate(0, 0, -120).Format(time.DateOnly), To: to}
}

// BenchmarkReportPDF measures the PDF alone (the summary and daily series
// from the snapshot's rollups, charts, layout), the part of an export the
// 3-second target is about; the record pass that fills the rollups is
// outside the loop.
func BenchmarkReportPDF(b *testing.B) {
	store, unit, period := benchStore(b)
	ctx := context.Background()
	u, err := store.Unit(ctx, unit)
	if err != nil {
		b.Fatal(err)
	}
	head, err := store.ChainHead(ctx, unit)
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{BaseURL: "https://survei.contoh.go.id", Key: testKey(1)}
	ex := &Export{Head: head, Opt: &opt, At: time.Now().UTC()}
	if ex.snap, err = newSnapshot(ctx, store, u, period, ex.At); err != nil {
		b.Fatal(err)
	}
	if ex.Dataset, err = newDataset(ctx, store, u, period, head.Seq, 0, ex.count); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := ex.WritePDF(ex.snap.report(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
