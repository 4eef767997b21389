package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
	"persepsi/survey/storetest"
)

func TestShippedQuestionnaires(t *testing.T) {
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		max   int
		items []string
	}{
		"spkp-spak-6@1": {6, []string{"SPKP1", "SPKP2", "SPKP3", "SPKP4", "SPKP5", "SPKP6", "SPKP7", "SPKP8", "SPAK1", "SPAK2", "SPAK3", "SPAK4", "SPAK5"}},
		"spkp-spak-4@1": {4, []string{"SPKP1", "SPKP2", "SPKP3", "SPKP4", "SPKP5", "SPKP6", "SPKP7", "SPKP8", "SPAK1", "SPAK2", "SPAK3", "SPAK4", "SPAK5"}},
		"skm-14-2017@1": {4, []string{"U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"}},
	}
	if len(qs) != len(want) {
		t.Fatalf("%d questionnaires, want %d", len(qs), len(want))
	}
	for _, q := range qs {
		w, ok := want[q.Ref()]
		if !ok {
			t.Fatalf("unexpected questionnaire %s", q.Ref())
		}
		if q.Scale.Max != w.max {
			t.Errorf("%s: scale max %d, want %d", q.Ref(), q.Scale.Max, w.max)
		}
		var codes []string
		for _, it := range q.Items() {
			codes = append(codes, it.Code)
			if it.Help == "" {
				t.Errorf("%s %s: no help text", q.Ref(), it.Code)
			}
		}
		if strings.Join(codes, ",") != strings.Join(w.items, ",") {
			t.Errorf("%s: items %v, want %v", q.Ref(), codes, w.items)
		}
	}
}

func TestParseQuestionnaireRejects(t *testing.T) {
	good := `{"key":"x","version":1,"title":"t","scale":{"min":1,"max":4,"labels":["a","b","c","d"]},"conversion":"proportional","sections":[{"code":"S","items":[{"code":"I1","text":"t"}]}]}`
	if _, err := survey.ParseQuestionnaire([]byte(good)); err != nil {
		t.Fatalf("good definition rejected: %v", err)
	}
	for name, raw := range map[string]string{
		"not json":        `{`,
		"zero version":    strings.Replace(good, `"version":1`, `"version":0`, 1),
		"scale too large": strings.Replace(good, `"max":4`, `"max":11`, 1),
		"labels missing":  strings.Replace(good, `["a","b","c","d"]`, `["a"]`, 1),
		"bad conversion":  strings.Replace(good, `"proportional"`, `"magic"`, 1),
		"no items":        strings.Replace(good, `[{"code":"I1","text":"t"}]`, `[]`, 1),
		"repeated item":   strings.Replace(good, `[{"code":"I1","text":"t"}]`, `[{"code":"I1","text":"t"},{"code":"I1","text":"u"}]`, 1),
		"unknown profile": strings.Replace(good, `"sections"`, `"profile":[{"code":"nik","options":["a"]}],"sections"`, 1),
	} {
		if _, err := survey.ParseQuestionnaire([]byte(raw)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestQuestionnaireImmutableOnceUsed(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	edited := func() *survey.Questionnaire {
		raw := strings.Replace(string(sv.Questionnaire.Raw()), "Sangat sesuai", "Sangat-sangat sesuai", 1)
		q, err := survey.ParseQuestionnaire([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	// Before any response the definition may still be corrected in place.
	if err := s.SyncQuestionnaires(ctx, []*survey.Questionnaire{edited()}); err != nil {
		t.Fatalf("edit before use: %v", err)
	}
	sv, err := s.SurveyByCode(ctx, sv.Counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sv.Validate(storetest.Input(sv, "4"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Submit(ctx, r); err != nil {
		t.Fatal(err)
	}
	raw := strings.Replace(string(sv.Questionnaire.Raw()), "Sangat-sangat sesuai", "Sangat sesuai", 1)
	q, err := survey.ParseQuestionnaire([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SyncQuestionnaires(ctx, []*survey.Questionnaire{q}); err == nil || !strings.Contains(err.Error(), "new version") {
		t.Fatalf("edit after use: err = %v, want refusal", err)
	}
}

func TestRegenerateCodeRetiresOld(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	sv := storetest.Survey(t, s, "Asia/Makassar")
	old := sv.Counter.Code
	c, err := s.RegenerateCode(ctx, sv.Counter.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Code == old {
		t.Fatal("code unchanged")
	}
	if _, err := s.SurveyByCode(ctx, old); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("old code: err = %v, want ErrNotFound", err)
	}
	if _, err := s.SurveyByCode(ctx, c.Code); err != nil {
		t.Fatalf("new code: %v", err)
	}
	if _, err := s.UpdateCounter(ctx, c.ID, "Loket 1", 0, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SurveyByCode(ctx, c.Code); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("inactive counter: err = %v, want ErrNotFound", err)
	}
}

func TestCreateValidation(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	_, err := s.CreateUnit(ctx, survey.NewUnit{Name: " ", TimeZone: "Asia/Tokyo", Questionnaire: "nope@3"})
	ve, ok := survey.IsValidation(err)
	if !ok {
		t.Fatalf("err = %v, want a validation error", err)
	}
	for _, f := range []string{"name", "tz", "questionnaire"} {
		if ve.Fields[f] == "" {
			t.Errorf("no message for %s", f)
		}
	}
	u, err := s.CreateUnit(ctx, survey.NewUnit{Name: "A\x00 B\n", TimeZone: "Asia/Jayapura", Questionnaire: "skm-14-2017"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "A B" {
		t.Errorf("name %q, want control characters folded", u.Name)
	}
	if _, err := s.CreateService(ctx, u.ID, "Layanan"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateService(ctx, u.ID, "Layanan"); err == nil {
		t.Error("duplicate service accepted")
	}
	if _, err := s.CreateService(ctx, 999, "X"); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("service for missing unit: err = %v", err)
	}
	other, _ := s.CreateUnit(ctx, survey.NewUnit{Name: "B", TimeZone: "Asia/Jakarta"})
	svc, _ := s.CreateService(ctx, other.ID, "Lain")
	if _, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: "L", ServiceID: svc.ID}); err == nil {
		t.Error("counter bound to another unit's service accepted")
	}
}
