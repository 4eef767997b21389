package sqlstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// summarizeRecords builds a summary the way an evidence export does: Rollups
// filled from the store's records (not its rollups), then Summarize.
func summarizeRecords(t *testing.T, s *sqlstore.Store, unitID int64, p survey.Period, f survey.Filter, pop int64) *survey.Summary {
	t.Helper()
	ctx := context.Background()
	u, err := s.Unit(ctx, unitID)
	if err != nil {
		t.Fatal(err)
	}
	q, err := s.Questionnaire(u.QuestionnaireID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := survey.SummaryInput{Unit: *u, Versions: s.Questionnaires(), Period: p, Filter: f, Settings: st, Population: pop, Rollups: survey.NewRollups(q)}
	if in.Counters, err = s.Counters(ctx, unitID); err != nil {
		t.Fatal(err)
	}
	if in.Services, err = s.Services(ctx, unitID); err != nil {
		t.Fatal(err)
	}
	err = s.EachRecord(ctx, unitID, p, 0, func(rec *survey.Record) error {
		if rec.Exclusion != nil {
			in.Rollups.AddExcluded(&rec.Response)
		} else {
			in.Rollups.Add(&rec.Response)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return survey.Summarize(in)
}

// TestSummarizeFromRecordsEqualsStore: the pure Summarize over Rollups built
// from raw records gives exactly the store's summary (built from its daily
// rollups), unfiltered and filtered, with exclusions and two services.
func TestSummarizeFromRecordsEqualsStore(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jayapura")
	ctx := context.Background()
	if _, err := s.CreateService(ctx, sv.Unit.ID, "Pengaduan"); err != nil {
		t.Fatal(err)
	}
	sv, err := s.SurveyByCode(ctx, sv.Counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	all := storetest.Seed(t, s, sv, 400, 30, time.Date(2025, 9, 30, 12, 0, 0, 0, time.UTC), 3)
	if _, err := s.Exclude(ctx, sv.Unit.ID, []string{all[1].Ref, all[2].Ref, all[30].Ref}, "uji", "penguji"); err != nil {
		t.Fatal(err)
	}
	p := survey.Period{From: "2025-09-05", To: "2025-09-30"}
	if err := s.SetPopulation(ctx, sv.Unit.ID, p, 2000); err != nil {
		t.Fatal(err)
	}
	for _, f := range []survey.Filter{{}, {CounterID: sv.Counter.ID}, {ServiceID: sv.Services[1].ID}} {
		want, err := s.Summary(ctx, sv.Unit.ID, p, f)
		if err != nil {
			t.Fatal(err)
		}
		got := summarizeRecords(t, s, sv.Unit.ID, p, f, 2000)
		got.GeneratedAt = want.GeneratedAt
		if !reflect.DeepEqual(got, want) {
			t.Errorf("filter %+v: Summarize over records differs from the store's summary\n got %+v\nwant %+v", f, got, want)
		}
		if want.N < 100 {
			t.Errorf("filter %+v: N = %d, the test needs more", f, want.N)
		}
	}
}
