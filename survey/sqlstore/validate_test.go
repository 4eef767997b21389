package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/storetest"
)

func TestValidate(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	svcID := itoa(sv.Services[0].ID)
	tests := []struct {
		name   string
		edit   func(*survey.Input)
		fields []string // fields that must be named; none means valid
	}{
		{"complete", func(*survey.Input) {}, nil},
		{"missing item", func(in *survey.Input) { delete(in.Answers, "SPAK4") }, []string{"SPAK4"}},
		{"blank item", func(in *survey.Input) { in.Answers["SPKP1"] = " " }, []string{"SPKP1"}},
		{"below scale", func(in *survey.Input) { in.Answers["SPKP2"] = "0" }, []string{"SPKP2"}},
		{"above scale", func(in *survey.Input) { in.Answers["SPKP3"] = "7" }, []string{"SPKP3"}},
		{"not a number", func(in *survey.Input) { in.Answers["SPKP4"] = "lima" }, []string{"SPKP4"}},
		{"unknown item", func(in *survey.Input) { in.Answers["X9"] = "3" }, []string{"X9"}},
		{"no service", func(in *survey.Input) { in.Service = "" }, []string{"layanan"}},
		{"foreign service", func(in *survey.Input) { in.Service = "99999" }, []string{"layanan"}},
		{"bad profile", func(in *survey.Input) { in.Profile["pendidikan"] = "S9" }, []string{"pendidikan"}},
		{"unknown profile", func(in *survey.Input) { in.Profile["nik"] = "123" }, []string{"nik"}},
		{"valid profile", func(in *survey.Input) { in.Profile["pendidikan"] = "S1"; in.Profile["jenis_kelamin"] = "L" }, nil},
		{"no control", func(in *survey.Input) { in.Control = "" }, []string{"KONTROL"}},
		{"odd control", func(in *survey.Input) { in.Control = "Mungkin" }, []string{"KONTROL"}},
		{"long suggestion", func(in *survey.Input) { in.Suggestion = strings.Repeat("é", survey.MaxSuggestion+1) }, []string{"saran"}},
		{"max suggestion", func(in *survey.Input) { in.Suggestion = strings.Repeat("é", survey.MaxSuggestion) }, nil},
		{"bad key", func(in *survey.Input) { in.Key = "short" }, []string{"kunci"}},
		{"no key", func(in *survey.Input) { in.Key = "" }, nil},
		{"bad channel", func(in *survey.Input) { in.Channel = "fax" }, []string{"channel"}},
		{"many problems", func(in *survey.Input) { in.Answers = nil; in.Service = "" }, []string{"layanan", "SPKP1", "SPAK5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := storetest.Input(sv, "6")
			in.Service = svcID
			in.Profile = map[string]string{}
			tc.edit(&in)
			r, err := sv.Validate(in, time.Date(2026, 11, 22, 16, 59, 59, 0, time.UTC))
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if len(r.Answers) != 13 || r.LocalDay != "2026-11-22" || r.IdempotencyKey == "" {
					t.Fatalf("response %+v", r)
				}
				return
			}
			ve, ok := survey.IsValidation(err)
			if !ok {
				t.Fatalf("err = %v, want validation error", err)
			}
			for _, f := range tc.fields {
				if ve.Fields[f] == "" {
					t.Errorf("field %s not named; got %v", f, ve.Fields)
				}
			}
		})
	}
}

// TestValidateSuggestionKeepsOnlyStorableText: a suggestion keeps any
// Unicode a person types (emoji, bidi marks, U+FFFD) with its newlines and
// tabs, and loses controls (C0 and C1), invalid UTF-8 and noncharacters:
// excelize replaces U+FFFE in a workbook, so a stored one made the XLSX
// differ from the CSV of the same bundle.
func TestValidateSuggestionKeepsOnlyStorableText(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	for _, tc := range []struct{ in, want string }{
		{"  baik 😀\u202e\ufffd\r\nbaris\tdua  ", "baik 😀\u202e\ufffd\nbaris\tdua"},
		{"a\x00b\x1bc\x7fd\u0085e\u009ff", "abcdef"},
		{"x\xff\xed\xa0\x80y", "xy"},
		{"p\ufffeq\uffffr\ufdd0s\U0001fffet\U0010ffffu", "pqrstu"},
	} {
		in := storetest.Input(sv, "6")
		in.Service = itoa(sv.Services[0].ID)
		in.Suggestion = tc.in
		r, err := sv.Validate(in, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if r.Suggestion != tc.want {
			t.Errorf("suggestion %q stored as %q, want %q", tc.in, r.Suggestion, tc.want)
		}
	}
}

func TestValidateLocalDayFollowsUnitZone(t *testing.T) {
	s := mustOpen(t)
	// 14:30 UTC is 23:30 WIT (UTC+9) on the same day, 21:30 WIB (UTC+7);
	// 15:30 UTC is 00:30 WIT the next day but still 22:30 WIB.
	wit := storetest.Survey(t, s, "Asia/Jayapura")
	wib := storetest.Survey(t, s, "Asia/Jakarta")
	for _, tc := range []struct {
		sv   *survey.Survey
		at   time.Time
		want string
	}{
		{wit, time.Date(2026, 3, 1, 14, 30, 0, 0, time.UTC), "2026-03-01"},
		{wib, time.Date(2026, 3, 1, 14, 30, 0, 0, time.UTC), "2026-03-01"},
		{wit, time.Date(2026, 3, 1, 15, 30, 0, 0, time.UTC), "2026-03-02"},
		{wib, time.Date(2026, 3, 1, 15, 30, 0, 0, time.UTC), "2026-03-01"},
	} {
		r, err := tc.sv.Validate(storetest.Input(tc.sv, "3"), tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if r.LocalDay != tc.want {
			t.Errorf("%s at %s: local day %s, want %s", tc.sv.Unit.TimeZone, tc.at, r.LocalDay, tc.want)
		}
	}
}
