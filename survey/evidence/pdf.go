package evidence

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"persepsi/survey"
	"persepsi/survey/fonts"
)

// Missing is what the report prints for a character the embedded font has
// no glyph for (an emoji, a script DejaVu Sans lacks). The stored text is
// untouched, and the CSV and the workbook carry it exactly; the report says
// so wherever it substituted.
const Missing = '□'

// glyphs is the set of characters both embedded fonts can draw. fpdf's
// UTF-8 fonts stop at the Basic Multilingual Plane (anything above fails
// the whole document) and draw an invisible .notdef for the rest, so only
// characters in this set reach fpdf.
var glyphs = sync.OnceValue(func() []bool {
	covered := make([]bool, 0x10000)
	var faces []*sfnt.Font
	for _, ttf := range [][]byte{fonts.Regular, fonts.Bold} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("evidence: embedded font: " + err.Error())
		}
		faces = append(faces, f)
	}
	var buf sfnt.Buffer
	for r := range rune(len(covered)) {
		ok := true
		for _, f := range faces {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				ok = false
				break
			}
		}
		covered[r] = ok
	}
	return covered
})

// printable returns s with every character the fonts cannot draw replaced
// by Missing (invalid UTF-8 included) and control characters other than a
// line break replaced by a space, and how many it replaced.
func printable(s string) (string, int) {
	covered := glyphs()
	clean := true
	for _, r := range s {
		if !drawable(covered, r) {
			clean = false
			break
		}
	}
	if clean {
		return s, 0
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		switch {
		case drawable(covered, r):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(Missing)
			n++
		}
	}
	return b.String(), n
}

func drawable(covered []bool, r rune) bool {
	return r == '\n' || (r != utf8.RuneError && r >= 0x20 && r < rune(len(covered)) && covered[r])
}

// Decimals printed for each kind of number, as the dashboard prints them:
// indices, intervals and means with 3, LKE scores and thresholds with 2.
const (
	indexDecimals = 3
	scoreDecimals = 2
	shareDecimals = 1
)

// reportRows is the most respondent rows the PDF lists; longer periods point
// to the spreadsheet instead.
const reportRows = 100

// reportSuggestions is the most suggestions the PDF lists.
const reportSuggestions = 100

// Report is what the PDF and the workbook's summary sheets print: the
// dashboard's Summary and Daily series, and the unit's follow-up plan.
type Report struct {
	Summary   *survey.Summary
	Daily     *survey.Daily
	FollowUps []survey.FollowUp
}

// longDate prints a YYYY-MM-DD day as "1 Maret 2025".
func longDate(day string) string { return survey.FormatDay(day) }

func score(x float64) string { return survey.FormatDecimal(x, scoreDecimals) }
func count(n int64) string   { return survey.FormatDecimal(float64(n), 0) }

// interval prints an estimate's 95% interval on the 4-point scale outward
// (lower bound down, upper up, so a printed bound never sits on the other
// side of a threshold from its verdict), or why it has none (at n = 1 the
// bounds would both be the mean).
func interval(e survey.Estimate) string {
	switch {
	case !e.Defined:
		return "–"
	case !e.HasInterval:
		return undefined(e.Reason)
	}
	return survey.FormatEstimateInterval(e, indexDecimals)
}

// verdict prints a threshold verdict with its reason beside every "Belum
// pasti", as the dashboard does (PDF and workbook).
func verdict(v survey.ThresholdResult) string {
	if v.Reason == "" {
		return v.Verdict.Label()
	}
	return v.Verdict.Label() + " (" + v.Reason + ")"
}

// index prints an estimate's 4-point value (exact ratios rounded half up),
// or why it has none.
func index(e survey.Estimate) string {
	if !e.Defined {
		if e.Reason != "" {
			return e.Reason
		}
		return "–"
	}
	return survey.FormatIndex(e, indexDecimals)
}

// rawMean prints an estimate's mean on the questionnaire's scale; an empty
// period has none.
func rawMean(e survey.Estimate) string { return survey.FormatRawMean(e, indexDecimals) }

// shareOf prints a as a share of b, exactly; a share of nothing is
// undefined ("–"), not 0 %.
func shareOf(a, b int64) string { return survey.FormatShare(a, b, shareDecimals) }

// grade prints a predicate, or "–" for an undefined value.
func grade(e survey.Estimate, p survey.Predicate) string {
	if !e.Defined || p.Grade == "" {
		return "–"
	}
	return p.Grade + " " + p.Label
}

// undefinedPrefix is how every undefined statistic is introduced.
const undefinedPrefix = "tidak dapat dihitung"

// undefined says why a statistic cannot be computed. Reasons from stats
// either carry the phrase already ("tidak dapat dihitung (varians nol)") or
// are bare ("n < 2"); the phrase is printed once either way.
func undefined(reason string) string {
	switch {
	case reason == "":
		return undefinedPrefix
	case strings.HasPrefix(reason, undefinedPrefix):
		return reason
	}
	return undefinedPrefix + " (" + reason + ")"
}

// doc wraps fpdf with the report's fonts, colours and table helper.
type doc struct {
	*fpdf.Fpdf
	width float64 // usable width between the margins
	// substituted counts the characters printed as Missing.
	substituted int
}

// text makes s printable and counts what it substituted. Every string
// reaches fpdf through it: the methods below shadow fpdf's.
func (d *doc) text(s string) string {
	out, n := printable(s)
	d.substituted += n
	return out
}

// MultiCell is fpdf's MultiCell on printable text.
func (d *doc) MultiCell(w, h float64, s, border, align string, fill bool) {
	d.Fpdf.MultiCell(w, h, d.text(s), border, align, fill)
}

// CellFormat is fpdf's CellFormat on printable text.
func (d *doc) CellFormat(w, h float64, s, border string, ln int, align string, fill bool, link int, linkStr string) {
	d.Fpdf.CellFormat(w, h, d.text(s), border, ln, align, fill, link, linkStr)
}

// SplitText is fpdf's SplitText on printable text.
func (d *doc) SplitText(s string, w float64) []string { return d.Fpdf.SplitText(d.text(s), w) }

// Bookmark is fpdf's Bookmark on printable text: fpdf's UTF-16 encoding of
// outlines breaks on characters beyond the Basic Multilingual Plane.
func (d *doc) Bookmark(s string, level int, y float64) { d.Fpdf.Bookmark(d.text(s), level, y) }

const (
	margin = 20.0
	lineH  = 5.0
)

func newDoc(title string, at time.Time) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	title, _ = printable(title)
	f.SetTitle(title, true)
	f.SetProducer("Persepsi", true)
	f.AddUTF8FontFromBytes("DejaVu", "", fonts.Regular)
	f.AddUTF8FontFromBytes("DejaVu", "B", fonts.Bold)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin)
	f.AliasNbPages("{nb}")
	w, _ := f.GetPageSize()
	d := &doc{Fpdf: f, width: w - 2*margin}
	f.SetFooterFunc(func() {
		if f.PageNo() == 1 {
			return
		}
		f.SetY(-14)
		f.SetFont("DejaVu", "", 8)
		f.SetTextColor(100, 100, 100)
		f.CellFormat(d.width/2, 5, title, "T", 0, "L", false, 0, "")
		f.CellFormat(d.width/2, 5, fmt.Sprintf("Halaman %d dari {nb}", f.PageNo()), "T", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	return d
}

func (d *doc) font(style string, size float64) { d.SetFont("DejaVu", style, size) }

// chapter starts a chapter on a new page, with a bookmark.
func (d *doc) chapter(title string) {
	d.AddPage()
	d.Bookmark(title, 0, -1)
	d.font("B", 14)
	d.SetTextColor(31, 78, 121)
	d.MultiCell(d.width, 7, title, "", "L", false)
	d.SetTextColor(0, 0, 0)
	d.Ln(3)
}

// section prints a numbered heading, keeping it with what follows.
func (d *doc) section(title string) {
	_, h := d.GetPageSize()
	if d.GetY() > h-margin-30 {
		d.AddPage()
	}
	d.Ln(2)
	d.Bookmark(title, 1, -1)
	d.font("B", 11)
	d.MultiCell(d.width, 6, title, "", "L", false)
	d.Ln(1)
}

// para prints a paragraph of body text.
func (d *doc) para(text string) {
	d.font("", 9.5)
	d.MultiCell(d.width, lineH, text, "", "J", false)
	d.Ln(1.5)
}

// table prints rows under a header, wrapping text in each cell and
// repeating the header after a page break. widths are shares of the usable
// width; align holds one fpdf alignment letter per column.
func (d *doc) table(widths []float64, align string, header []string, rows [][]string) {
	ws := make([]float64, len(widths))
	var total float64
	for _, w := range widths {
		total += w
	}
	for i, w := range widths {
		ws[i] = w / total * d.width
	}
	const pad = 1.2
	var row func(cells []string, bold, shade bool)
	row = func(cells []string, bold, shade bool) {
		style := ""
		if bold {
			style = "B"
		}
		d.font(style, 8)
		lines := make([][]string, len(cells))
		n := 1
		for i, c := range cells {
			lines[i] = d.SplitText(c, ws[i]-2*pad)
			n = max(n, len(lines[i]))
		}
		h := float64(n)*4 + 2*pad
		_, ph := d.GetPageSize()
		if d.GetY()+h > ph-margin {
			d.AddPage()
			if !bold {
				row(header, true, false)
				d.font(style, 8)
			}
		}
		x, y := d.GetX(), d.GetY()
		for i := range cells {
			if bold {
				d.SetFillColor(31, 78, 121)
				d.SetTextColor(255, 255, 255)
			} else if shade {
				d.SetFillColor(242, 246, 250)
			} else {
				d.SetFillColor(255, 255, 255)
			}
			d.SetDrawColor(190, 190, 190)
			d.Rect(x, y, ws[i], h, "FD")
			a := "L"
			if i < len(align) {
				a = string(align[i])
			}
			for j, l := range lines[i] {
				d.SetXY(x+pad, y+pad+float64(j)*4)
				d.CellFormat(ws[i]-2*pad, 4, l, "", 0, a, false, 0, "")
			}
			x += ws[i]
		}
		d.SetTextColor(0, 0, 0)
		d.SetXY(margin, y+h)
	}
	row(header, true, false)
	for i, r := range rows {
		row(r, false, i%2 == 1)
	}
	d.Ln(3)
}

// chart places a PNG chart across the usable width, at its own aspect
// ratio.
func (d *doc) chart(name string, png []byte) error {
	info := d.RegisterImageOptionsReader(name, imageOptionsPNG, bytes.NewReader(png))
	if info == nil { // fpdf keeps the reason as the document's error
		return fmt.Errorf("evidence: chart %s: %w", name, d.Error())
	}
	h := d.width * info.Height() / info.Width()
	_, ph := d.GetPageSize()
	if d.GetY()+h > ph-margin {
		d.AddPage()
	}
	d.ImageOptions(name, margin, d.GetY(), d.width, h, false, imageOptionsPNG, 0, "")
	d.SetY(d.GetY() + h + 3)
	return nil
}

var imageOptionsPNG = fpdf.ImageOptions{ImageType: "PNG"}
