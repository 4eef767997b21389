package app

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

func TestParseSubmissionRoutesFields(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	sv, err := e.store.SurveyByCode(t.Context(), sd.counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	q := sv.Questionnaire
	want := survey.Input{
		Service: "3", Suggestion: "baik", Key: "kkkkkkkkkkkkkkkk", Control: "Ya",
		Answers: map[string]string{"SPKP1": "5", "X9": "1"},
		Profile: map[string]string{"usia": "20–29 tahun"},
	}
	tests := []struct {
		name, ct, body string
		trapped, json  bool
	}{
		{"form", "application/x-www-form-urlencoded", "layanan=3&saran=baik&kunci=kkkkkkkkkkkkkkkk&KONTROL=Ya&SPKP1=5&X9=1&usia=20%E2%80%9329+tahun&website=", false, false},
		{"form, first of repeated values", "application/x-www-form-urlencoded; charset=UTF-8", "layanan=3&layanan=4&saran=baik&kunci=kkkkkkkkkkkkkkkk&KONTROL=Ya&SPKP1=5&X9=1&usia=20%E2%80%9329+tahun&website=bot", true, false},
		{"json", "application/json", `{"layanan":3,"saran":"baik","kunci":"kkkkkkkkkkkkkkkk","KONTROL":"Ya","SPKP1":5,"X9":"1","usia":"20–29 tahun"}`, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := parseSubmission(q, tt.ct, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			in := sub.Input
			if in.Service != want.Service || in.Suggestion != want.Suggestion || in.Key != want.Key || in.Control != want.Control ||
				len(in.Answers) != 2 || in.Answers["SPKP1"] != "5" || in.Answers["X9"] != "1" || len(in.Profile) != 1 || in.Profile["usia"] != "20–29 tahun" {
				t.Errorf("parsed %+v", in)
			}
			if sub.Trapped != tt.trapped || sub.JSON != tt.json {
				t.Errorf("trapped %v json %v", sub.Trapped, sub.JSON)
			}
		})
	}
}

// FuzzParseSubmission feeds arbitrary bodies, as form and as JSON, to the
// parser and then to the real endpoint: the parser may refuse only with a
// client error, and the endpoint must never answer 5xx.
func FuzzParseSubmission(f *testing.F) {
	e := newTestEnv(f)
	sd := e.seedUnit(f)
	sv, err := e.store.SurveyByCode(f.Context(), sd.counter.Code)
	if err != nil {
		f.Fatal(err)
	}
	q := sv.Questionnaire
	valid := e.validForm(f, sd, "4")
	f.Add(false, valid.Encode())
	f.Add(false, "SPKP1=%zz&;;&=&==&saran=%00%ff")
	f.Add(false, "website=x&"+valid.Encode())
	f.Add(true, `{"SPKP1": 5, "layanan": "1", "KONTROL": "Tidak", "saran": null}`)
	f.Add(true, `{"SPKP1": 1e400, "SPKP2": -0, "SPKP3": [1], "SPKP4": {"a": 1}, "SPKP5": true}`)
	f.Add(true, `{"a":1}{"b":2}`)
	f.Add(true, `"\ud800"`)
	f.Add(true, `{"saran": "\u0000\ud800<script>"}`)
	f.Fuzz(func(t *testing.T, asJSON bool, body string) {
		ct := "application/x-www-form-urlencoded"
		if asJSON {
			ct = "application/json"
		}
		sub, err := parseSubmission(q, ct, []byte(body))
		var fe *fiber.Error
		switch {
		case err == nil:
			if sub.Input.Answers == nil || sub.Input.Profile == nil {
				t.Fatal("parsed input without maps")
			}
			sub.Input.Channel = survey.ChannelAPI
			if _, err := sv.Validate(sub.Input, e.store.Now()); err != nil {
				if _, ok := survey.IsValidation(err); !ok {
					t.Fatalf("validation failed with a non-validation error: %v", err)
				}
			}
		case errors.As(err, &fe):
			if fe.Code < 400 || fe.Code >= 500 {
				t.Fatalf("parser error with status %d", fe.Code)
			}
		default:
			if _, ok := survey.IsValidation(err); !ok {
				t.Fatalf("parser error of unexpected kind: %v", err)
			}
		}
		req := httptest.NewRequest(http.MethodPost, "/s/"+sd.counter.Code, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		resp, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for %q", resp.StatusCode, body)
		}
	})
}
