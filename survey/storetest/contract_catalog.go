package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
)

// testCatalog: units, services and counters round-trip, and SurveyByCode
// follows every change made through the store (active flags, a fixed
// service, a regenerated code).
func testCatalog(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	if us, err := s.Units(ctx); err != nil || len(us) != 0 {
		t.Fatalf("a fresh store lists units %+v, %v", us, err)
	}
	if _, err := s.CreateUnit(ctx, survey.NewUnit{Name: " ", TimeZone: "Europe/Paris"}); !isValidation(err, "name", "tz") {
		t.Fatalf("unit without a name in a foreign zone: %v, want a validation error on name and tz", err)
	}
	b, err := s.CreateUnit(ctx, survey.NewUnit{Name: "Kantor B", Agency: "Pemkab Uji", TimeZone: "Asia/Jakarta"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateUnit(ctx, survey.NewUnit{Name: "Kantor A", Agency: "Pemkab Uji", TimeZone: "Asia/Jayapura", Questionnaire: "spkp-spak-4"})
	if err != nil {
		t.Fatal(err)
	}
	def, err := s.QuestionnaireByRef(survey.DefaultQuestionnaireKey, 0)
	if err != nil || b.QuestionnaireID != def.ID {
		t.Fatalf("a unit without a questionnaire runs %d; the default is %+v (%v)", b.QuestionnaireID, def, err)
	}
	if q, err := s.Questionnaire(a.QuestionnaireID); err != nil || q.Ref() != "spkp-spak-4@1" {
		t.Fatalf("unit created on spkp-spak-4 runs %+v, %v", q, err)
	}
	if us, err := s.Units(ctx); err != nil || len(us) != 2 || us[0].ID != a.ID || us[1].ID != b.ID {
		t.Fatalf("Units = %+v, %v; want Kantor A then Kantor B", us, err)
	}
	got, err := s.UpdateUnit(ctx, b.ID, survey.UnitChange{Name: "Kantor B Baru", Agency: "Pemkot Uji", TimeZone: "Asia/Makassar", Questionnaire: "skm-14-2017"})
	if err != nil || got.Name != "Kantor B Baru" || got.TimeZone != "Asia/Makassar" {
		t.Fatalf("UpdateUnit = %+v, %v", got, err)
	}
	if u, err := s.Unit(ctx, b.ID); err != nil || u.Name != "Kantor B Baru" || u.Agency != "Pemkot Uji" || u.TimeZone != "Asia/Makassar" || u.QuestionnaireID == def.ID {
		t.Fatalf("Unit after the update = %+v, %v", u, err)
	}
	if _, err := s.Unit(ctx, b.ID+a.ID+100); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("unknown unit: %v, want ErrNotFound", err)
	}
	if qs, err := s.PeriodQuestionnaires(ctx, got, baseDay); err != nil || len(qs) != 1 || qs[0].ID != got.QuestionnaireID {
		t.Fatalf("PeriodQuestionnaires of a period without responses = %v, %v; want the unit's current one", qs, err)
	}

	perizinan, err := s.CreateService(ctx, a.ID, "Perizinan")
	if err != nil {
		t.Fatal(err)
	}
	aduan, err := s.CreateService(ctx, a.ID, "Aduan")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateService(ctx, a.ID, "Perizinan"); !isValidation(err, "name") {
		t.Fatalf("second service of the same name: %v, want a validation error", err)
	}
	if ss, err := s.Services(ctx, a.ID); err != nil || len(ss) != 2 || ss[0].ID != aduan.ID || ss[1].ID != perizinan.ID || !ss[0].Active {
		t.Fatalf("Services = %+v, %v; want Aduan then Perizinan, active", ss, err)
	}
	fixed, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: a.ID, Name: "Loket Izin", ServiceID: perizinan.ID})
	if err != nil || fixed.ServiceID == nil || *fixed.ServiceID != perizinan.ID || !fixed.Active || fixed.Code == "" {
		t.Fatalf("CreateCounter with a fixed service = %+v, %v", fixed, err)
	}
	if _, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: a.ID, Name: "Loket Salah", ServiceID: 424242}); !isValidation(err, "service") {
		t.Fatalf("counter with another unit's service: %v, want a validation error", err)
	}
	open, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: a.ID, Name: "Loket Bebas"})
	if err != nil || open.ServiceID != nil || open.Code == fixed.Code {
		t.Fatalf("CreateCounter = %+v, %v", open, err)
	}
	if cs, err := s.Counters(ctx, a.ID); err != nil || len(cs) != 2 || cs[0].ID != open.ID || cs[1].ID != fixed.ID {
		t.Fatalf("Counters = %+v, %v; want Loket Bebas then Loket Izin", cs, err)
	}
	if c, err := s.Counter(ctx, fixed.ID); err != nil || c.Code != fixed.Code || c.Name != "Loket Izin" {
		t.Fatalf("Counter = %+v, %v", c, err)
	}

	sv := surveyOf(t, s, fixed.Code)
	if svc, ok := sv.FixedService(); !ok || svc.ID != perizinan.ID || sv.Unit.ID != a.ID || sv.Questionnaire.ID != a.QuestionnaireID || len(sv.Services) != 2 {
		t.Fatalf("survey of the fixed counter = %+v", sv)
	}
	if _, err := s.UpdateService(ctx, aduan.ID, "Pengaduan", false); err != nil {
		t.Fatal(err)
	}
	if svc, err := s.Service(ctx, aduan.ID); err != nil || svc.Name != "Pengaduan" || svc.Active {
		t.Fatalf("Service after UpdateService = %+v, %v", svc, err)
	}
	if sv := surveyOf(t, s, open.Code); len(sv.Services) != 1 || sv.Services[0].ID != perizinan.ID {
		t.Fatalf("an inactive service is still offered: %+v", sv.Services)
	}
	if c, err := s.UpdateCounter(ctx, fixed.ID, "Loket Umum", 0, true); err != nil || c.ServiceID != nil || c.Name != "Loket Umum" {
		t.Fatalf("UpdateCounter = %+v, %v", c, err)
	}
	if _, ok := surveyOf(t, s, fixed.Code).FixedService(); ok {
		t.Fatal("the counter kept its fixed service after UpdateCounter removed it")
	}
	if _, err := s.UpdateCounter(ctx, fixed.ID, "Loket Umum", 0, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SurveyByCode(ctx, fixed.Code); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("inactive counter: %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateCounter(ctx, fixed.ID, "Loket Umum", 0, true); err != nil {
		t.Fatal(err)
	}
	renewed, err := s.RegenerateCode(ctx, fixed.ID)
	if err != nil || renewed.Code == fixed.Code {
		t.Fatalf("RegenerateCode = %+v, %v", renewed, err)
	}
	var retired *survey.RetiredCodeError
	if _, err := s.SurveyByCode(ctx, fixed.Code); !errors.Is(err, survey.ErrNotFound) || !errors.As(err, &retired) || retired.Counter != "Loket Umum" {
		t.Fatalf("retired code: %v, want a *RetiredCodeError naming Loket Umum", err)
	}
	if sv := surveyOf(t, s, renewed.Code); sv.Counter.ID != fixed.ID {
		t.Fatalf("new code opens counter %d, want %d", sv.Counter.ID, fixed.ID)
	}
	for _, code := range []string{"", "bukan-kode", "aaaaaaaaaaaaaaaa"} {
		if _, err := s.SurveyByCode(ctx, code); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("SurveyByCode(%q): %v, want ErrNotFound", code, err)
		}
	}
	if _, err := s.Questionnaire(-1); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("unknown questionnaire: %v, want ErrNotFound", err)
	}
}

// syncingNodes is how many stores on one database sync the questionnaires
// at once in testCatalogAcrossHandles, as nodes starting together do.
const syncingNodes = 8

// testCatalogAcrossHandles: stores on one database sync the questionnaires
// at once without storing a version twice, and a catalog change made
// through one is read by the other.
func testCatalogAcrossHandles(t *testing.T, o Opener) {
	s := o.Fresh(t)
	hs := []survey.Store{s}
	for range syncingNodes - 1 {
		if o.Again != nil {
			hs = append(hs, o.Again(t, s))
		}
	}
	start := make(chan struct{}) // every sync begins together
	errs := make(chan error, len(hs))
	for _, h := range hs {
		go func() {
			qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
			<-start
			if err == nil {
				err = h.SyncQuestionnaires(t.Context(), qs)
			}
			errs <- err
		}()
	}
	close(start)
	for range hs {
		if err := <-errs; err != nil {
			t.Fatalf("SyncQuestionnaires from %d handles at once: %v", len(hs), err)
		}
	}
	shipped, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	want := questionnaireIDs(s)
	if len(want) != len(shipped) {
		t.Fatalf("%d versions stored, %d shipped: %v", len(want), len(shipped), want)
	}
	for i, h := range hs {
		syncQuestionnaires(t, h) // a restart: nothing changes
		if got := questionnaireIDs(h); !slices.Equal(got, want) {
			t.Fatalf("handle %d holds questionnaires %v, handle 0 %v", i, got, want)
		}
	}
	other := hs[len(hs)-1]
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	if _, err := s.UpdateUnit(ctx, sv.Unit.ID, survey.UnitChange{Name: "Kantor Pindah", TimeZone: "Asia/Jayapura"}); err != nil {
		t.Fatal(err)
	}
	if u, err := other.Unit(ctx, sv.Unit.ID); err != nil || u.Name != "Kantor Pindah" || u.TimeZone != "Asia/Jayapura" {
		t.Fatalf("the other handle reads the unit as %+v, %v", u, err)
	}
	svc, err := other.CreateService(ctx, sv.Unit.ID, "Aduan")
	if err != nil {
		t.Fatal(err)
	}
	if ss, err := s.Services(ctx, sv.Unit.ID); err != nil || len(ss) != 2 || ss[0].ID != svc.ID {
		t.Fatalf("services made on the other handle: %+v, %v", ss, err)
	}
	if _, err := other.UpdateCounter(ctx, sv.Counter.ID, "Loket Aduan", svc.ID, true); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Counter(ctx, sv.Counter.ID); err != nil || c.Name != "Loket Aduan" || c.ServiceID == nil || *c.ServiceID != svc.ID {
		t.Fatalf("counter changed on the other handle: %+v, %v", c, err)
	}
}

// testSettings: settings round-trip, the base URL alone too, and every
// handle reads what one stored.
func testSettings(t *testing.T, o Opener) {
	s := o.open(t)
	hs := o.handles(t, s, 2)
	other := hs[len(hs)-1]
	ctx := t.Context()
	st, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.MinGroup != survey.DefaultMinGroup || st.MinRespondents != survey.DefaultMinRespondents || !slices.Equal(st.Thresholds, survey.DefaultThresholds()) || st.BaseURL != "" {
		t.Fatalf("settings of a fresh store = %+v, want the defaults", st)
	}
	st.MinGroup, st.MinRespondents = 7, 40
	st.Thresholds[0].Min = 3.7
	st.BaseURL = "https://survei.contoh.go.id/"
	if err := s.SetSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	got, err := other.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.BaseURL = "https://survei.contoh.go.id"
	if got.MinGroup != 7 || got.MinRespondents != 40 || !slices.Equal(got.Thresholds, st.Thresholds) || got.BaseURL != st.BaseURL {
		t.Fatalf("settings read back = %+v, want %+v", got, st)
	}
	if err := other.SetBaseURL(ctx, "ftp://salah"); !isValidation(err, survey.SettingBaseURL) {
		t.Fatalf("SetBaseURL(ftp://…) = %v, want a validation error", err)
	}
	if err := other.SetBaseURL(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Settings(ctx); err != nil || got.BaseURL != "" || got.MinGroup != 7 || got.Thresholds[0].Min != 3.7 {
		t.Fatalf("after SetBaseURL(\"\"): %+v, %v; want no base URL and the rest kept", got, err)
	}
}

// isValidation reports whether err is a *ValidationError naming every
// given field.
func isValidation(err error, fields ...string) bool {
	ve, ok := survey.IsValidation(err)
	if !ok {
		return false
	}
	for _, f := range fields {
		if ve.Fields[f] == "" {
			return false
		}
	}
	return true
}

func questionnaireIDs(s survey.Store) []string {
	var out []string
	for _, q := range s.Questionnaires() {
		out = append(out, q.Ref()+"#"+q.SHA256[:8]+"@"+itoa(q.ID))
	}
	return out
}

// testPlanAndPopulations: a unit's follow-up plan and population figures
// round-trip, each confined to its unit, and a population below the
// responses already stored is refused.
func testPlanAndPopulations(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Makassar")
	other := Survey(t, s, "Asia/Jakarta")
	unit := sv.Unit.ID
	good := survey.FollowUpInput{ItemCode: "SPKP4", Cause: "Antrean panjang\npada jam sibuk", Action: "Tambah loket", Deadline: "2025-06-30", Owner: "Kasubag Umum"}
	f, err := s.SaveFollowUp(ctx, unit, good)
	if err != nil || f.ID == 0 || f.Status != "rencana" || f.Cause != good.Cause {
		t.Fatalf("SaveFollowUp (new) = %+v, %v", f, err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*survey.FollowUpInput)
		field string
	}{
		{"unknown item", func(in *survey.FollowUpInput) { in.ItemCode = "X9" }, "item"},
		{"no cause", func(in *survey.FollowUpInput) { in.Cause = " \x00 " }, "cause"},
		{"no action", func(in *survey.FollowUpInput) { in.Action = "" }, "action"},
		{"bad deadline", func(in *survey.FollowUpInput) { in.Deadline = "30/06/2025" }, "deadline"},
		{"no owner", func(in *survey.FollowUpInput) { in.Owner = "" }, "owner"},
		{"bad status", func(in *survey.FollowUpInput) { in.Status = "batal" }, "status"},
	} {
		in := good
		tc.edit(&in)
		if _, err := s.SaveFollowUp(ctx, unit, in); !isValidation(err, tc.field) {
			t.Errorf("follow-up with %s: %v, want a validation error on %s", tc.name, err, tc.field)
		}
	}
	upd := good
	upd.ID, upd.Status = itoa(f.ID), "selesai"
	if _, err := s.SaveFollowUp(ctx, unit, upd); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFollowUp(ctx, other.Unit.ID, upd); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("update through another unit: %v, want ErrNotFound", err)
	}
	if list, err := s.FollowUps(ctx, unit); err != nil || len(list) != 1 || list[0].Status != "selesai" {
		t.Fatalf("FollowUps = %+v, %v", list, err)
	}
	if err := s.DeleteFollowUp(ctx, other.Unit.ID, f.ID); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("delete through another unit: %v, want ErrNotFound", err)
	}
	if err := s.DeleteFollowUp(ctx, unit, f.ID); err != nil {
		t.Fatal(err)
	}
	if list, err := s.FollowUps(ctx, unit); err != nil || len(list) != 0 {
		t.Fatalf("FollowUps after the delete = %+v, %v", list, err)
	}

	local := base.Add(-time.Hour) // 10:05 WITA
	day := survey.Period{From: sv.Unit.LocalDay(local), To: sv.Unit.LocalDay(local)}
	SubmitAt(t, s, sv, local, 3, "5", "Tidak")
	if err := s.SetPopulation(ctx, unit, day, 2); !isValidation(err, "population") {
		t.Fatalf("N = 2 below n = 3: %v, want a validation error", err)
	}
	month := survey.Period{From: "2026-03-01", To: "2026-03-31"}
	for _, set := range []struct {
		p survey.Period
		n int64
	}{{day, 3}, {month, 900}, {month, 1000}} {
		if err := s.SetPopulation(ctx, unit, set.p, set.n); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.PopulationFor(ctx, unit, month); err != nil || n != 1000 {
		t.Fatalf("PopulationFor(month) = %d, %v; want the later 1000", n, err)
	}
	if n, err := s.PopulationFor(ctx, other.Unit.ID, month); err != nil || n != 0 {
		t.Fatalf("another unit's PopulationFor = %d, %v; want 0", n, err)
	}
	if ps, err := s.Populations(ctx, unit); err != nil || len(ps) != 2 || ps[0].FromDay != day.From || ps[1].Population != 1000 {
		t.Fatalf("Populations = %+v, %v; want the day's then the month's", ps, err)
	}
	if err := s.SetPopulation(ctx, unit, day, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PopulationFor(ctx, unit, day); err != nil || n != 0 {
		t.Fatalf("PopulationFor after removal = %d, %v", n, err)
	}
}
