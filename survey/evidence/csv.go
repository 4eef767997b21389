package evidence

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"persepsi/survey"
)

// Tally counts what a pass over the dataset saw.
type Tally struct {
	Responses int64
	Excluded  int64
	// ExcludedBy counts exclusions by reason.
	ExcludedBy map[string]int64
	FirstSeq   int64
	LastSeq    int64
	FirstHash  string
	LastHash   string
}

func (t *Tally) add(rec *survey.Record) {
	t.Responses++
	if rec.Exclusion != nil {
		t.Excluded++
		if t.ExcludedBy == nil {
			t.ExcludedBy = map[string]int64{}
		}
		t.ExcludedBy[rec.Exclusion.Reason]++
	}
	if t.FirstSeq == 0 || rec.Seq < t.FirstSeq {
		t.FirstSeq, t.FirstHash = rec.Seq, rec.Hash
	}
	if rec.Seq > t.LastSeq {
		t.LastSeq, t.LastHash = rec.Seq, rec.Hash
	}
}

// Dialect is how a CSV file of the bundle is written.
type Dialect struct {
	Comma rune
	// BOM starts the file with the UTF-8 byte order mark, which Excel needs
	// to read the file as UTF-8.
	BOM bool
	// CRLF ends lines with \r\n.
	CRLF bool
}

var (
	// DialectRFC is RFC 4180 as standard tools read it: comma-separated,
	// \n line ends, no BOM (responden.csv).
	DialectRFC = Dialect{Comma: ','}
	// DialectExcelID is what Excel with Indonesian regional settings opens
	// in columns: the list separator there is ";" (the comma is the decimal
	// separator), and without a BOM Excel reads UTF-8 as ANSI
	// (responden-excel-id.csv).
	DialectExcelID = Dialect{Comma: ';', BOM: true, CRLF: true}
)

// utf8BOM is the UTF-8 encoding of U+FEFF.
const utf8BOM = "\uFEFF"

// WriteCSV writes the dataset as CSV in the dialect, header row first.
// seen, when not nil, hears every record and its row before the row is
// written: the export takes its counts and the report's numbers from this
// same pass.
func (d *Dataset) WriteCSV(ctx context.Context, store Store, w io.Writer, dialect Dialect, seen func(rec *survey.Record, row []string)) error {
	if dialect.BOM {
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = dialect.Comma, dialect.CRLF
	if err := cw.Write(d.Header()); err != nil {
		return err
	}
	err := d.Each(ctx, store, func(rec *survey.Record, row []string) error {
		if seen != nil {
			seen(rec, row)
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// progressEvery is how often long passes report progress, in rows.
const progressEvery = 50000

// WriteCodebook writes the codebook as CSV: one row per variable (its
// label and type), followed by one row per code of that variable, and the
// rules the data follow (formula prefix, anonymity). Service and counter
// names are typed by admins, so every cell is neutralised like the data's.
func (d *Dataset) WriteCodebook(w io.Writer) error {
	cw := csv.NewWriter(w)
	write := func(cells ...string) {
		for i := range cells {
			cells[i] = safeText(cells[i])
		}
		_ = cw.Write(cells)
	}
	write("variabel", "label", "jenis", "kode", "label_kode")
	for _, c := range d.Columns {
		kind := "teks"
		if c.Numeric {
			kind = "angka"
		}
		write(c.Name, c.Label, kind, "", "")
		for _, v := range c.Values {
			write(c.Name, "", "", v.Code, v.Label)
		}
	}
	write("(anonimitas)", d.anonymityText(), "", "", "")
	write("(aturan)", "Sel yang diawali = + - @, tab atau CR diberi awalan ' agar tidak dibaca sebagai rumus oleh aplikasi lembar kerja.", "", "", "")
	cw.Flush()
	return cw.Error()
}

// WriteSPSS writes SPSS syntax that reads the CSV and applies the variable
// and value labels.
func (d *Dataset) WriteSPSS(w io.Writer, csvName string) error {
	q := func(s string) string { return "'" + strings.ReplaceAll(oneLine(s), "'", "''") + "'" }
	var b strings.Builder
	fmt.Fprintf(&b, "* Label variabel dan nilai untuk %s (Persepsi), unit %d, periode %s s.d. %s.\n", csvName, d.Unit.ID, d.Period.From, d.Period.To)
	fmt.Fprintf(&b, "GET DATA /TYPE=TXT /FILE=%s /ENCODING='UTF8' /ARRANGEMENT=DELIMITED /DELIMITERS=\",\" /QUALIFIER='\"' /FIRSTCASE=2\n  /VARIABLES=", q(csvName))
	for _, c := range d.Columns {
		format := "A" + strconv.Itoa(max(textWidth(c), 1))
		if c.Numeric {
			format = "F12.0"
		}
		fmt.Fprintf(&b, "\n    %s %s", c.Name, format)
	}
	b.WriteString(".\nVARIABLE LABELS")
	for i, c := range d.Columns {
		sep := "\n  /"
		if i == 0 {
			sep = "\n  "
		}
		fmt.Fprintf(&b, "%s%s %s", sep, c.Name, q(c.Label))
	}
	b.WriteString(".\n")
	first := true
	for _, c := range d.Columns {
		if len(c.Values) == 0 {
			continue
		}
		if first {
			b.WriteString("VALUE LABELS")
		}
		sep := "\n  /"
		if first {
			sep = "\n  "
		}
		first = false
		fmt.Fprintf(&b, "%s%s", sep, c.Name)
		for _, v := range c.Values {
			code := v.Code
			if !c.Numeric {
				code = q(code)
			}
			fmt.Fprintf(&b, " %s %s", code, q(v.Label))
		}
	}
	if !first {
		b.WriteString(".\n")
	}
	b.WriteString("EXECUTE.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// textWidth is the widest value a text column can hold, in bytes: its
// longest code, or the free-text limit for a column without codes.
func textWidth(c Column) int {
	switch c.Name {
	case "tanggal":
		return len("2006-01-02")
	case "jam":
		return len("15:00")
	case "rantai_hash":
		return 64
	}
	if len(c.Values) == 0 {
		return 4 * survey.MaxSuggestion // UTF-8: up to 4 bytes a character
	}
	w := 0
	for _, v := range c.Values {
		w = max(w, len(v.Code))
	}
	return w
}

// WriteR writes an R script that reads the CSV, labels every variable and
// turns coded text into factors; scored items stay numeric with their labels
// in a "labels" attribute (the convention of the haven package).
func (d *Dataset) WriteR(w io.Writer, csvName string) error {
	q := func(s string) string { return rString(oneLine(s)) }
	var b strings.Builder
	fmt.Fprintf(&b, "# Label variabel dan nilai untuk %s (Persepsi), unit %d, periode %s s.d. %s.\n", csvName, d.Unit.ID, d.Period.From, d.Period.To)
	fmt.Fprintf(&b, "d <- read.csv(%s, encoding = \"UTF-8\", stringsAsFactors = FALSE, na.strings = \"\")\n", q(csvName))
	for _, c := range d.Columns {
		if len(c.Values) > 0 {
			codes := make([]string, len(c.Values))
			labels := make([]string, len(c.Values))
			for i, v := range c.Values {
				codes[i], labels[i] = v.Code, q(v.Label)
				if !c.Numeric {
					codes[i] = q(v.Code)
				}
			}
			if c.Numeric {
				pairs := make([]string, len(c.Values))
				for i := range codes {
					pairs[i] = labels[i] + " = " + codes[i]
				}
				fmt.Fprintf(&b, "attr(d[[%s]], \"labels\") <- c(%s)\n", q(c.Name), strings.Join(pairs, ", "))
			} else {
				fmt.Fprintf(&b, "d[[%s]] <- factor(d[[%s]], levels = c(%s), labels = c(%s))\n", q(c.Name), q(c.Name), strings.Join(codes, ", "), strings.Join(labels, ", "))
			}
		}
		fmt.Fprintf(&b, "attr(d[[%s]], \"label\") <- %s\n", q(c.Name), q(c.Label))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// rString quotes s as an R string literal.
func rString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
