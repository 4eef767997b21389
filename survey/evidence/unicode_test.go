package evidence

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"persepsi/survey"
)

// TestExportCarriesTextOutsideTheFont exports a period whose unit name,
// service name and a suggestion hold characters DejaVu Sans cannot draw
// (emoji beyond the Basic Multilingual Plane, a script it lacks). The PDF
// prints Missing in their place and says so; the CSV and the workbook
// carry the text exactly. Before the substitution the export failed with
// fpdf's "character outside the supported range".
func TestExportCarriesTextOutsideTheFont(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 0)
	ctx := context.Background()
	name := "Dinas 🏛 Perizinan"
	if _, err := f.store.UpdateUnit(ctx, f.unit.ID, survey.UnitChange{Name: name, Agency: "Pemerintah ᠮᠣᠩᠭᠣᠯ", TimeZone: f.unit.TimeZone}); err != nil {
		t.Fatal(err)
	}
	svc, err := f.store.CreateService(ctx, f.unit.ID, "Konsultasi 🧾 ᠮᠣᠩᠭᠣᠯ")
	if err != nil {
		t.Fatal(err)
	}
	suggestion := "Pelayanan cepat 👍🏽 terima kasih"
	in := survey.Input{Service: strconv.FormatInt(svc.ID, 10), Answers: map[string]string{}, Profile: map[string]string{},
		Control: "Tidak", Channel: survey.ChannelQR, Suggestion: suggestion}
	for _, it := range f.sv.Questionnaire.Items() {
		in.Answers[it.Code] = "5"
	}
	sv, err := f.store.SurveyByCode(ctx, f.sv.Counter.Code)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sv.Validate(in, time.Date(2025, 3, 20, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.Submit(ctx, r); err != nil {
		t.Fatal(err)
	}
	b, _ := f.export(t, testKey(1))
	files := entries(t, b)

	flat := strings.Join(strings.Fields(pdfText(t, files[FileReport])), " ")
	for _, want := range []string{"Dinas □ Perizinan", "Pelayanan cepat □□ terima kasih", "Pemerintah □□□□□□", "dicetak sebagai □"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(files[FileCSV])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	saran := column(t, rows[0], "saran")
	found := false
	for _, row := range rows[1:] {
		found = found || row[saran] == suggestion
	}
	if !found {
		t.Errorf("no CSV row carries the suggestion %q exactly", suggestion)
	}
	if !bytes.Contains(files[FileCodebook], []byte("Konsultasi 🧾 ᠮᠣᠩᠭᠣᠯ")) {
		t.Error("the codebook does not carry the service name exactly")
	}
	x, err := excelize.OpenReader(bytes.NewReader(files[FileWorkbook]))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	data, err := x.GetRows(SheetData)
	if err != nil {
		t.Fatal(err)
	}
	found = false
	for _, row := range data[1:] {
		found = found || (saran < len(row) && row[saran] == suggestion)
	}
	if !found {
		t.Errorf("no workbook row carries the suggestion %q exactly", suggestion)
	}
}

// column finds a column by name in a header row.
func column(tb testing.TB, header []string, name string) int {
	tb.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	tb.Fatalf("no column %q in %v", name, header)
	return -1
}

// FuzzReport builds the report with arbitrary text wherever a respondent
// or an admin can type it (unit, agency, service and counter names,
// suggestions, exclusion reasons, the follow-up plan). It must always
// build, and what reaches fpdf must be drawable.
func FuzzReport(f *testing.F) {
	fx := newFixture(f, 6, 3)
	ctx := context.Background()
	if _, err := fx.store.Exclude(ctx, fx.unit.ID, []string{fx.refs[0]}, "Uji coba", "Admin"); err != nil {
		f.Fatal(err)
	}
	ex, rep := fx.reportParts(f)
	for _, s := range []string{"😀 中文", "a\xffb\xc0\x00\t\r\n", "\u202eأهلا e\u0301\u200d \uFFFD\uFFFF", strings.Repeat("🇮🇩", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, _ := printable(s); !allDrawable(p) {
			t.Fatalf("printable(%q) = %q holds a character the fonts cannot draw", s, p)
		}
		u := *ex.Dataset.Unit
		u.Name, u.Agency = s, s
		d := *ex.Dataset
		d.Unit = &u
		d.services = map[int64]string{}
		for id := range ex.Dataset.services {
			d.services[id] = s
		}
		e := *ex
		e.Dataset = &d
		e.Tally.ExcludedBy = map[string]int64{s: 1}
		sum := *rep.Summary
		sum.Unit = u
		sum.Services = append([]survey.GroupSummary(nil), sum.Services...)
		for i := range sum.Services {
			sum.Services[i].Name = s
		}
		sum.Suggestions = []survey.Suggestion{{LocalDay: "2025-03-02", Service: s, Text: s}}
		// No daily series: its charts hold no typed text and cost most of
		// an iteration.
		r := &Report{Summary: &sum, FollowUps: []survey.FollowUp{{ItemCode: "SPAK4", Cause: s, Action: s, Deadline: "2025-05-01", Owner: s, Status: "rencana"}}}
		var buf bytes.Buffer
		if err := e.WritePDF(r, &buf); err != nil {
			t.Fatalf("report with %q: %v", s, err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
	})
}

func allDrawable(s string) bool {
	covered := glyphs()
	for _, r := range s {
		if !drawable(covered, r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// reportParts runs an export's data pass by hand and returns what the
// report is built from.
func (f *fixture) reportParts(tb testing.TB) (*Export, *Report) {
	tb.Helper()
	ctx := context.Background()
	period := survey.Period{From: "2025-03-01", To: "2025-03-31"}
	head, err := f.store.ChainHead(ctx, f.unit.ID)
	if err != nil {
		tb.Fatal(err)
	}
	opt := Options{BaseURL: "https://survei.contoh.go.id", Key: testKey(1)}
	ex := &Export{Head: head, Opt: &opt, At: clock}
	if ex.snap, err = newSnapshot(ctx, f.store, f.unit, period, clock); err != nil {
		tb.Fatal(err)
	}
	d, err := newDataset(ctx, f.store, f.unit, period, head.Seq, 0, ex.count)
	if err != nil {
		tb.Fatal(err)
	}
	ex.Dataset = d
	if err := d.WriteCSV(ctx, f.store, io.Discard, DialectRFC, ex.keepRow); err != nil {
		tb.Fatal(err)
	}
	return ex, ex.snap.report()
}

// TestEveryCSVCellIsNeutralised gives services, a counter and an exclusion
// reason names a spreadsheet would run as formulas, and checks that no cell
// of any CSV file of the bundle begins with a formula character. The
// codebook wrote service and counter names as typed before.
func TestEveryCSVCellIsNeutralised(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 0)
	ctx := context.Background()
	for _, name := range []string{"=HYPERLINK(\"http://contoh\")", "+SUM(A1)", "@cmd", "-2+3"} {
		if _, err := f.store.CreateService(ctx, f.unit.ID, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.CreateCounter(ctx, survey.NewCounter{UnitID: f.unit.ID, Name: "=1+1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Exclude(ctx, f.unit.ID, []string{f.refs[0]}, "-uji coba", "@admin"); err != nil {
		t.Fatal(err)
	}
	b, _ := f.export(t, testKey(1))
	files := entries(t, b)
	for _, name := range []string{FileCSV, FileCSVExcel, FileCodebook} {
		rows, err := readCSV(files[name])
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s row %d cell %d begins with a formula character: %q", name, i+1, j+1, cell)
				}
			}
		}
	}
	if !bytes.Contains(files[FileCodebook], []byte(`'=HYPERLINK(""http://contoh"")`)) || !bytes.Contains(files[FileCodebook], []byte("'-2+3")) {
		t.Error("the codebook does not keep the neutralised names")
	}
}

// readCSV parses an exported CSV of either dialect, told apart by the BOM
// the Excel variant starts with.
func readCSV(b []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	if rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf")); ok {
		r = csv.NewReader(bytes.NewReader(rest))
		r.Comma = ';'
	}
	return r.ReadAll()
}
