package evidence

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"persepsi/survey"
)

// Sheet names of the workbook.
const (
	SheetSummary = "Ringkasan"
	SheetItems   = "Per butir"
	SheetDaily   = "Harian"
	SheetProfile = "Profil"
	SheetData    = "Data"
)

// workbook holds the styles shared by the sheets.
type workbook struct {
	f      *excelize.File
	head   int
	number int // index values: 0.000, as the dashboard prints them
	share  int // shares: 0.0%
	date   int // dates: Excel's short date, shown in the reader's locale
	clock  int // hours of the day: hh:mm
}

// WriteXLSX writes the workbook: summary, per item, daily series and
// profile sheets from the report, and the raw rows. The data sheet is
// written through excelize's StreamWriter, which spills to temporary files
// past 16 MB, so a million rows stay within bounded memory.
func (ex *Export) WriteXLSX(ctx context.Context, store Store, rep *Report, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	wb := &workbook{f: f}
	var err error
	if wb.head, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}); err != nil {
		return err
	}
	numFmt, shareFmt := "0.000", "0.0%"
	if wb.number, err = f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt}); err != nil {
		return err
	}
	if wb.share, err = f.NewStyle(&excelize.Style{CustomNumFmt: &shareFmt}); err != nil {
		return err
	}
	clockFmt := "hh:mm"
	if wb.date, err = f.NewStyle(&excelize.Style{NumFmt: 14}); err != nil {
		return err
	}
	if wb.clock, err = f.NewStyle(&excelize.Style{CustomNumFmt: &clockFmt}); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	for _, name := range []string{SheetItems, SheetDaily, SheetProfile, SheetData} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	for _, write := range []func(*Report) error{wb.summary, wb.items, wb.daily, wb.profile} {
		if err := write(rep); err != nil {
			return err
		}
	}
	if err := ex.writeDataSheet(ctx, store, wb); err != nil {
		return err
	}
	return writeSorted(f, w)
}

// writeSorted writes the workbook with its zip entries in name order.
// excelize orders them by map iteration, so the same data would give a
// different file, and a different SHA-256, on every export; sorting makes
// an export reproducible. Entries are copied still compressed.
//
// excelize's Write assembles the whole zip in a bytes.Buffer (650 MB of
// peak memory for a million rows); its zip writer is pointed at a temporary
// file instead, and the buffer it is handed stays empty.
func writeSorted(f *excelize.File, w io.Writer) error {
	tmp, err := os.CreateTemp("", "persepsi-xlsx-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(tmp) })
	if err := f.Write(io.Discard); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return err
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	zw := zip.NewWriter(w)
	for _, zf := range files {
		if err := zw.Copy(zf); err != nil {
			return err
		}
	}
	return zw.Close()
}

// headerWidth is the column width (in characters of the default font)
// that shows a header on one line, with a little room for the bold face.
func headerWidth(h string) float64 { return min(float64(utf8.RuneCountInString(h))*1.15+2, 60) }

// setWidths sets each column to its given width, widened to fit its
// header.
func setWidths(sw *excelize.StreamWriter, widths []float64, header []string) error {
	for i, h := range header {
		w := headerWidth(h)
		if i < len(widths) {
			w = max(w, widths[i])
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	return nil
}

// dayValue is a local day (YYYY-MM-DD) written as an Excel date, or as
// text when it is not a day.
func (wb *workbook) dayValue(day string) any {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return excelize.Cell{StyleID: wb.date, Value: t}
}

// hourValue is an exported hour ("09:00") written as an Excel time of day,
// or as text when it is something else (a generalised part of the day).
func (wb *workbook) hourValue(hour string) any {
	t, err := time.Parse("15:04", hour)
	if err != nil {
		return hour
	}
	return excelize.Cell{StyleID: wb.clock, Value: float64(t.Hour()*60+t.Minute()) / (24 * 60)}
}

// sheet writes a small sheet: a frozen header row, then rows whose float
// cells get the index number format.
func (wb *workbook) sheet(name string, widths []float64, header []string, rows [][]any) error {
	sw, err := wb.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(frozenHeader); err != nil {
		return err
	}
	if err := setWidths(sw, widths, header); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: wb.head, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case float64:
				cells[i] = excelize.Cell{StyleID: wb.number, Value: v}
			case shareValue:
				cells[i] = excelize.Cell{StyleID: wb.share, Value: float64(v)}
			default:
				cells[i] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// shareValue is a proportion printed as a percentage.
type shareValue float64

// estimateCells are an estimate's cells: 4-point value and interval, or
// why it has none (an undefined value is text, never 0).
func estimateCells(e survey.Estimate) []any {
	switch {
	case !e.Defined:
		return []any{undefined(e.Reason), "", ""}
	case !e.HasInterval:
		return []any{e.Index, undefined(e.Reason), ""}
	}
	return []any{e.Index, e.Lo, e.Hi}
}

// rawCell is an estimate's mean on the questionnaire's scale, empty when
// undefined.
func rawCell(e survey.Estimate) any {
	if !e.Defined {
		return ""
	}
	return e.RawMean
}

func (wb *workbook) summary(rep *Report) error {
	sum := rep.Summary
	var rows [][]any
	for _, sec := range sum.Sections {
		row := append([]any{sec.Label, sec.Est.N, rawCell(sec.Est)}, estimateCells(sec.Est)...)
		var lke any = ""
		switch {
		case sec.IKM != nil:
			lke = "tidak berlaku"
		case sec.Est.Defined:
			lke = sec.LKEScore
		}
		row = append(row, lke, grade(sec.Est, sec.Predicate))
		var ikm []any
		if sec.IKM != nil {
			ikm = []any{sec.IKM.Converted, undefined(sec.Est.Reason), ""}
			if sec.Est.HasInterval {
				ikm = []any{sec.IKM.Converted, sec.IKM.Lo, sec.IKM.Hi}
			}
		}
		for i := range 2 {
			switch {
			case i < len(sec.Verdicts):
				v := sec.Verdicts[i]
				row = append(row, v.Predicate+" ≥ "+survey.FormatDecimal(v.Min, scoreDecimals)+": "+verdict(v))
			default:
				row = append(row, "")
			}
		}
		rows = append(rows, append(row, ikm...))
	}
	return wb.sheet(SheetSummary, []float64{44, 8, 12, 12, 12, 12, 10, 18, 48, 48, 12, 12, 12},
		[]string{"Indeks", "n", "Rerata skala asli", "Nilai (skala 4)", "Batas bawah 95%", "Batas atas 95%", "Nilai LKE", "Predikat", "Ambang 1", "Ambang 2",
			"IKM (skala 25–100)", "IKM batas bawah 95%", "IKM batas atas 95%"}, rows)
}

func (wb *workbook) items(rep *Report) error {
	sum := rep.Summary
	q := sum.Questionnaire
	header := []string{"Bagian", "Kode", "Pernyataan", "n", "NRR skala asli", "Nilai (skala 4)", "Batas bawah 95%", "Batas atas 95%", "Predikat", "r butir-total", "r kritis"}
	widths := []float64{8, 8, 60, 8, 12, 12, 12, 12, 18, 12, 10}
	for v := q.Scale.Min; v <= q.Scale.Max; v++ {
		header, widths = append(header, "Skor "+strconv.Itoa(v)), append(widths, 9)
	}
	var rows [][]any
	for _, sec := range sum.Sections {
		for _, it := range sec.Items {
			row := append([]any{sec.Index, it.Code, it.Text, it.Est.N, rawCell(it.Est)}, estimateCells(it.Est)...)
			row = append(row, grade(it.Est, it.Predicate))
			var r, crit any = undefined(it.Validity.Reason), ""
			if it.Validity.Defined {
				r = it.Validity.R
			}
			if it.Validity.Critical > 0 {
				crit = it.Validity.Critical
			}
			row = append(row, r, crit)
			for _, n := range it.Distribution {
				row = append(row, n)
			}
			rows = append(rows, row)
		}
	}
	return wb.sheet(SheetItems, widths, header, rows)
}

func (wb *workbook) daily(rep *Report) error {
	if rep.Daily == nil {
		return wb.sheet(SheetDaily, []float64{80}, []string{"Periode terlalu panjang untuk deret harian; gunakan periode yang lebih pendek."}, nil)
	}
	header := []string{"Tanggal", "Responden"}
	widths := []float64{12, 10}
	for _, idx := range rep.Daily.Indexes {
		header = append(header, idx, idx+" bawah 95%", idx+" atas 95%", idx+" bergulir")
		widths = append(widths, 10, 12, 12, 12)
	}
	var rows [][]any
	for _, p := range rep.Daily.Points {
		row := []any{wb.dayValue(p.Day), p.N}
		for i, e := range p.Sections {
			row = append(row, estimateCells(e)...)
			if i < len(p.Rolling) && p.Rolling[i].Defined {
				row = append(row, p.Rolling[i].Index)
			} else {
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	return wb.sheet(SheetDaily, widths, header, rows)
}

func (wb *workbook) profile(rep *Report) error {
	var rows [][]any
	for _, p := range rep.Summary.Profile {
		total := p.Unanswered
		for _, o := range p.Options {
			total += o.Count
		}
		for _, o := range p.Options {
			rows = append(rows, []any{p.Label, o.Label, o.Count, shareCell(o.Count, total)})
		}
		rows = append(rows, []any{p.Label, "Tidak diisi", p.Unanswered, shareCell(p.Unanswered, total)})
	}
	return wb.sheet(SheetProfile, []float64{20, 30, 10, 12}, []string{"Variabel", "Pilihan", "Jumlah", "Persentase"}, rows)
}

// dataSheetRows is the most data rows one sheet holds: Excel's limit of
// 1,048,576 rows less the header.
const dataSheetRows = excelize.TotalRows - 1

// dataSheetName names the i-th data sheet (0-based): "Data", "Data (2)", …
func dataSheetName(i int) string {
	if i == 0 {
		return SheetData
	}
	return SheetData + " (" + strconv.Itoa(i+1) + ")"
}

// writeDataSheet streams the raw rows into the Data sheet, continuing in
// "Data (2)" and so on past Excel's row limit.
func (ex *Export) writeDataSheet(ctx context.Context, store Store, wb *workbook) error {
	d := ex.Dataset
	names := d.Header()
	header := make([]any, len(names))
	for i, name := range names {
		header[i] = excelize.Cell{StyleID: wb.head, Value: name}
	}
	var sw *excelize.StreamWriter
	sheets := 0
	open := func() error {
		if sheets > 0 {
			if err := sw.Flush(); err != nil {
				return err
			}
			if _, err := wb.f.NewSheet(dataSheetName(sheets)); err != nil {
				return err
			}
		}
		var err error
		if sw, err = wb.f.NewStreamWriter(dataSheetName(sheets)); err != nil {
			return err
		}
		sheets++
		if err := sw.SetPanes(frozenHeader); err != nil {
			return err
		}
		if err := setWidths(sw, []float64{10, 8, 11, 8, 8, 8, 8, 14}, names); err != nil {
			return err
		}
		return sw.SetRow("A1", header)
	}
	if err := open(); err != nil {
		return err
	}
	cells := make([]any, len(d.Columns))
	var n int64
	err := d.Each(ctx, store, func(rec *survey.Record, row []string) error {
		if n > 0 && n%dataSheetRows == 0 {
			if err := open(); err != nil {
				return err
			}
		}
		n++
		for i, c := range d.Columns {
			cells[i] = row[i]
			switch {
			case i == colDay:
				cells[i] = wb.dayValue(row[i])
			case i == colHour:
				cells[i] = wb.hourValue(row[i])
			case c.Numeric && row[i] != "":
				if v, err := strconv.ParseInt(row[i], 10, 64); err == nil {
					cells[i] = v
				}
			}
		}
		if n%progressEvery == 0 {
			ex.Opt.progress(FileWorkbook, n)
		}
		cell, err := excelize.CoordinatesToCellName(1, int((n-1)%dataSheetRows)+2)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// frozenHeader keeps the first row in view while scrolling.
var frozenHeader = &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}

// shareCell is a as a share of b, empty when b is 0 (a share of nothing is
// undefined, not 0 %).
func shareCell(a, b int64) any {
	if b == 0 {
		return ""
	}
	return shareValue(float64(a) / float64(b))
}
