package survey

import (
	"strings"
)

// cleanText trims a multi-line text (a suggestion, a follow-up's cause),
// keeping newlines and tabs and dropping other control characters and what
// storableRune refuses.
func CleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || (!IsControl(r) && StorableRune(r)) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, ""))
	return strings.TrimSpace(s)
}

// isControl reports the C0 and C1 control characters and DEL.
func IsControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r <= 0x9f) }

// storableRune reports whether r may be stored in text that the exports
// carry: every export must carry the stored text exactly, and an XLSX
// (XML 1.0) cannot hold a noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF and
// the last two code points of every plane), which excelize would replace,
// so the workbook and the CSV would disagree. Invalid UTF-8 is gone before
// this is asked.
func StorableRune(r rune) bool {
	return !(r >= 0xfdd0 && r <= 0xfdef) && r&0xfffe != 0xfffe
}
