package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"persepsi/survey"
)

// TestBundleNumbersComeFromItsSnapshot submits a response (every item 1,
// far below the others) and raises a threshold while the export runs,
// after its snapshot pass and before any file is written. Neither shows in
// the CSV, the workbook or the PDF; the evaluator's recomputation from the
// CSV rows alone (mean of per-respondent section means of the rows not
// excluded, × 4/6) gives the workbook's index exactly and the PDF's
// printed one; the methodology and the manifest state the thresholds in
// force when the export began. Before, the PDF and workbook read the live
// summary: n and the indices counted the late response.
func TestBundleNumbersComeFromItsSnapshot(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 30, 5)
	ctx := context.Background()
	if _, err := f.store.Exclude(ctx, f.unit.ID, []string{f.refs[0]}, "Uji", "Admin"); err != nil {
		t.Fatal(err)
	}
	late := survey.Input{Service: strconv.FormatInt(f.sv.Services[0].ID, 10), Answers: map[string]string{}, Profile: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
	for _, it := range f.sv.Questionnaire.Items() {
		late.Answers[it.Code] = "1"
	}
	submitted := false
	opt := Options{BaseURL: "https://survei.contoh.go.id", Key: testKey(1), Now: func() time.Time { return clock },
		Progress: func(file string, rows int64) {
			if file != FileCSV || rows != 0 || submitted {
				return
			}
			submitted = true
			r, err := f.sv.Validate(late, time.Date(2025, 3, 30, 3, 0, 0, 0, time.UTC))
			if err != nil {
				t.Error(err)
				return
			}
			if _, _, err := f.store.Submit(ctx, r); err != nil {
				t.Error(err)
			}
			st, err := f.store.Settings(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range st.Thresholds {
				st.Thresholds[i].Min = 3.9
			}
			if err := f.store.SetSettings(ctx, st); err != nil {
				t.Error(err)
			}
		}}
	var buf bytes.Buffer
	m, err := WriteBundle(ctx, &buf, f.store, f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !submitted {
		t.Fatal("no response was submitted during the export")
	}
	if sum, _ := f.store.Summary(ctx, f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"}, survey.Filter{}); sum.N != 30 {
		t.Fatalf("the store counts %d responses after the export, want 29 + the late one", sum.N)
	}
	files := entries(t, buf.Bytes())
	rows, err := readCSV(files[FileCSV])
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 31 || m.Counts.Responses != 30 || m.Counts.Included != 29 {
		t.Fatalf("CSV %d rows, manifest %+v; want 30 rows, 29 counted", len(rows)-1, m.Counts)
	}
	h := rows[0]
	x := workbookOf(t, files[FileWorkbook])
	flat := strings.Join(strings.Fields(pdfText(t, files[FileReport])), " ")
	for si, sec := range f.sv.Questionnaire.Sections {
		var means []float64
		for _, r := range rows[1:] {
			if r[column(t, h, "dikecualikan")] != "0" {
				continue
			}
			var s float64
			for _, it := range sec.Items {
				s += parseFloat(t, r[column(t, h, it.Code)])
			}
			means = append(means, s/float64(len(sec.Items)))
		}
		var total float64
		for _, v := range means {
			total += v
		}
		index := total / float64(len(means)) * 4 / 6
		raw, _ := x.GetCellValue(SheetSummary, "D"+strconv.Itoa(si+2), excelize.Options{RawCellValue: true})
		n, _ := x.GetCellValue(SheetSummary, "B"+strconv.Itoa(si+2))
		if n != strconv.Itoa(len(means)) || math.Abs(parseFloat(t, raw)-index) > 1e-12 {
			t.Errorf("%s: workbook n %s index %s, recomputed from the CSV n %d index %v", sec.Index, n, raw, len(means), index)
		}
		if want := sec.Index + " – "; !strings.Contains(flat, want) || !strings.Contains(flat, survey.FormatDecimal(index, 3)) {
			t.Errorf("%s: the PDF lacks the recomputed index %s", sec.Index, survey.FormatDecimal(index, 3))
		}
	}
	if !strings.Contains(flat, "Responden: 29 respons dihitung dari 30 respons tersimpan (1 dikecualikan)") {
		t.Error("the PDF's cover does not count the snapshot")
	}
	if !strings.Contains(flat, "IPKP ≥ 3,20 untuk WBK") || !strings.Contains(flat, "dengan metode wilson-neff v1") || !strings.Contains(flat, "responden sedikitnya 30 dan") || strings.Contains(flat, "3,90") {
		t.Error("the methodology does not state the thresholds in force when the export began")
	}
	var man struct {
		Settings struct {
			Thresholds []struct {
				Index, Predicate string
				Min              float64
			} `json:"thresholds"`
			MinGroup       int    `json:"min_group"`
			MinRespondents int    `json:"min_respondents"`
			IntervalMethod string `json:"interval_method"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(files[FileManifest], &man); err != nil {
		t.Fatal(err)
	}
	if len(man.Settings.Thresholds) != 4 || man.Settings.MinGroup != 5 || man.Settings.MinRespondents != 30 || man.Settings.IntervalMethod != "wilson-neff v1" {
		t.Fatalf("manifest settings %+v", man.Settings)
	}
	for _, th := range man.Settings.Thresholds {
		if th.Min == 3.9 {
			t.Errorf("manifest records the threshold changed during the export: %+v", th)
		}
	}
}

// TestVersionSwitchCounts: 8 responses on the 1–6 version, then the unit
// switches to the 1–4 version and gets 7. The statistics use the 7; the
// cover and manifest.json count 7, and say that the 8 were left out and
// why. Before, both said "15 dihitung".
func TestVersionSwitchCounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 8, 0)
	ctx := context.Background()
	sv := f.switchQuestionnaire(t, "spkp-spak-4")
	for i := range 7 {
		in := survey.Input{Service: strconv.FormatInt(sv.Services[0].ID, 10), Answers: map[string]string{}, Profile: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
		for _, it := range sv.Questionnaire.Items() {
			in.Answers[it.Code] = "3"
		}
		r, err := sv.Validate(in, time.Date(2025, 3, 29, 2+i, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.store.Submit(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	m, err := WriteBundle(ctx, &buf, f.store, f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"},
		Options{BaseURL: "https://survei.contoh.go.id", Key: testKey(1), Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	if m.Counts.Responses != 15 || m.Counts.Included != 7 || len(m.Counts.LeftOut) != 1 || m.Counts.LeftOut[0].Count != 8 ||
		m.Counts.LeftOut[0].Questionnaire != "spkp-spak-6@1" || m.Counts.LeftOut[0].Reason == "" {
		t.Fatalf("manifest counts %+v", m.Counts)
	}
	flat := strings.Join(strings.Fields(pdfText(t, entries(t, buf.Bytes())[FileReport])), " ")
	if !strings.Contains(flat, "Responden: 7 respons dihitung dari 15 respons tersimpan (0 dikecualikan; tidak dihitung karena pada versi kuesioner lain: 8 respons pada spkp-spak-6@1") {
		t.Error("the cover does not say what was counted and what was left out")
	}
	if !strings.Contains(flat, "tidak digabung dengan versi yang berlaku") {
		t.Error("the report does not say why the other version is left out")
	}
}

// A dataset as of chain position 0 (an empty chain, or an uploaded CSV
// claiming position 0) holds no row, though the unit holds responses,
// sealed and unsealed: the store reads asOfSeq 0 as "everything", and a
// file that claims nothing must be matched against nothing.
func TestDatasetAsOfZeroIsEmpty(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 12, 0)
	ctx := context.Background()
	if _, err := f.store.SealUnit(ctx, f.unit.ID); err != nil {
		t.Fatal(err)
	}
	f.submitAll(t, 3, 4) // unsealed
	period := survey.Period{From: "2025-03-01", To: "2025-03-31"}
	d, err := newDataset(ctx, f.store, f.unit, period, 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := d.Each(ctx, f.store, func(*survey.Record, []string) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("as of position 0: %d rows, want none", n)
	}
}
