package app

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"persepsi/survey"
)

// The respondent benchmarks run through app.Test, so each includes the cost
// of an in-memory connection; BenchmarkHealthBaseline measures that cost
// alone, to read the others as ratios to it.

func BenchmarkHealthBaseline(b *testing.B) {
	e := newTestEnv(b)
	for b.Loop() {
		resp := e.do(b, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.StatusCode)
		}
	}
}

func BenchmarkSurveyPage(b *testing.B) {
	e := newTestEnv(b)
	sd := e.seedUnit(b)
	for b.Loop() {
		resp := e.do(b, httptest.NewRequest(http.MethodGet, "/s/"+sd.counter.Code, nil))
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.StatusCode)
		}
	}
}

func BenchmarkSubmitForm(b *testing.B) {
	e := newTestEnv(b)
	sd := e.seedUnit(b)
	form := e.validForm(b, sd, "5")
	for b.Loop() {
		form.Set("kunci", survey.NewIdempotencyKey())
		resp := e.do(b, postForm("/s/"+sd.counter.Code, form))
		if resp.StatusCode != http.StatusSeeOther {
			b.Fatal(resp.StatusCode)
		}
	}
}

func BenchmarkSubmitInvalidForm(b *testing.B) {
	e := newTestEnv(b)
	sd := e.seedUnit(b)
	form := e.validForm(b, sd, "5")
	form.Del("SPKP1")
	for b.Loop() {
		resp := e.do(b, postForm("/s/"+sd.counter.Code, form))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			b.Fatal(resp.StatusCode)
		}
	}
}

func BenchmarkParseSubmission(b *testing.B) {
	e := newTestEnv(b)
	sd := e.seedUnit(b)
	sv, err := e.store.SurveyByCode(b.Context(), sd.counter.Code)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(e.validForm(b, sd, "5").Encode())
	for b.Loop() {
		if _, err := parseSubmission(sv.Questionnaire, "application/x-www-form-urlencoded", body); err != nil {
			b.Fatal(err)
		}
	}
}
