package evidence

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"persepsi/survey"
)

// pdfText extracts a PDF's text with poppler's pdftotext. It skips only on
// a developer machine without poppler; in CI (CI set) a missing binary fails.
func pdfText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("pdftotext (poppler-utils) is required in CI")
		}
		tb.Skip("pdftotext not installed")
	}
	path := filepath.Join(tb.TempDir(), "laporan.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}

// tQuantile975 holds Student's t 0.975 quantiles by degrees of freedom,
// from a printed t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
var tQuantile975 = map[int]float64{23: 2.068658, 29: 2.045230}

// expected computes, from the fixture's own raw scores and without the
// product's code, one section's 4-point index and 95% interval over the
// responses not coached: the mean of per-respondent section means (equal to
// the mean of item means when every item is answered) and its
// "wilson-neff v1" interval (the Wilson score interval of the mean rescaled
// to [0, 1] with the effective n = p̂(1−p̂)n/s² and Student's t; see
// docs/STATISTICS.md), converted proportionally x / 6 × 4.
func (f *fixture) expected(tb testing.TB, codes []string) (index, lo, hi float64) {
	var means []float64
	for i, scores := range f.answers {
		if f.coached[i] {
			continue
		}
		var s float64
		for _, c := range codes {
			s += float64(scores[c])
		}
		means = append(means, s/float64(len(codes)))
	}
	n := float64(len(means))
	var sum, ss float64
	for _, m := range means {
		sum += m
	}
	mean := sum / n
	for _, m := range means {
		ss += (m - mean) * (m - mean)
	}
	t, ok := tQuantile975[len(means)-1]
	if !ok {
		tb.Fatalf("no t quantile for df %d", len(means)-1)
	}
	p := (mean - 1) / 5
	neff := p * (1 - p) * n / (ss / (n - 1) / 25)
	c2 := t * t
	center := (p + c2/(2*neff)) / (1 + c2/neff)
	half := t * math.Sqrt(p*(1-p)/neff+c2/(4*neff*neff)) / (1 + c2/neff)
	k := 4.0 / 6
	return mean * k, (1 + 5*(center-half)) * k, (1 + 5*(center+half)) * k
}

// verdictOf is the verdict rule of issue 9 item 3: no "met" or "not met"
// below 30 respondents, then the whole interval against the minimum.
func verdictOf(n int, lo, hi, min float64) string {
	switch {
	case n < 30:
		return "Belum pasti"
	case lo >= min:
		return "Memenuhi"
	case hi < min:
		return "Belum memenuhi"
	}
	return "Belum pasti"
}

func TestPDFPrintsIndependentlyComputedNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 30, 5)
	ctx := context.Background()
	if _, err := f.store.ExcludeCoached(ctx, f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"}, "Tim ZI"); err != nil {
		t.Fatal(err)
	}
	b, m := f.export(t, testKey(1))
	if m.Counts.Responses != 30 || m.Counts.Excluded != 6 {
		t.Fatalf("counts %+v", m.Counts)
	}
	text := pdfText(t, entries(t, b)[FileReport])
	flat := strings.Join(strings.Fields(text), " ")
	sections := map[string]struct {
		codes []string
		mins  map[string]float64
	}{
		"IPKP": {[]string{"SPKP1", "SPKP2", "SPKP3", "SPKP4", "SPKP5", "SPKP6", "SPKP7", "SPKP8"}, map[string]float64{"WBK": 3.20, "WBBM": 3.60}},
		"IPAK": {[]string{"SPAK1", "SPAK2", "SPAK3", "SPAK4", "SPAK5"}, map[string]float64{"WBK": 3.60, "WBBM": 3.60}},
	}
	for idx, sec := range sections {
		index, lo, hi := f.expected(t, sec.codes)
		// Bounds are printed outward: the lower one rounded down, the upper
		// one up, so the printed interval encloses the computed one.
		iv := outward(math.Floor, lo) + " – " + outward(math.Ceil, hi)
		want := []string{survey.FormatDecimal(index, 3), iv, survey.FormatDecimal(math.Min(index, 4)/4*17.5, 2)}
		for pred, min := range sec.mins {
			want = append(want, idx+" "+pred+" ≥ "+survey.FormatDecimal(min, 2)+" "+iv+" "+verdictOf(24, lo, hi, min))
		}
		for _, w := range want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: the report lacks %q", idx, w)
			}
		}
	}
	for _, w := range []string{
		"Dinas Penanaman Modal dan PTSP", "Periode 1 Maret 2025 s.d. 31 Maret 2025",
		"Dari 30 respons tersimpan, 6 dikecualikan dari perhitungan dan 24 dihitung",
		survey.CoachedReason, "I. KUESIONER DAN DEFINISI VARIABEL", "II. METODOLOGI", "III. HASIL SURVEI", "IV. DATA DAN VERIFIKASI",
		"Krejcie–Morgan", "sampel minimum S = 384", "x / 6 × 4", "Rencana tindak lanjut",
		"https://survei.contoh.go.id/verify", Fingerprint(testKey(1).Public()),
		"=HYPERLINK(\"http://contoh\")", "Saran nomor 7",
	} {
		if !strings.Contains(flat, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
}

func TestXLSXMatchesTheData(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 15, 4)
	if _, err := f.store.Exclude(context.Background(), f.unit.ID, []string{f.refs[0]}, "Uji", "Admin"); err != nil {
		t.Fatal(err)
	}
	b, _ := f.export(t, testKey(1))
	files := entries(t, b)
	want, err := csv.NewReader(bytes.NewReader(files[FileCSV])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(files[FileWorkbook]))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); strings.Join(got, "|") != strings.Join([]string{SheetSummary, SheetItems, SheetDaily, SheetProfile, SheetData}, "|") {
		t.Fatalf("sheets %v", got)
	}
	rows, err := x.GetRows(SheetData)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Fatalf("data sheet has %d rows, CSV %d", len(rows), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if i > 0 && (want[0][j] == "tanggal" || want[0][j] == "jam") {
				continue // dates and times: TestXLSXTypesAndWidths compares their serial values
			}
			got := ""
			if j < len(rows[i]) {
				got = rows[i][j]
			}
			if got != want[i][j] {
				t.Fatalf("data sheet row %d, column %s: %q, CSV %q", i+1, want[0][j], got, want[i][j])
			}
		}
	}
	sum, err := f.store.Summary(context.Background(), f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"}, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, sec := range sum.Sections {
		row := i + 2
		label, _ := x.GetCellValue(SheetSummary, "A"+itoa(row))
		n, _ := x.GetCellValue(SheetSummary, "B"+itoa(row))
		raw, _ := x.GetCellValue(SheetSummary, "D"+itoa(row), excelize.Options{RawCellValue: true})
		if label != sec.Label || n != itoa(int(sec.Est.N)) || raw == "" || math.Abs(parseFloat(t, raw)-sec.Est.Index) > 1e-12 {
			t.Errorf("summary row %d: %q n=%s index=%s, want %q n=%d index=%v", row, label, n, raw, sec.Label, sec.Est.N, sec.Est.Index)
		}
	}
	if panes, err := x.GetPanes(SheetData); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("data sheet header is not frozen: %+v %v", panes, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func parseFloat(tb testing.TB, s string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// outward prints a bound at 3 decimals rounded by round (math.Floor for a
// lower bound, math.Ceil for an upper one), with a decimal comma.
func outward(round func(float64) float64, x float64) string {
	return strings.Replace(strconv.FormatFloat(round(x*1000)/1000, 'f', 3, 64), ".", ",", 1)
}

// submitAll adds n responses on the fixture's questionnaire, every item
// answered score, on 3 March 2025.
func (f *fixture) submitAll(tb testing.TB, n, score int) {
	tb.Helper()
	ctx := context.Background()
	for i := range n {
		in := survey.Input{Service: strconv.FormatInt(f.sv.Services[0].ID, 10), Answers: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
		for _, it := range f.sv.Questionnaire.Items() {
			in.Answers[it.Code] = strconv.Itoa(score)
		}
		r, err := f.sv.Validate(in, time.Date(2025, 3, 3, 2, i, 0, 0, time.UTC))
		if err != nil {
			tb.Fatal(err)
		}
		if _, _, err := f.store.Submit(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestPDFPrintsWhyAVerdictIsUncertain is issue 9 item 3 in the report:
// every "Belum pasti" carries its reason, as on the dashboard, in the PDF
// and the workbook. Four
// respondents all answering 6 are below the minimum of 30; thirty all
// answering 6 are a zero-variance sample. Either way no WBK/WBBM verdict
// is "Memenuhi" (both gave it before issue 9 item 3), and the row says why.
func TestPDFPrintsWhyAVerdictIsUncertain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		want string
	}{
		{4, "Belum pasti (Responden baru 4, kurang dari minimum 30 untuk menyatakan memenuhi atau tidak.)"},
		{30, "Belum pasti (Semua responden memberi nilai yang sama (varians nol): interval tanpa lebar tidak dapat menjadi dasar keputusan.)"},
	} {
		f := newFixture(t, 0, 0)
		f.submitAll(t, tc.n, 6)
		files := f.exportPeriod(t, survey.Period{From: "2025-03-01", To: "2025-03-31"})
		flat := strings.Join(strings.Fields(pdfText(t, files[FileReport])), " ")
		// Four rows, IPKP and IPAK each for WBK and WBBM, all uncertain.
		if got := strings.Count(flat, tc.want); got != 4 {
			i := strings.Index(flat, "Keputusan")
			t.Errorf("n = %d: %d verdicts with the reason %q, want 4: …%s…", tc.n, got, tc.want, flat[max(0, i):min(len(flat), i+600)])
		}
		x := workbookOf(t, files[FileWorkbook])
		for _, cell := range []string{"I2", "J2", "I3", "J3"} {
			if v, _ := x.GetCellValue(SheetSummary, cell); !strings.HasSuffix(v, ": "+tc.want) {
				t.Errorf("n = %d: Ringkasan %s = %q, want the verdict with its reason", tc.n, cell, v)
			}
		}
	}
}
