package evidence

import (
	"context"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"persepsi/survey"
)

// Sheet names of the workbook.
const (
	SheetData = "Data"
)

// WriteXLSX writes the workbook. The data sheet is written through
// excelize's StreamWriter, which spills to temporary files past 16 MB, so a
// million rows stay within bounded memory.
func (ex *Export) WriteXLSX(ctx context.Context, store *survey.Store, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetData); err != nil {
		return err
	}
	if err := ex.writeDataSheet(ctx, store, f, head); err != nil {
		return err
	}
	return f.Write(w)
}

func (ex *Export) writeDataSheet(ctx context.Context, store *survey.Store, f *excelize.File, head int) error {
	d := ex.Dataset
	sw, err := f.NewStreamWriter(SheetData)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(frozenHeader); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(d.Columns), 12); err != nil {
		return err
	}
	header := make([]any, len(d.Columns))
	for i, c := range d.Columns {
		header[i] = excelize.Cell{StyleID: head, Value: c.Name}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	cells := make([]any, len(d.Columns))
	n := 1
	err = d.Each(ctx, store, func(rec *survey.Record, row []string) error {
		n++
		for i, c := range d.Columns {
			cells[i] = row[i]
			if c.Numeric && row[i] != "" {
				if v, err := strconv.ParseInt(row[i], 10, 64); err == nil {
					cells[i] = v
				}
			}
		}
		if n%progressEvery == 0 {
			ex.Opt.progress(FileWorkbook, int64(n-1))
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
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
