package survey_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"persepsi/survey"
)

func TestCleanLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  Loket  1 ", "Loket 1"},
		{"A\x00 B\n", "A B"},                   // NUL and newline become spaces, then collapse
		{"\x00", ""},                           // nothing but a control character
		{"a\u0085b\u009fc\x7fd", "a b c d"},    // C1 controls and DEL
		{"x\xff\xfey", "xy"},                   // invalid UTF-8 is dropped
		{"a\ufffeb\U0001ffffc\ufdd0d", "abcd"}, // noncharacters are dropped
		{combining, combining},                 // combining marks are kept
		{rlo + arabic, rlo + arabic},           // so are format characters and RTL text
		{family, family},
		{"\u00a0a\u2003", "a"}, // Unicode spaces count as spaces (strings.Fields)
	} {
		if got := survey.CleanLine(tc.in); got != tc.want {
			t.Errorf("CleanLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := survey.CleanLine(survey.CleanLine(tc.in)); got != tc.want {
			t.Errorf("CleanLine is not idempotent on %q: %q", tc.in, got)
		}
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"  baris 1\n\tbaris 2 \n", "baris 1\n\tbaris 2"},
		{"a\x00b\rc", "abc"}, // controls other than newline and tab are dropped
		{"x\xffy\ufffe", "xy"},
		{arabic + "\n" + family, arabic + "\n" + family},
	} {
		if got := survey.CleanText(tc.in); got != tc.want {
			t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzValidators feeds one text to every validator of outside input: none
// may panic, each reports nil or a *ValidationError, and CleanLine's result
// is valid UTF-8 without control characters, trimmed, and a fixed point.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"", "Loket 1", "A\x00 B\n", combining, family, rlo + arabic, "\xff\xfe", "\ufffe", "2026-12-01", strings.Repeat("0a", 16)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := survey.CleanLine(s)
		if !utf8.ValidString(line) || strings.ContainsFunc(line, survey.IsControl) || strings.TrimSpace(line) != line || survey.CleanLine(line) != line {
			t.Fatalf("CleanLine(%q) = %q", s, line)
		}
		if text := survey.CleanText(s); survey.CleanText(text) != text {
			t.Fatalf("CleanText(%q) = %q is no fixed point", s, text)
		}
		var errs []error
		_, err := survey.NewUnit{Name: s, Agency: s, TimeZone: s, Questionnaire: s}.Validate()
		errs = append(errs, err)
		_, err = survey.CheckServiceName(s)
		errs = append(errs, err)
		_, err = survey.CheckCounterName(s)
		errs = append(errs, err)
		_, _, err = survey.CheckExclusion([]string{s}, s, s)
		errs = append(errs, err)
		_, err = survey.CheckExclusionActor(s)
		errs = append(errs, err)
		_, err = survey.FollowUpInput{ID: s, ItemCode: s, Cause: s, Action: s, Deadline: s, Owner: s, Status: s}.Validate()
		errs = append(errs, err)
		_, err = survey.NewUser{Username: s, Password: s, Role: survey.Role(s)}.Validate()
		errs = append(errs, err, survey.CheckPassword(s), survey.CheckNewPassword(s, s), survey.Role(s).Validate())
		_, _, err = survey.CheckToken(s, time.Hour)
		errs = append(errs, err, survey.CheckPopulation(survey.Period{From: s, To: s}, 1), survey.Period{From: s, To: s}.ValidateSeries())
		_, err = survey.Settings{BaseURL: s, MinGroup: 5, MinRespondents: 30}.Validate()
		errs = append(errs, err)
		for i, err := range errs {
			if _, ok := survey.IsValidation(err); err != nil && !ok {
				t.Fatalf("validator %d on %q: %v is no *ValidationError", i, s, err)
			}
		}
	})
}
