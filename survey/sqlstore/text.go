package sqlstore

import (
	"persepsi/survey"
	"strings"
)

// cleanLine trims a one-line text (a name, a reason), turns control
// characters into spaces, collapses runs of spaces and drops what
// storableRune refuses.
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case survey.IsControl(r):
			return ' '
		case !survey.StorableRune(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}
