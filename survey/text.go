package survey

import (
	"strings"
	"unicode/utf8"
)

// CleanLine trims a one-line text (a name, a reason), turns control
// characters into spaces, collapses runs of spaces and drops invalid UTF-8
// and what StorableRune refuses.
func CleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case IsControl(r):
			return ' '
		case !StorableRune(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}

// CleanText trims a multi-line text (a suggestion, a follow-up's cause),
// keeping newlines and tabs and dropping other control characters, invalid
// UTF-8 and what StorableRune refuses.
func CleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || (!IsControl(r) && StorableRune(r)) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, ""))
	return strings.TrimSpace(s)
}

// IsControl reports the C0 and C1 control characters and DEL.
func IsControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// StorableRune reports whether r may be stored in text that the exports
// carry: every export must carry the stored text exactly, and an XLSX
// (XML 1.0) cannot hold a noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF and
// the last two code points of every plane), which excelize would replace,
// so the workbook and the CSV would disagree. Invalid UTF-8 is gone before
// this is asked.
func StorableRune(r rune) bool {
	return !(r >= 0xfdd0 && r <= 0xfdef) && r&0xfffe != 0xfffe
}

// tooLong reports whether s has more than max characters. The limits count
// code points, as they always have: a letter with a combining accent is two,
// an emoji built with joiners one per code point.
func tooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// emptyOrTooLong reports whether a required text is missing or has more
// than max characters.
func emptyOrTooLong(s string, max int) bool { return s == "" || tooLong(s, max) }
