package evidence

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"persepsi/survey"
)

// Column is one variable of the exported data, with its codebook entry.
type Column struct {
	Name    string
	Label   string
	Numeric bool
	Values  []ValueLabel
}

// ValueLabel names one code of a variable.
type ValueLabel struct {
	Code, Label string
}

// Dataset is the anonymised data of one unit and period as of one chain
// position: its columns, and how a stored record becomes a row. The CSV, the
// XLSX data sheet and Verify all go through it, so a row prints the same
// way everywhere.
type Dataset struct {
	Unit           *survey.Unit
	Period         survey.Period
	AsOf           int64
	Questionnaires []*survey.Questionnaire
	Items          []survey.Item
	Profile        []survey.ProfileField
	Columns        []Column
	services       map[int64]string
	itemCol        int
	// anon is the generalisation of the rows, planned over the snapshot.
	anon *anonPlan
	// coarse is each profile field's coarser groups at the plan's level.
	coarse []coarseField
	// q is Row's scratch space.
	q qi
}

// The fixed columns, in order; items and profile fields come between
// "kuesioner" and "kontrol".
const (
	colID = iota
	colUnit
	colDay
	colHour
	colChannel
	colService
	colCounter
	colQuestionnaire
	fixedColumns
)

// newDataset describes the data of a unit's period as of chain position
// asOf (the chain head when the export started), its rows meeting
// k-anonymity. It reads every record of the snapshot once to plan the
// generalisation; see, when not nil, hears each of them.
func newDataset(ctx context.Context, store Store, u *survey.Unit, period survey.Period, asOf int64, k int, see func(*survey.Record)) (*Dataset, error) {
	if k < 1 {
		k = DefaultK
	}
	qs, err := store.PeriodQuestionnaires(ctx, u, period)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Unit: u, Period: period, AsOf: asOf, Questionnaires: qs, services: map[int64]string{}}
	svcs, err := store.Services(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		d.services[s.ID] = s.Name
	}
	cs, err := store.Counters(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	seenItem, seenProfile := map[string]bool{}, map[string]bool{}
	for _, q := range qs {
		for _, it := range q.Items() {
			if !seenItem[it.Code] {
				seenItem[it.Code] = true
				d.Items = append(d.Items, it)
			}
		}
		for _, f := range q.Profile {
			if !seenProfile[f.Code] {
				seenProfile[f.Code] = true
				d.Profile = append(d.Profile, f)
			}
		}
	}
	if len(d.Profile) > maxProfileFields {
		return nil, fmt.Errorf("evidence: %d profile fields, at most %d can be anonymised", len(d.Profile), maxProfileFields)
	}
	d.Columns = d.columns(svcs, cs)
	if err := d.plan(ctx, store, k, see); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dataset) columns(svcs []survey.Service, cs []survey.Counter) []Column {
	var services, counters, refs []ValueLabel
	for _, s := range svcs {
		services = append(services, ValueLabel{strconv.FormatInt(s.ID, 10), s.Name})
	}
	for _, c := range cs {
		counters = append(counters, ValueLabel{strconv.FormatInt(c.ID, 10), c.Name})
	}
	for _, q := range d.Questionnaires {
		refs = append(refs, ValueLabel{q.Ref(), q.Title})
	}
	cols := []Column{
		{Name: "ref", Label: "Acuan publik respons (acak; tidak mengikuti urutan kedatangan)"},
		{Name: "unit", Label: "ID unit layanan", Numeric: true},
		{Name: "tanggal", Label: "Tanggal pengisian (hari lokal unit, TTTT-BB-HH; * bila disamarkan demi anonimitas)"},
		{Name: "jam", Label: "Waktu pengisian (waktu lokal unit): jam penuh (09:00), bagian hari atau * (disamarkan), menurut tingkat generalisasi pada kodebuku"},
		{Name: "saluran", Label: "Saluran pengisian", Values: []ValueLabel{{"qr", "Kode QR di loket"}, {"kiosk", "Kios/tablet di lokasi"}, {"api", "Aplikasi lain melalui API"}}},
		{Name: "layanan", Label: "Jenis layanan yang diterima", Numeric: true, Values: services},
		{Name: "loket", Label: "Loket tempat kode QR dipindai", Numeric: true, Values: counters},
		{Name: "kuesioner", Label: "Versi kuesioner", Values: refs},
	}
	d.itemCol = len(cols)
	for _, it := range d.Items {
		var labels []ValueLabel
		q := d.questionnaireOf(it.Code)
		for i, l := range q.ItemLabels(it) {
			labels = append(labels, ValueLabel{strconv.Itoa(q.Scale.Min + i), l})
		}
		cols = append(cols, Column{Name: it.Code, Label: it.Text, Numeric: true, Values: labels})
	}
	for _, f := range d.Profile {
		var labels []ValueLabel
		for i, o := range f.Options {
			labels = append(labels, ValueLabel{o, f.OptionLabel(i)})
		}
		cols = append(cols, Column{Name: f.Code, Label: f.Label + " (kosong: tidak diisi)", Values: labels})
	}
	return append(cols,
		Column{Name: "kontrol", Label: "Pertanyaan kontrol: apakah ada petugas yang mengarahkan jawaban?", Values: []ValueLabel{{"Ya", "Ya (diarahkan)"}, {"Tidak", "Tidak"}}},
		Column{Name: "saran", Label: "Saran responden (teks bebas)"},
		Column{Name: "dikecualikan", Label: "Dikecualikan dari perhitungan indeks", Numeric: true, Values: []ValueLabel{{"0", "Tidak"}, {"1", "Ya"}}},
		Column{Name: "alasan_pengecualian", Label: "Alasan, pemutus dan waktu pengecualian"},
		Column{Name: "rantai_hash", Label: "Daun Merkle respons (SHA-256 bergaram, heksadesimal); dapat dicocokkan dengan server, tidak dapat ditebak dari isi baris"},
		Column{Name: "rantai_acuan", Label: "Posisi rantai saat ekspor dibuat (nomor urut kepala rantai)", Numeric: true},
		Column{Name: "periode", Label: "Periode ekspor (hari pertama/hari terakhir, TTTT-BB-HH/TTTT-BB-HH)"},
		Column{Name: "k_anonim", Label: "k dari k-anonimitas yang dipenuhi baris ekspor (lihat aturan pada kodebuku)", Numeric: true},
	)
}

// questionnaireOf returns the first questionnaire of the period that has the
// item; the items were collected from these questionnaires.
func (d *Dataset) questionnaireOf(code string) *survey.Questionnaire {
	for _, q := range d.Questionnaires {
		for _, it := range q.Items() {
			if it.Code == code {
				return q
			}
		}
	}
	panic("evidence: item " + code + " belongs to no questionnaire of the dataset")
}

// Header returns the column names.
func (d *Dataset) Header() []string {
	h := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		h[i] = c.Name
	}
	return h
}

// Row renders a record into dst (reused when it has room) as the exported
// cells, in column order, generalised by the dataset's plan. Not safe for
// concurrent use.
func (d *Dataset) Row(rec *survey.Record, dst []string) []string {
	row := append(dst[:0], make([]string, len(d.Columns))...)
	d.quasi(rec, &d.q)
	mask := d.anon.maskOf(d, &d.q)
	row[colID] = rec.Ref
	row[colUnit] = strconv.FormatInt(rec.UnitID, 10)
	row[colDay] = rec.LocalDay
	switch {
	case mask&maskTime != 0 || d.anon.level >= levelDay:
		row[colHour] = Withheld
	case d.anon.level == levelHour:
		row[colHour] = fmt.Sprintf("%02d:00", d.q.hour)
	default:
		row[colHour] = partsOfDay[partOfDay(d.q.hour)].label
	}
	row[colChannel] = string(rec.Channel)
	row[colService] = strconv.FormatInt(rec.ServiceID, 10)
	row[colCounter] = strconv.FormatInt(rec.CounterID, 10)
	if mask&maskPlace != 0 {
		row[colService], row[colCounter] = Withheld, Withheld
	}
	if mask&maskDay != 0 {
		row[colDay] = Withheld
	}
	if q, err := d.questionnaire(rec.QuestionnaireID); err == nil {
		row[colQuestionnaire] = q.Ref()
	}
	i := d.itemCol
	for _, it := range d.Items {
		if v := rec.Score(it.Code); v != 0 {
			row[i] = strconv.Itoa(v)
		}
		i++
	}
	for fi, f := range d.Profile {
		v := d.q.profile[fi]
		switch {
		case mask&profileBit(fi) != 0:
			row[i] = Withheld
		case v == 0:
		case mask&coarseBit(fi) != 0:
			row[i] = d.coarse[fi].label[v-1]
		case d.anon.level >= levelWideAge && f.Code == ageField:
			row[i] = band(f.Options, int(v-1), 2)
		default:
			row[i] = f.Options[v-1]
		}
		i++
	}
	row[i] = rec.Control
	row[i+1] = rec.Suggestion
	row[i+2] = "0"
	if x := rec.Exclusion; x != nil {
		row[i+2] = "1"
		row[i+3] = fmt.Sprintf("%s (oleh %s, %s UTC)", x.Reason, x.Actor, x.CreatedAt.UTC().Format("2006-01-02 15:04"))
	}
	row[i+4] = rec.Leaf
	row[i+5] = strconv.FormatInt(d.AsOf, 10)
	row[i+6] = d.Period.From + "/" + d.Period.To
	row[i+7] = strconv.Itoa(d.anon.k)
	for i := range row {
		row[i] = safeText(row[i])
	}
	return row
}

// band labels the band of w options that option i falls in (options
// 1…w, w+1…2w, … of the field), its options joined by " / ".
func band(options []string, i, w int) string {
	lo := i / w * w
	return strings.Join(options[lo:min(lo+w, len(options))], " / ")
}

func (d *Dataset) questionnaire(id int64) (*survey.Questionnaire, error) {
	for _, q := range d.Questionnaires {
		if q.ID == id {
			return q, nil
		}
	}
	return nil, survey.ErrNotFound
}

// ServiceName gives the name of one of the unit's services.
func (d *Dataset) ServiceName(id int64) string { return d.services[id] }

// eachRecord calls fn for every record of the dataset: what the store
// holds sealed at or before AsOf (RecordSource.EachRecord guarantees it).
// AsOf 0 (an empty chain, or an uploaded file claiming position 0)
// certifies nothing, so it yields nothing; the store itself reads 0 as
// "every response, sealed or not".
func (d *Dataset) eachRecord(ctx context.Context, store Store, fn func(rec *survey.Record) error) error {
	if d.AsOf == 0 {
		return nil
	}
	return store.EachRecord(ctx, d.Unit.ID, d.Period, d.AsOf, fn)
}

// Each calls fn with every record of the dataset and its row. Responses
// chained after AsOf (submitted while the export ran) are left out, so the
// rows are exactly those of the chain position the manifest names. Rows
// come by local day, then by their printed time and their random ref, so
// their order tells nothing of arrival within a time bucket; rows whose day
// is withheld come last, by ref, so their place tells nothing of it.
func (d *Dataset) Each(ctx context.Context, store Store, fn func(rec *survey.Record, row []string) error) error {
	type pending struct {
		rec survey.Record
		row []string
	}
	var day []pending
	var tail []pending
	emit := func(ps []pending) error {
		sort.Slice(ps, func(i, j int) bool {
			a, b := ps[i].row, ps[j].row
			if a[colHour] != b[colHour] {
				return a[colHour] < b[colHour]
			}
			return a[colID] < b[colID]
		})
		for i := range ps {
			if err := fn(&ps[i].rec, ps[i].row); err != nil {
				return err
			}
		}
		return nil
	}
	err := d.eachRecord(ctx, store, func(rec *survey.Record) error {
		if len(day) > 0 && day[0].rec.LocalDay != rec.LocalDay {
			if err := emit(day); err != nil {
				return err
			}
			day = day[:0]
		}
		p := pending{rec: *rec, row: d.Row(rec, nil)}
		if p.row[colDay] == Withheld {
			tail = append(tail, p)
		} else {
			day = append(day, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := emit(day); err != nil {
		return err
	}
	return emit(tail)
}

// safeText keeps a spreadsheet from reading a cell as a formula: a cell
// that begins with = + - @ or a tab/CR gets a leading apostrophe (the OWASP
// advice for CSV injection). Every cell of every CSV file goes through it:
// the data rows in Row, the codebook in WriteCodebook. No exported number
// is negative, so no number is altered.
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
