package evidence

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"persepsi/survey"
)

// exportPeriod writes a bundle of any period and returns its files.
func (f *fixture) exportPeriod(tb testing.TB, p survey.Period) map[string][]byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := WriteBundle(context.Background(), &buf, f.store, f.unit.ID, p,
		Options{BaseURL: "https://survei.contoh.go.id", Key: testKey(1), Now: func() time.Time { return clock }}); err != nil {
		tb.Fatal(err)
	}
	return entries(tb, buf.Bytes())
}

// workbook opens an exported workbook.
func workbookOf(tb testing.TB, b []byte) *excelize.File {
	tb.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = x.Close() })
	return x
}

// TestEmptyPeriodPrintsUndefined exports a month without responses: no
// mean, LKE score or share is printed as 0 (0,000, 0,00, 0,0 % of 0) in the
// PDF, and the workbook leaves those cells empty or says why.
func TestEmptyPeriodPrintsUndefined(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3, 0)
	files := f.exportPeriod(t, survey.Period{From: "2025-05-01", To: "2025-05-31"})
	flat := strings.Join(strings.Fields(pdfText(t, files[FileReport])), " ")
	// 0 of the 384 respondents the sample needs is a true 0 %; every other
	// share of this period is of nobody.
	flat = strings.ReplaceAll(flat, "0 (0,0% dari minimum)", "")
	for _, bad := range []string{"0,000", " 0,00 ", "0,0%"} {
		if strings.Contains(flat, bad) {
			i := strings.Index(flat, bad)
			t.Errorf("the empty report prints %q: …%s…", bad, flat[max(0, i-80):min(len(flat), i+40)])
		}
	}
	if !strings.Contains(flat, "tidak dapat dihitung (tidak ada jawaban)") {
		t.Error("the coached share of an empty period is not said to be undefined")
	}
	x := workbookOf(t, files[FileWorkbook])
	for _, cell := range []string{"C2", "G2", "C3", "G3"} {
		if v, _ := x.GetCellValue(SheetSummary, cell); v != "" {
			t.Errorf("Ringkasan %s = %q in an empty period, want empty", cell, v)
		}
	}
	if v, _ := x.GetCellValue(SheetSummary, "D2"); !strings.HasPrefix(v, "Belum ada respons") && !strings.HasPrefix(v, undefinedPrefix) {
		t.Errorf("Ringkasan D2 = %q, want the reason", v)
	}
	rows, _ := x.GetRows(SheetProfile)
	for _, r := range rows[1:] {
		if len(r) > 3 && r[3] != "" {
			t.Errorf("Profil share %q of nobody", r[3])
		}
	}
}

// newSKMFixture is a unit running the SKM questionnaire (PermenPANRB
// 14/2017, 9 unsur on 1–4) with one response per score list.
func newSKMFixture(tb testing.TB, scores ...[9]int) *fixture {
	tb.Helper()
	f := newFixture(tb, 0, 0)
	ctx := context.Background()
	sv := f.switchQuestionnaire(tb, "skm-14-2017")
	for i, sc := range scores {
		in := survey.Input{Service: strconv.FormatInt(sv.Services[0].ID, 10), Answers: map[string]string{}, Profile: map[string]string{}, Channel: survey.ChannelQR}
		for j := range sc {
			in.Answers["U"+strconv.Itoa(j+1)] = strconv.Itoa(sc[j])
		}
		r, err := sv.Validate(in, time.Date(2025, 3, 3+i, 2, 0, 0, 0, time.UTC))
		if err != nil {
			tb.Fatal(err)
		}
		if _, _, err := f.store.Submit(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
	return f
}

// TestSKMReport checks an SKM unit's report. One respondent answering
// (4,3,3,3,3,3,3,3,4): NRR mean = 29/9 = 3.2222…, IKM = 29/9 × 25 = 80.5556
// (hand calculation), grade B (76.61–88.30); no interval at n = 1, and the
// reason is printed instead of "80,56 – 80,56"; no LKE score or WBK/WBBM
// verdict for an IKM; the methodology states the formula and the A–D table.
func TestSKMReport(t *testing.T) {
	t.Parallel()
	f := newSKMFixture(t, [9]int{4, 3, 3, 3, 3, 3, 3, 3, 4})
	files := f.exportPeriod(t, survey.Period{From: "2025-03-01", To: "2025-03-31"})
	flat := strings.Join(strings.Fields(pdfText(t, files[FileReport])), " ")
	for _, want := range []string{"Nilai Selang 95% Mutu pelayanan IKM – Indeks Kepuasan 80,56 tidak dapat dihitung (n < 2) B Baik", "IKM (PermenPANRB 14/2017) = Σ NRR unsur × 1/9 × 25", "88,31 – 100,00 3,5324 – 4,00 A Sangat baik", "25,00 – 64,99 1,00 – 2,5996 D Tidak baik", "3.4 Indeks dan nilai konversi"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the SKM report lacks %q", want)
		}
	}
	for _, bad := range []string{"80,56 – 80,56", "WBK", "WBBM", "× 17,5", "Nilai LKE"} {
		if strings.Contains(flat, bad) {
			t.Errorf("the SKM report prints %q", bad)
		}
	}
	x := workbookOf(t, files[FileWorkbook])
	raw := excelize.Options{RawCellValue: true}
	if v, _ := x.GetCellValue(SheetSummary, "K2", raw); v == "" || abs(parseFloat(t, v)-29.0/9*25) > 1e-9 {
		t.Errorf("Ringkasan IKM (25–100) = %q, want %v", v, 29.0/9*25)
	}
	if v, _ := x.GetCellValue(SheetSummary, "L2"); v != "tidak dapat dihitung (n < 2)" {
		t.Errorf("Ringkasan IKM lower bound at n = 1 = %q, want the reason", v)
	}
	if v, _ := x.GetCellValue(SheetSummary, "G2"); v != "tidak berlaku" {
		t.Errorf("Ringkasan LKE of the IKM = %q", v)
	}
}

// TestSKMIntervalAndUndefinedValidity: three respondents (hand-checked).
// U1 is 4 for everyone, so its item–rest r is undefined (zero variance),
// while the critical r at df = 1 is defined: 0.997 (table of critical
// values of Pearson's r, α = 0.05 two-tailed). The IKM bounds on 25–100
// are 25 × the 4-point bounds and enclose the IKM. The phrase "tidak dapat
// dihitung" is printed once.
func TestSKMIntervalAndUndefinedValidity(t *testing.T) {
	t.Parallel()
	f := newSKMFixture(t, [9]int{4, 3, 3, 3, 3, 3, 3, 3, 4}, [9]int{4, 2, 3, 4, 2, 3, 4, 2, 3}, [9]int{4, 4, 4, 3, 3, 3, 2, 2, 2})
	files := f.exportPeriod(t, survey.Period{From: "2025-03-01", To: "2025-03-31"})
	flat := strings.Join(strings.Fields(pdfText(t, files[FileReport])), " ")
	if strings.Contains(flat, "tidak dapat dihitung (tidak dapat dihitung") {
		t.Error("the report doubles \"tidak dapat dihitung\"")
	}
	if !strings.Contains(flat, "U1 – 0,997 tidak dapat dihitung (varians nol)") {
		t.Error("U1's validity row lacks the critical r beside its undefined r")
	}
	x := workbookOf(t, files[FileWorkbook])
	raw := excelize.Options{RawCellValue: true}
	if v, _ := x.GetCellValue(SheetItems, "K2", raw); v == "" || abs(parseFloat(t, v)-0.997) > 0.0005 {
		t.Errorf("Per butir r kritis of U1 = %q, want 0.997", v)
	}
	ikm, _ := x.GetCellValue(SheetSummary, "K2", raw)
	lo, _ := x.GetCellValue(SheetSummary, "L2", raw)
	hi, _ := x.GetCellValue(SheetSummary, "M2", raw)
	lo4, _ := x.GetCellValue(SheetSummary, "E2", raw)
	// (29 + 27 + 27) / 27 respondent-unsur means → NRR mean 83/27; × 25.
	if abs(parseFloat(t, ikm)-83.0/27*25) > 1e-9 || abs(parseFloat(t, lo)-25*parseFloat(t, lo4)) > 1e-9 || !(parseFloat(t, lo) < parseFloat(t, ikm) && parseFloat(t, ikm) < parseFloat(t, hi)) {
		t.Errorf("IKM %s [%s, %s], 4-point lower bound %s", ikm, lo, hi, lo4)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
