package evidence

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestExcelCSVVariant checks responden-excel-id.csv: a UTF-8 BOM, ";"
// between cells, CRLF line ends, the same cells as responden.csv, listed
// in the manifest, and verified alone like the comma-separated file (an
// edited cell is found).
func TestExcelCSVVariant(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 10, 3)
	b, m := f.export(t, testKey(1))
	files := entries(t, b)
	variant := files[FileCSVExcel]
	if !bytes.HasPrefix(variant, []byte("\xef\xbb\xbfref;")) {
		t.Fatalf("the variant does not start with a BOM and a semicolon-separated header: %q", truncate(string(variant), 40))
	}
	if lines := strings.Split(strings.TrimSuffix(string(variant), "\r\n"), "\r\n"); len(lines) != 11 || strings.Contains(string(variant), ";\n") {
		t.Fatalf("the variant has %d CRLF lines, want 11", len(lines))
	}
	got, err := readCSV(variant)
	if err != nil {
		t.Fatal(err)
	}
	want, err := readCSV(files[FileCSV])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the variant's cells differ from responden.csv")
	}
	listed := false
	for _, fd := range m.Files {
		listed = listed || fd.Name == FileCSVExcel
	}
	if !listed {
		t.Fatalf("%s is not in the manifest", FileCSVExcel)
	}
	if res := verify(t, f, nil, variant); !res.OK() || res.Kind != "csv" || res.Rows != 10 {
		t.Fatalf("the variant alone: %+v", res)
	}
	edited := bytes.Replace(variant, []byte(";qr;"), []byte(";kiosk;"), 1)
	if res := verify(t, f, nil, edited); res.OK() {
		t.Fatal("an edited cell of the variant verified")
	}
}

// excelDay is an Excel serial date: days since 30 December 1899 (the
// 1900 date system, as ECMA-376 Part 1 §18.17.4.1 defines it).
func excelDay(day string) float64 {
	t, _ := time.Parse(time.DateOnly, day)
	return t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
}

// TestXLSXTypesAndWidths re-reads the workbook: days are date cells (a
// serial number in a date format), hours are times of day, counts and
// scores are numbers, and every column is at least as wide as its header.
// k = 1 keeps every day and hour.
func TestXLSXTypesAndWidths(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 8, 0)
	b, _ := f.exportK(t, testKey(1), 1)
	files := entries(t, b)
	rows, err := readCSV(files[FileCSV])
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(files[FileWorkbook]))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	raw := excelize.Options{RawCellValue: true}
	numFmt := func(sheet, cell string) int {
		id, err := x.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil {
			return -1
		}
		return st.NumFmt
	}
	header := rows[0]
	for r, row := range rows[1:] {
		for _, c := range []struct {
			name string
			want float64
		}{{"tanggal", excelDay(row[column(t, header, "tanggal")])}, {"jam", float64(parseFloat(t, strings.TrimSuffix(row[column(t, header, "jam")], ":00"))) / 24}} {
			cell, _ := excelize.CoordinatesToCellName(column(t, header, c.name)+1, r+2)
			v, err := x.GetCellValue(SheetData, cell, raw)
			if err != nil {
				t.Fatal(err)
			}
			if typ, _ := x.GetCellType(SheetData, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Fatalf("%s %s is text, not a date or time", c.name, cell)
			}
			if got := parseFloat(t, v); got-c.want > 1e-9 || c.want-got > 1e-9 {
				t.Errorf("%s %s = %v, want %v", c.name, cell, got, c.want)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(column(t, header, "tanggal")+1, r+2)
		if n := numFmt(SheetData, cell); n != 14 {
			t.Errorf("tanggal %s has number format %d, want 14 (short date)", cell, n)
		}
		for _, name := range []string{"SPKP1", "rantai_acuan", "layanan"} {
			cell, _ := excelize.CoordinatesToCellName(column(t, header, name)+1, r+2)
			if typ, _ := x.GetCellType(SheetData, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("%s %s is text, not a number", name, cell)
			}
		}
	}
	if v, _ := x.GetCellValue(SheetDaily, "A2", raw); v != "" && parseFloat(t, v) != excelDay("2025-03-01") {
		t.Errorf("Harian A2 = %q, want the serial date of 2025-03-01", v)
	}
	for _, sheet := range x.GetSheetList() {
		head, err := x.GetRows(sheet)
		if err != nil || len(head) == 0 {
			t.Fatalf("%s: %v", sheet, err)
		}
		for i, h := range head[0] {
			col, _ := excelize.ColumnNumberToName(i + 1)
			w, err := x.GetColWidth(sheet, col)
			if err != nil {
				t.Fatal(err)
			}
			if need := float64(len([]rune(h))); w < need && w < 60 {
				t.Errorf("%s column %s %q is %.1f wide, its header needs %.0f", sheet, col, h, w, need)
			}
		}
	}
}
