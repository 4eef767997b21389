package sqlstore_test

import (
	"context"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// submitScores submits one response of sv with every SPAK item scored spak
// and every other item scored other.
func submitScores(tb testing.TB, s *sqlstore.Store, sv *survey.Survey, at time.Time, spak, other int, control string) {
	tb.Helper()
	in := storetest.Input(sv, strconv.Itoa(other))
	in.Control = control
	if sec, ok := sv.Questionnaire.SectionByIndex("IPAK"); ok {
		for _, it := range sec.Items {
			in.Answers[it.Code] = strconv.Itoa(spak)
		}
	}
	r, err := sv.Validate(in, at)
	if err != nil {
		tb.Fatal(err)
	}
	if _, _, err := s.Submit(context.Background(), r); err != nil {
		tb.Fatal(err)
	}
}

var march = time.Date(2025, 3, 10, 3, 0, 0, 0, time.UTC) // 10:00 WIB on 10 March
var marchDay = survey.Period{From: "2025-03-10", To: "2025-03-10"}

func section(t *testing.T, sum *survey.Summary, index string) *survey.SectionSummary {
	t.Helper()
	sec, ok := sum.Section(index)
	if !ok {
		t.Fatalf("no %s section", index)
	}
	return sec
}

// TestVerdictNeedsRespondentsAndVariance is issue 9 item 3: four
// respondents who all answer 6 gave "Memenuhi" for WBK and WBBM. Hand
// calculation of the met case: 20 respondents at 6 and 10 at 5 on every
// item: per-respondent means 6 (×20) and 5 (×10), mean 170/30 = 5.6667,
// SS = 20·(1/3)² + 10·(2/3)² = 60/9, s = √(60/9/29) = 0.479463,
// se = s/√30 = 0.087538, t(0.975; 29) = 2.045230 (Student's t table),
// half-width 0.179035, lower bound 5.487632 → ×4/6 = 3.658421 ≥ 3.60.
func TestVerdictNeedsRespondentsAndVariance(t *testing.T) {
	cases := []struct {
		name      string
		at6, at5  int
		verdict   survey.Verdict
		reasonHas string
	}{
		{"four respondents, all 6", 4, 0, survey.VerdictUncertain, "kurang dari minimum 30"},
		{"29 respondents, all 6", 29, 0, survey.VerdictUncertain, "kurang dari minimum 30"},
		{"30 respondents, all 6 (zero variance)", 30, 0, survey.VerdictUncertain, "varians nol"},
		{"20 at 6 and 10 at 5", 20, 10, survey.VerdictMet, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustOpen(t)
			sv := storetest.Survey(t, s, "Asia/Jakarta")
			for i := range tc.at6 + tc.at5 {
				v := 6
				if i >= tc.at6 {
					v = 5
				}
				submitScores(t, s, sv, march, v, v, "Tidak")
			}
			sum, err := s.Summary(context.Background(), sv.Unit.ID, marchDay, survey.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, idx := range []string{"IPAK", "IPKP"} {
				for _, v := range section(t, sum, idx).Verdicts {
					if v.Verdict != tc.verdict || !strings.Contains(v.Reason, tc.reasonHas) || (v.Verdict == survey.VerdictUncertain) == (v.Reason == "") {
						t.Errorf("%s %s: %s (%q), want %s with a reason containing %q", idx, v.Predicate, v.Verdict, v.Reason, tc.verdict, tc.reasonHas)
					}
				}
			}
		})
	}
}

// TestSmallGroupsHiddenEverywhere is issue 9 item 5. Counters A (20
// responses), B (12) and C (3), minimum group 5: C is hidden (3 < 5), and
// since the hidden ones then hold 3 < 5, B (the smallest shown) is hidden
// too, so C's n cannot be had as 35 − 20 − 12. A filter on B or C gives a
// withheld summary and series, without any count.
func TestSmallGroupsHiddenEverywhere(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a := storetest.Survey(t, s, "Asia/Jakarta")
	counters := map[string]*survey.Survey{"A": a}
	for _, name := range []string{"B", "C"} {
		c, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: a.Unit.ID, Name: "Loket " + name})
		if err != nil {
			t.Fatal(err)
		}
		if counters[name], err = s.SurveyByCode(ctx, c.Code); err != nil {
			t.Fatal(err)
		}
	}
	for name, n := range map[string]int{"A": 20, "B": 12, "C": 3} {
		for i := range n {
			submitScores(t, s, counters[name], march, 4+i%3, 5, "Tidak")
		}
	}
	sum, err := s.Summary(ctx, a.Unit.ID, marchDay, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.N != 35 || len(sum.Counters) != 1 || sum.Counters[0].N != 20 || sum.HiddenCounters != 2 || sum.HiddenServices != 0 || len(sum.Services) != 1 {
		t.Fatalf("N %d, counters %+v, hidden %d counters %d services", sum.N, sum.Counters, sum.HiddenCounters, sum.HiddenServices)
	}
	cases := []struct {
		name     string
		f        survey.Filter
		withheld bool
		n        int64
	}{
		{"counter A", survey.Filter{CounterID: a.Counter.ID}, false, 20},
		{"counter B (secondary suppression)", survey.Filter{CounterID: counters["B"].Counter.ID}, true, 0},
		{"counter C (small)", survey.Filter{CounterID: counters["C"].Counter.ID}, true, 0},
		{"counter A × its only service", survey.Filter{CounterID: a.Counter.ID, ServiceID: a.Services[0].ID}, false, 20},
		{"counter C × the service", survey.Filter{CounterID: counters["C"].Counter.ID, ServiceID: a.Services[0].ID}, true, 0},
		{"the service", survey.Filter{ServiceID: a.Services[0].ID}, false, 35},
	}
	for _, tc := range cases {
		got, err := s.Summary(ctx, a.Unit.ID, marchDay, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if (got.Withheld != "") != tc.withheld || got.N != tc.n {
			t.Errorf("%s: withheld %q, N %d; want withheld %v, N %d", tc.name, got.Withheld, got.N, tc.withheld, tc.n)
		}
		if tc.withheld && (len(got.Sections) > 0 || got.Control != nil || len(got.Suggestions) > 0 || len(got.Profile) > 0) {
			t.Errorf("%s: a withheld summary carries numbers", tc.name)
		}
		if !tc.withheld && tc.f != (survey.Filter{}) && (len(got.Counters) > 0 || len(got.Services) > 0 || got.BreakdownNote == "") {
			t.Errorf("%s: a filtered summary carries a cross breakdown", tc.name)
		}
		d, err := s.Daily(ctx, a.Unit.ID, marchDay, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if (d.Withheld != "") != tc.withheld || (tc.withheld && len(d.Points) > 0) {
			t.Errorf("%s: daily withheld %q with %d points", tc.name, d.Withheld, len(d.Points))
		}
	}
}

// TestCountsAcrossVersionsAndExclusions is issue 9 items 7 and 8: eight
// responses on the 1–6 version, then seven on the 1–4 version, of which the
// three that said "Ya" are excluded with exclude --coached. The summary
// counts 4 (7 − 3), reports the 8 on the other version and the 3 excluded,
// 15 received; the coached share stays 3 of 7, not 0 of 4.
func TestCountsAcrossVersionsAndExclusions(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	for range 8 {
		submitScores(t, s, sv, march, 6, 6, "Tidak")
	}
	u := sv.Unit
	if _, err := s.UpdateUnit(ctx, u.ID, survey.UnitChange{Name: u.Name, Agency: u.Agency, TimeZone: u.TimeZone, Questionnaire: "spkp-spak-4"}); err != nil {
		t.Fatal(err)
	}
	sv, err := s.SurveyByCode(ctx, sv.Counter.Code)
	if err != nil || sv.Questionnaire.Scale.Max != 4 {
		t.Fatalf("switch: %v, scale %d", err, sv.Questionnaire.Scale.Max)
	}
	for i := range 7 {
		control := "Tidak"
		if i < 3 {
			control = "Ya"
		}
		submitScores(t, s, sv, march.Add(time.Hour), 3, 4, control)
	}
	if _, err := s.ExcludeCoached(ctx, u.ID, marchDay, "Tim ZI"); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summary(ctx, u.ID, marchDay, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.N != 4 || sum.Excluded != 3 || sum.Received() != 15 || len(sum.VersionBreaks) != 1 || sum.VersionBreaks[0].N != 8 || sum.VersionBreaks[0].Ref != "spkp-spak-6@1" {
		t.Errorf("N %d, excluded %d, received %d, breaks %+v", sum.N, sum.Excluded, sum.Received(), sum.VersionBreaks)
	}
	c := sum.Control
	if c.Yes != 3 || c.Answered() != 7 || c.Excluded != 3 || c.ExcludedYes != 3 || survey.FormatShare(c.Yes, c.Answered(), 1) != "42,9%" {
		t.Errorf("control %+v: want 3 of 7 (42,9%%), 3 excluded", c)
	}
}

// TestEmptyPeriodIsUndefined is issue 9 item 7: no responses gives no
// number at all, never 0.
func TestEmptyPeriodIsUndefined(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	sum, err := s.Summary(context.Background(), sv.Unit.ID, marchDay, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range sum.Sections {
		if sec.Est.Defined || sec.LKEExact != nil || sec.Grade != "" || survey.FormatIndex(sec.Est, 3) != "–" || survey.FormatRat(sec.LKEExact, 2) != "–" {
			t.Errorf("%s: %+v", sec.Index, sec.Est)
		}
		for _, it := range sec.Items {
			if it.Est.Defined || survey.FormatRawMean(it.Est, 3) != "–" {
				t.Errorf("%s defined on no data", it.Code)
			}
		}
	}
	if c := sum.Control; c.Defined || survey.FormatShare(c.Yes, c.Answered(), 1) != "–" {
		t.Errorf("control %+v", c)
	}
	for _, m := range sum.Sample.Margins {
		if m.Defined || m.Reason == "" {
			t.Errorf("margin %+v", m)
		}
	}
}

// TestPopulationBelowResponsesRefused is issue 9 item 9: N < n is refused
// with a clear error, and a margin is given per index.
func TestPopulationBelowResponsesRefused(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	for i := range 5 {
		submitScores(t, s, sv, march, 4+i%3, 5, "Tidak")
	}
	err := s.SetPopulation(ctx, sv.Unit.ID, marchDay, 4)
	var ve *survey.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(ve.Fields["population"], "lebih kecil dari jumlah respons") {
		t.Fatalf("N = 4 < n = 5: %v", err)
	}
	if err := s.SetPopulation(ctx, sv.Unit.ID, marchDay, 5); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summary(ctx, sv.Unit.ID, marchDay, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Sample.FPCApplied || len(sum.Sample.Margins) != 2 || sum.Sample.Margins[1].Index != "IPAK" || !sum.Sample.Margins[1].Defined {
		t.Errorf("sample %+v", sum.Sample)
	}
}

// TestExactTieRoundsUp is issue 9 item 4 on a real summary: on the 1–4
// version (no conversion), 11 answers of 4 and 69 of 3 give the item mean
// (11·4 + 69·3)/80 = 251/80 = 3.1375, printed "3,138".
func TestExactTieRoundsUp(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	u := sv.Unit
	if _, err := s.UpdateUnit(ctx, u.ID, survey.UnitChange{Name: u.Name, Agency: u.Agency, TimeZone: u.TimeZone, Questionnaire: "spkp-spak-4"}); err != nil {
		t.Fatal(err)
	}
	sv, err := s.SurveyByCode(ctx, sv.Counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 80 {
		v := 3
		if i < 11 {
			v = 4
		}
		submitScores(t, s, sv, march, v, 2, "Tidak")
	}
	sum, err := s.Summary(ctx, u.ID, marchDay, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	sec := section(t, sum, "IPAK")
	it := sec.Items[0]
	if it.Est.Exact == nil || it.Est.Exact.Cmp(big.NewRat(251, 80)) != 0 || survey.FormatIndex(it.Est, 3) != "3,138" || survey.FormatIndex(sec.Est, 3) != "3,138" {
		t.Errorf("item %v prints %q, section prints %q; want 251/80 → 3,138", it.Est.Exact, survey.FormatIndex(it.Est, 3), survey.FormatIndex(sec.Est, 3))
	}
}
