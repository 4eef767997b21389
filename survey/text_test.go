package survey_test

import (
	"testing"

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
