package evidence

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"persepsi/stats"
	"persepsi/survey"
	"persepsi/survey/chart"
)

// snapshot gathers what the report's numbers come from: the settings, N,
// the unit's counters, services and follow-up plan, read once when the
// export starts, and the rollups of the records of the one pass that also
// plans the rows and counts what the manifest signs. The PDF and the
// workbook are computed from it alone, so they print the numbers of the
// data the bundle certifies, never a live, cached summary.
type snapshot struct {
	in        survey.SummaryInput
	days      map[string]*survey.Rollups
	followUps []survey.FollowUp
}

func newSnapshot(ctx context.Context, store Store, u *survey.Unit, period survey.Period, at time.Time) (*snapshot, error) {
	q, err := store.Questionnaire(u.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	s := &snapshot{in: survey.SummaryInput{Unit: *u, Versions: store.Questionnaires(), Period: period, Rollups: survey.NewRollups(q), GeneratedAt: at},
		days: map[string]*survey.Rollups{}}
	if s.in.Settings, err = store.Settings(ctx); err != nil {
		return nil, err
	}
	if s.in.Population, err = store.PopulationFor(ctx, u.ID, period); err != nil {
		return nil, err
	}
	if s.in.Counters, err = store.Counters(ctx, u.ID); err != nil {
		return nil, err
	}
	if s.in.Services, err = store.Services(ctx, u.ID); err != nil {
		return nil, err
	}
	if s.followUps, err = store.FollowUps(ctx, u.ID); err != nil {
		return nil, err
	}
	return s, nil
}

// add takes one record of the pass.
func (s *snapshot) add(rec *survey.Record) {
	if rec.Exclusion != nil {
		s.in.Rollups.AddExcluded(&rec.Response)
		return
	}
	s.in.Rollups.Add(&rec.Response)
	day, ok := s.days[rec.LocalDay]
	if !ok {
		day = survey.NewRollups(s.in.Rollups.Questionnaire())
		s.days[rec.LocalDay] = day
	}
	day.Add(&rec.Response)
}

// report computes the report's numbers. The daily series covers the
// period's own days: its first rolling points are built on the days the
// bundle holds, not on days before it.
func (s *snapshot) report() *Report {
	rep := &Report{Summary: survey.Summarize(s.in), FollowUps: s.followUps}
	if s.in.Period.Days() <= survey.MaxSeriesDays {
		rep.Daily = survey.SummarizeDaily(survey.DailyInput{Unit: s.in.Unit, Versions: s.in.Versions, Period: s.in.Period,
			Settings: s.in.Settings, Days: s.days, Others: s.in.Rollups})
	}
	return rep
}

// WritePDF writes the report in the SE MenPANRB 04/2023 frame: cover;
// I questionnaire and definitions; II methodology; III results; IV data
// and verification. Every number comes from rep, and the rows of a short
// period from the pass that wrote the CSV.
func (ex *Export) WritePDF(rep *Report, w io.Writer) error {
	sum := rep.Summary
	title := "Laporan Survei Persepsi – " + ex.Dataset.Unit.Name
	d := newDoc(title, ex.At)
	ex.cover(d, sum)
	ex.questionnaire(d, sum)
	ex.methodology(d, sum)
	if err := ex.results(d, rep); err != nil {
		return err
	}
	ex.dataChapter(d)
	if err := ex.verification(d); err != nil {
		return err
	}
	if err := d.Error(); err != nil {
		return fmt.Errorf("evidence: pdf: %w", err)
	}
	return d.Output(w)
}

func (ex *Export) periodText() string {
	p := ex.Dataset.Period
	return longDate(p.From) + " s.d. " + longDate(p.To)
}

func (ex *Export) cover(d *doc, sum *survey.Summary) {
	u := ex.Dataset.Unit
	d.AddPage()
	d.SetFillColor(31, 78, 121)
	d.Rect(0, 0, 210, 12, "F")
	d.Ln(28)
	d.font("B", 20)
	d.SetTextColor(31, 78, 121)
	d.MultiCell(d.width, 10, "LAPORAN HASIL SURVEI PERSEPSI KUALITAS PELAYANAN DAN PERSEPSI ANTI KORUPSI", "", "C", false)
	d.SetTextColor(0, 0, 0)
	d.Ln(10)
	d.font("B", 15)
	d.MultiCell(d.width, 8, u.Name, "", "C", false)
	if u.Agency != "" {
		d.font("", 12)
		d.MultiCell(d.width, 7, u.Agency, "", "C", false)
	}
	d.Ln(6)
	d.font("", 12)
	d.MultiCell(d.width, 7, "Periode "+ex.periodText(), "", "C", false)
	d.Ln(14)
	var rows [][]string
	for _, sec := range sum.Sections {
		value, iv := index(sec.Est), interval(sec.Est)
		if sec.IKM != nil {
			value, iv = survey.FormatRat(sec.IKM.Exact, scoreDecimals), ikmInterval(sec)
		}
		rows = append(rows, []string{sec.Label, value, iv, grade(sec.Est, sec.Predicate)})
	}
	d.table([]float64{46, 16, 22, 20}, "LRCC", []string{"Indeks", "Nilai", "Selang 95%", "Predikat"}, rows)
	d.font("", 10)
	d.MultiCell(d.width, 6, ex.countsText(sum), "", "C", false)
	_, h := d.GetPageSize()
	d.SetY(h - 60)
	d.font("", 9)
	d.SetTextColor(80, 80, 80)
	d.MultiCell(d.width, 5, fmt.Sprintf("Disusun otomatis oleh Persepsi pada %s dari data yang tersimpan dalam rantai hash unit (posisi #%d).\n"+
		"Keaslian laporan dan datanya dapat diperiksa di %s (lihat Bab IV).", survey.FormatTime(ex.At, ex.Dataset.Unit.TimeZone), ex.Head.Seq, ex.verifyURL()), "", "C", false)
	d.SetTextColor(0, 0, 0)
}

func (ex *Export) verifyURL() string { return strings.TrimRight(ex.Opt.BaseURL, "/") + "/verify" }

func (ex *Export) questionnaire(d *doc, sum *survey.Summary) {
	q := sum.Questionnaire
	d.chapter("I. KUESIONER DAN DEFINISI VARIABEL")
	d.para(fmt.Sprintf("Survei menggunakan kuesioner %q versi %d (%s). Setiap pernyataan dinilai pada skala %d–%d, dari %q (%d) sampai %q (%d). "+
		"Definisi berikut ditampilkan kepada responden sebagai keterangan butir. Sidik SHA-256 berkas definisi kuesioner: %s.",
		q.Title, q.Version, q.Key, q.Scale.Min, q.Scale.Max, q.Scale.Labels[0], q.Scale.Min, q.Scale.Labels[len(q.Scale.Labels)-1], q.Scale.Max, q.SHA256))
	for _, sec := range q.Sections {
		d.section(fmt.Sprintf("%s – %s", sec.Code, survey.IndexLabel(sec.Index, sec.Name)))
		var rows [][]string
		for _, it := range sec.Items {
			rows = append(rows, []string{it.Code, it.Text, it.Help})
		}
		d.table([]float64{12, 44, 44}, "LLL", []string{"Kode", "Pernyataan", "Definisi"}, rows)
	}
	if c := q.Control; c != nil {
		d.section("Pertanyaan kontrol (tidak dinilai)")
		d.para(fmt.Sprintf("%s (%s). Jawaban %q menandakan responden diarahkan petugas; porsinya dilaporkan pada Bab III.", c.Text, strings.Join(c.Options, "/"), survey.ControlCoached))
	}
	if len(q.Profile) > 0 {
		d.section("Profil responden (boleh tidak diisi)")
		var rows [][]string
		for _, f := range q.Profile {
			labels := make([]string, len(f.Options))
			for i := range f.Options {
				labels[i] = f.OptionLabel(i)
			}
			rows = append(rows, []string{f.Label, strings.Join(labels, "; ")})
		}
		d.table([]float64{25, 75}, "LL", []string{"Variabel", "Pilihan"}, rows)
	}
}

// conversionText describes the rule that maps the questionnaire's scale to
// the 4-point scale.
func conversionText(q *survey.Questionnaire) string {
	if q.Scale.Max == 4 {
		return "Kuesioner berskala 1–4, sehingga nilai tidak perlu dikonversi."
	}
	if q.Conversion == "endpoint-linear" {
		return fmt.Sprintf("Nilai skala 1–%d dikonversi ke skala 4 dengan aturan linear titik-ujung: 1 + (x − 1) × 3 / (%d − 1).", q.Scale.Max, q.Scale.Max)
	}
	return fmt.Sprintf("Nilai skala 1–%d dikonversi ke skala 4 dengan aturan proporsional: x / %d × 4 (nilai %d menjadi 4).", q.Scale.Max, q.Scale.Max, q.Scale.Max)
}

func (ex *Export) methodology(d *doc, sum *survey.Summary) {
	q := sum.Questionnaire
	d.chapter("II. METODOLOGI")
	d.section("2.1 Kriteria responden")
	d.para("Responden adalah pengguna layanan yang telah selesai dilayani pada unit ini selama periode survei, pada setiap jenis layanan, sesuai SE MenPANRB Nomor 04 Tahun 2023. " +
		"Survei bersifat anonim: tidak ada nama, nomor telepon, alamat IP maupun identitas perangkat yang disimpan.")
	d.section("2.2 Jumlah sampel (Krejcie–Morgan)")
	s := sum.Sample
	pop := "tidak diketahui, sehingga dipakai populasi sangat besar"
	if s.Population > 0 {
		pop = count(s.Population) + " pengguna layanan"
	}
	d.para(fmt.Sprintf("Ukuran sampel minimum dihitung dengan rumus Krejcie–Morgan S = χ²·N·P·(1−P) / (d²·(N−1) + χ²·P·(1−P)), dengan χ² = 3,841, P = 0,5 dan d = 0,05. "+
		"N (jumlah pengguna layanan pada periode) %s; sampel minimum S = %s responden. Responden yang diperoleh: %s (%s dari minimum).",
		pop, count(s.Minimum), count(s.N), shareOf(s.N, s.Minimum)))
	d.section("2.3 Pengumpulan data")
	d.para("Data dikumpulkan secara daring: pengguna layanan memindai kode QR yang dipasang di setiap loket, atau mengisi melalui kios/tablet di lokasi, segera setelah selesai dilayani. " +
		"Setiap jawaban disimpan sekali (tanpa perubahan) dan dicatat dalam rantai hash unit, sehingga penyuntingan, penghapusan atau penyisipan data dapat dideteksi.")
	d.section("2.4 Metode analisis")
	d.para(analysisText(sum))
	if hasIKM(q) {
		d.para("IKM (PermenPANRB 14/2017) = Σ NRR unsur × 1/9 × 25: rerata NRR kesembilan unsur dengan bobot tepat 1/9 (bukan 0,11, yang tidak pernah mencapai 100), dikonversi ke skala 25–100. " +
			"Mutu pelayanan ditetapkan dari nilai konversi yang dibulatkan ke 2 desimal:")
		d.table([]float64{30, 25, 15, 30}, "CCCL", []string{"Nilai IKM konversi", "Nilai interval (1–4)", "Mutu", "Kinerja unit"}, [][]string{
			{"88,31 – 100,00", "3,5324 – 4,00", "A", "Sangat baik"},
			{"76,61 – 88,30", "3,0644 – 3,532", "B", "Baik"},
			{"65,00 – 76,60", "2,60 – 3,064", "C", "Kurang baik"},
			{"25,00 – 64,99", "1,00 – 2,5996", "D", "Tidak baik"},
		})
	}
	d.section("2.5 Respons yang dikecualikan")
	if lo := leftOut(sum); len(lo) > 0 {
		d.para("Respons pada versi kuesioner lain tidak dihitung (" + leftOutReason + "): " + strings.Join(lo, "; ") + ".")
	}
	t := ex.Tally
	if t.Excluded == 0 {
		d.para("Tidak ada respons yang dikecualikan.")
		return
	}
	d.para(fmt.Sprintf("Dari %s respons tersimpan, %s dikecualikan dari perhitungan dan %s dihitung. Pengecualian tidak menghapus data: setiap pengecualian dicatat dalam rantai hash beserta alasan, pemutus dan waktunya, dan respons tetap tercantum dalam data (kolom dikecualikan).",
		count(t.Responses), count(t.Excluded), count(sum.N)))
	var rows [][]string
	for _, r := range t.reasons() {
		rows = append(rows, []string{r.Reason, count(r.Count)})
	}
	d.table([]float64{80, 20}, "LR", []string{"Alasan pengecualian", "Jumlah"}, rows)
}

func (ex *Export) results(d *doc, rep *Report) error {
	sum := rep.Summary
	q := sum.Questionnaire
	d.chapter("III. HASIL SURVEI")
	d.section("3.1 Responden per jenis layanan")
	var rows [][]string
	for _, g := range sum.Services {
		row := []string{g.Name, count(g.N)}
		for _, e := range g.Sections {
			row = append(row, index(e))
		}
		rows = append(rows, row)
	}
	header := []string{"Jenis layanan", "Responden"}
	widths := []float64{50, 16}
	align := "LR"
	for _, sec := range sum.Sections {
		header, widths, align = append(header, sec.Index), append(widths, 14), align+"C"
	}
	d.table(widths, align, header, rows)
	if sum.HiddenServices > 0 {
		d.para(fmt.Sprintf("%d jenis layanan dengan responden kurang dari %d tidak dirinci agar responden tidak dapat dikenali.", sum.HiddenServices, sum.MinGroup))
	}
	d.section("3.2 Profil responden")
	for _, p := range sum.Profile {
		var rows [][]string
		total := p.Unanswered
		for _, o := range p.Options {
			total += o.Count
		}
		for _, o := range p.Options {
			rows = append(rows, []string{o.Label, count(o.Count), shareOf(o.Count, total)})
		}
		rows = append(rows, []string{"Tidak diisi", count(p.Unanswered), shareOf(p.Unanswered, total)})
		d.table([]float64{50, 25, 25}, "LRR", []string{p.Label, "Jumlah", "Persentase"}, rows)
	}
	d.section("3.3 Indeks per butir")
	for _, sec := range sum.Sections {
		var rows [][]string
		for _, it := range sec.Items {
			rows = append(rows, []string{it.Code, it.Text, count(it.Est.N), rawMean(it.Est), index(it.Est), interval(it.Est), grade(it.Est, it.Predicate)})
		}
		d.table([]float64{10, 40, 9, 11, 10, 15, 15}, "LLRCCCL",
			[]string{"Kode", sec.Label, "n", fmt.Sprintf("NRR (1–%d)", q.Scale.Max), "Indeks (4)", "Selang 95%", "Predikat"}, rows)
	}
	// An IKM has no LKE rule: its column is left out of an SKM report.
	hasLKE := false
	for _, sec := range sum.Sections {
		hasLKE = hasLKE || sec.IKM == nil
	}
	header = []string{"Indeks", "n", fmt.Sprintf("Rerata (1–%d)", q.Scale.Max), "Nilai (skala 4)", "Selang 95%", "Predikat"}
	widths = []float64{34, 9, 13, 12, 16, 14}
	if hasLKE {
		d.section("3.4 Indeks, nilai konversi, nilai LKE dan ambang predikat")
		header = slices.Insert(header, 5, "Nilai LKE")
		widths = slices.Insert(widths, 5, 10)
	} else {
		d.section("3.4 Indeks dan nilai konversi")
	}
	rows = nil
	for _, sec := range sum.Sections {
		row := []string{sec.Label, count(sec.Est.N), rawMean(sec.Est), index(sec.Est), interval(sec.Est), grade(sec.Est, sec.Predicate)}
		if hasLKE {
			lke := "–"
			switch {
			case sec.IKM != nil:
				lke = "tidak berlaku"
			case sec.Est.Defined:
				lke = lkeScore(sec)
			}
			row = slices.Insert(row, 5, lke)
		}
		rows = append(rows, row)
	}
	d.table(widths, "LRCCC"+strings.Repeat("C", len(header)-6)+"L", header, rows)
	rows = nil
	for _, sec := range sum.Sections {
		for _, v := range sec.Verdicts {
			rows = append(rows, []string{sec.Index, v.Predicate, "≥ " + score(v.Min), interval(sec.Est), verdict(v)})
		}
	}
	if len(rows) > 0 {
		d.table([]float64{12, 12, 14, 22, 50}, "CCCCL", []string{"Indeks", "Predikat", "Ambang", "Selang 95%", "Keputusan"}, rows)
		d.para("\"Memenuhi\": seluruh selang di atas ambang. \"Belum memenuhi\": seluruh selang di bawah ambang. \"Belum pasti\": ambang berada di dalam selang, responden kurang dari minimum, atau sampel tanpa varians; alasannya tertulis di kolom Keputusan.")
	}
	for _, sec := range sum.Sections {
		if sec.IKM == nil {
			continue
		}
		d.table([]float64{30, 20, 30, 20}, "LCCL", []string{"IKM (skala 25–100)", "Nilai", "Selang 95%", "Mutu pelayanan"},
			[][]string{{sec.Label, survey.FormatRat(sec.IKM.Exact, scoreDecimals), ikmInterval(sec), grade(sec.Est, sec.IKM.Predicate)}})
		d.para("Mutu pelayanan mengikuti tabel A–D PermenPANRB 14/2017 (Bab II).")
	}
	if err := ex.charts(d, rep); err != nil {
		return err
	}
	ex.distributions(d, sum)
	d.section("3.6 Validitas dan reliabilitas")
	for _, sec := range sum.Sections {
		var rows [][]string
		for _, it := range sec.Items {
			v := it.Validity
			verdict := undefined(v.Reason)
			if v.Defined {
				verdict = "Tidak valid"
				if v.Valid {
					verdict = "Valid"
				}
			}
			r, crit := "–", "–"
			if v.Defined {
				r = survey.FormatDecimal(v.R, 3)
			}
			if v.Critical > 0 {
				crit = survey.FormatDecimal(v.Critical, 3)
			}
			rows = append(rows, []string{it.Code, r, crit, verdict})
		}
		d.table([]float64{15, 20, 20, 45}, "LCCL", []string{sec.Index + ": butir", "r hitung", "r kritis", "Keterangan"}, rows)
		a := sec.Alpha
		if a.Defined {
			d.para(fmt.Sprintf("Reliabilitas %s: Cronbach's α = %s (n = %s); batas umum 0,6 atau 0,7.", sec.Index, survey.FormatDecimal(a.Alpha, 3), count(a.N)))
		} else {
			d.para(fmt.Sprintf("Reliabilitas %s: %s.", sec.Index, undefined(a.Reason)))
		}
	}
	d.section("3.7 Pertanyaan kontrol: responden yang diarahkan")
	if c := sum.Control; c != nil {
		iv, sh := undefined("tidak ada jawaban"), undefined("tidak ada jawaban")
		if c.Yes+c.No > 0 {
			sh = shareOf(c.Yes, c.Yes+c.No)
		}
		if c.HasInterval {
			iv = survey.FormatPercentInterval(c.Lo, c.Hi, shareDecimals)
		}
		d.table([]float64{30, 15, 15, 20, 20}, "LRRRC", []string{"Jawaban", "Ya", "Tidak", "Porsi \"Ya\"", "Selang 95% (Wilson)"},
			[][]string{{"Diarahkan petugas", count(c.Yes), count(c.No), sh, iv}})
	} else {
		d.para("Kuesioner ini tidak memuat pertanyaan kontrol.")
	}
	ex.suggestions(d, sum)
	ex.followUps(d, rep, q)
	return nil
}

// chartDPI is the resolution of the charts placed in the PDF.
const chartDPI = 150

// charts places the dashboard's charts: each index's daily trend and its
// per-item means.
func (ex *Export) charts(d *doc, rep *Report) error {
	d.section("Grafik tren harian dan nilai per butir")
	for _, sec := range rep.Summary.Sections {
		if rep.Daily != nil {
			png, err := chart.Trend(rep.Daily, sec.Index, chart.PNG(chartDPI))
			if err != nil {
				return err
			}
			if err := d.chart("tren-"+sec.Index, png); err != nil {
				return err
			}
		}
		png, err := chart.Items(&sec, rep.Summary.Thresholds, chart.PNG(chartDPI))
		if err != nil {
			return err
		}
		if err := d.chart("butir-"+sec.Index, png); err != nil {
			return err
		}
	}
	if rep.Daily == nil {
		d.para(fmt.Sprintf("Grafik tren harian tidak dibuat karena periode lebih dari %d hari; lihat lembar %s pada %s untuk periode yang lebih pendek.", survey.MaxSeriesDays, SheetDaily, FileWorkbook))
	}
	return nil
}

func (ex *Export) distributions(d *doc, sum *survey.Summary) {
	q := sum.Questionnaire
	d.section("3.5 Sebaran jawaban per butir")
	header := []string{"Butir"}
	widths := []float64{12}
	align := "L"
	for v := q.Scale.Min; v <= q.Scale.Max; v++ {
		header, widths, align = append(header, strconv.Itoa(v)), append(widths, 10), align+"R"
	}
	var rows [][]string
	for _, sec := range sum.Sections {
		for _, it := range sec.Items {
			var total int64
			for _, n := range it.Distribution {
				total += n
			}
			row := []string{it.Code}
			for _, n := range it.Distribution {
				row = append(row, fmt.Sprintf("%s (%s)", count(n), shareOf(n, total)))
			}
			rows = append(rows, row)
		}
	}
	d.table(widths, align, header, rows)
	labels := make([]string, len(q.Scale.Labels))
	for i, l := range q.Scale.Labels {
		labels[i] = fmt.Sprintf("%d = %s", q.Scale.Min+i, l)
	}
	d.para("Keterangan skor: " + strings.Join(labels, "; ") + ".")
}

func (ex *Export) suggestions(d *doc, sum *survey.Summary) {
	d.section("3.8 Saran responden")
	if len(sum.Suggestions) == 0 {
		d.para("Tidak ada saran tertulis pada periode ini.")
		return
	}
	var rows [][]string
	for i, s := range sum.Suggestions {
		if i == reportSuggestions {
			break
		}
		rows = append(rows, []string{longDate(s.LocalDay), s.Service, s.Text})
	}
	d.table([]float64{18, 22, 60}, "LLL", []string{"Tanggal", "Layanan", "Saran"}, rows)
	if n := len(sum.Suggestions) - reportSuggestions; n > 0 {
		d.para(fmt.Sprintf("%s saran lainnya tercantum pada kolom saran di %s dan %s.", count(int64(n)), FileWorkbook, FileCSV))
	}
}

func (ex *Export) followUps(d *doc, rep *Report, q *survey.Questionnaire) {
	d.section("3.9 Rencana tindak lanjut")
	if len(rep.FollowUps) == 0 {
		d.para("Unit belum mencatat rencana tindak lanjut untuk periode ini.")
		return
	}
	text := map[string]string{}
	for _, it := range q.Items() {
		text[it.Code] = it.Text
	}
	var rows [][]string
	for _, f := range rep.FollowUps {
		rows = append(rows, []string{f.ItemCode + " " + text[f.ItemCode], f.Cause, f.Action, longDate(f.Deadline), f.Owner, f.StatusLabel()})
	}
	d.table([]float64{22, 20, 22, 12, 14, 10}, "LLLLLL", []string{"Butir", "Penyebab", "Tindakan", "Tenggat", "Penanggung jawab", "Status"}, rows)
}

func (ex *Export) dataChapter(d *doc) {
	ds := ex.Dataset
	d.chapter("IV. DATA DAN VERIFIKASI")
	d.section("4.1 Data responden (anonim)")
	if ex.Tally.Responses > reportRows {
		d.para(fmt.Sprintf("Data %s respons terlalu panjang untuk dicetak. Seluruh baris tercantum pada %s (lembar %s) dan %s, dengan arti setiap kolom pada %s.",
			count(ex.Tally.Responses), FileWorkbook, SheetData, FileCSV, FileCodebook))
		return
	}
	d.para(ex.anonymityText() + " Kolom Acuan memuat 8 karakter awal acuan publik respons (kolom ref pada " + FileCSV + "). Kolom skor mengikuti urutan butir pada Bab I.")
	var rows [][]string
	for _, r := range ex.rows {
		status := "dihitung"
		if r.excluded {
			status = "dikecualikan"
		}
		scores := strings.Join(r.cells[ds.itemCol:ds.itemCol+len(ds.Items)], " ")
		service := r.cells[colService]
		if id, err := strconv.ParseInt(service, 10, 64); err == nil {
			service = ds.ServiceName(id)
		}
		rows = append(rows, []string{r.cells[colID][:min(8, len(r.cells[colID]))], r.cells[colDay] + " " + r.cells[colHour], service, scores, r.control, status})
	}
	d.table([]float64{12, 18, 22, 30, 9, 13}, "LLLLCL", []string{"Acuan", "Waktu", "Layanan", "Skor butir", "Kontrol", "Status"}, rows)
}

func (ex *Export) verification(d *doc) error {
	d.section("4.2 Cara memeriksa keaslian laporan dan data")
	pub := ex.Opt.Key.Public()
	d.para(fmt.Sprintf("Laporan ini adalah bagian dari paket bukti yang memuat juga %s, %s, %s dan %s. Daftar sidik SHA-256 setiap berkas ada di manifest.json, yang ditandatangani (manifest.sig) dengan kunci Ed25519 instans Persepsi ini. "+
		"Unggah paket bukti atau %s di %s untuk memeriksa bahwa berkas utuh dan sama dengan data di server, atau periksa sendiri dengan sha256sum dan openssl (lihat halaman tersebut).",
		FileCSV, FileWorkbook, FileCodebook, FileManifest, FileCSV, ex.verifyURL()))
	var rows [][]string
	for _, name := range []string{FileCSV, FileWorkbook} {
		if f, ok := ex.File(name); ok {
			rows = append(rows, []string{"SHA-256 " + name, f.SHA256})
		}
	}
	rows = append(rows,
		[]string{"Posisi rantai hash", fmt.Sprintf("#%d %s", ex.Head.Seq, ex.Head.Hash)},
		[]string{"Respons periode dalam rantai", fmt.Sprintf("#%d s.d. #%d", ex.Tally.FirstSeq, ex.Tally.LastSeq)},
		[]string{"Sidik kunci publik", Fingerprint(pub)},
		[]string{"Kunci publik (PEM)", strings.TrimSpace(PublicKeyPEM(pub))},
	)
	d.table([]float64{28, 72}, "LL", []string{"Unsur", "Nilai"}, rows)
	d.para("Sidik laporan PDF ini sendiri tercantum di manifest.json; laporan tidak dapat memuat sidiknya sendiri.")
	png, err := qrcode.Encode(ex.verifyURL(), qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("evidence: verify QR: %w", err)
	}
	d.RegisterImageOptionsReader("qr-verify", imageOptionsPNG, bytes.NewReader(png))
	_, h := d.GetPageSize()
	if d.GetY()+45 > h-margin {
		d.AddPage()
	}
	y := d.GetY()
	d.ImageOptions("qr-verify", margin, y, 38, 38, false, imageOptionsPNG, 0, "")
	d.SetXY(margin+42, y+12)
	d.font("B", 10)
	d.MultiCell(d.width-42, 6, "Pindai untuk membuka halaman verifikasi:\n"+ex.verifyURL(), "", "L", false)
	if d.substituted > 0 {
		d.SetXY(margin, y+42)
		d.para(fmt.Sprintf("Catatan huruf: %s karakter yang tidak tersedia pada huruf laporan (misalnya emoji) dicetak sebagai %c. "+
			"Teks aslinya tersimpan utuh dan tercantum apa adanya di %s dan %s.", count(int64(d.substituted)), Missing, FileWorkbook, FileCSV))
	}
	return nil
}

// ikmInterval prints the IKM's 95% interval on 25–100, or why it has none.
func ikmInterval(sec survey.SectionSummary) string {
	if !sec.Est.HasInterval {
		return interval(sec.Est)
	}
	return survey.FormatInterval(sec.IKM.Lo, sec.IKM.Hi, scoreDecimals)
}

// hasIKM reports whether a questionnaire is scored as an SKM (its index is
// the IKM).
func hasIKM(q *survey.Questionnaire) bool {
	for _, sec := range q.Sections {
		if sec.Index == "IKM" {
			return true
		}
	}
	return false
}

// analysisText states the analysis as computed for this report: the
// conversion rule and, when some index has thresholds, the LKE rule and
// the thresholds in force in the snapshot.
func analysisText(sum *survey.Summary) string {
	var b strings.Builder
	b.WriteString("Nilai rata-rata (NRR) setiap butir adalah rerata skor butir atas responden yang menjawabnya. Indeks tiap bagian adalah rerata tak berbobot NRR butir-butirnya. ")
	b.WriteString(intervalText(sum.IntervalMethod) + " ")
	b.WriteString(conversionText(sum.Questionnaire))
	var th []string
	for _, sec := range sum.Sections {
		for _, t := range sum.Thresholds.For(sec.Index) {
			th = append(th, fmt.Sprintf("%s ≥ %s untuk %s", t.Index, score(t.Min), t.Predicate))
		}
	}
	if len(th) > 0 {
		b.WriteString(" Nilai LKE yang tersirat = min(indeks, 4) / 4 × 17,5. Ambang predikat yang berlaku saat laporan dibuat (belum dikonfirmasi resmi): " + strings.Join(th, "; ") +
			". Ambang dinyatakan terpenuhi hanya bila seluruh selang kepercayaan berada di atas ambang, dan keputusan \"memenuhi\" atau \"belum memenuhi\" hanya diberikan bila responden sedikitnya " +
			count(int64(sum.MinRespondents)) + " dan skornya bervariasi; selain itu \"belum pasti\".")
	}
	fmt.Fprintf(&b, " Layanan atau loket dengan responden kurang dari %d tidak dirinci.", sum.MinGroup)
	b.WriteString(" Validitas butir diuji dengan korelasi butir dengan total butir lain (r kritis pada α = 0,05, df = n − 2); reliabilitas dengan Cronbach's α.")
	return b.String()
}

// countsText says what the statistics count and what they leave out.
func (ex *Export) countsText(sum *survey.Summary) string {
	t := ex.Tally
	out := fmt.Sprintf("Responden: %s respons dihitung dari %s respons tersimpan (%s dikecualikan", count(sum.N), count(t.Responses), count(t.Excluded))
	if lo := leftOut(sum); len(lo) > 0 {
		out += "; tidak dihitung karena pada versi kuesioner lain: " + strings.Join(lo, "; ")
	}
	return out + ")."
}

// leftOut lists the responses on other questionnaire versions.
func leftOut(sum *survey.Summary) []string {
	var out []string
	for _, b := range sum.VersionBreaks {
		if b.N > 0 {
			out = append(out, fmt.Sprintf("%s respons pada %s (%s s.d. %s)", count(b.N), b.Ref, longDate(b.From), longDate(b.To)))
		}
	}
	return out
}

// intervalText names the interval method of the numbers, with its version,
// as conversionText names the conversion rule.
func intervalText(method string) string {
	switch stats.IntervalMethod(method) {
	case stats.WilsonEffective:
		return fmt.Sprintf("Selang kepercayaan 95%% dihitung dengan metode %s: selang skor Wilson atas rerata skor per responden yang diskalakan ke 0–1, "+
			"dengan ukuran sampel efektif Kish dan kuantil t-Student (Korn & Graubard 1998; Dean & Pagano 2015), dipilih dengan simulasi; batasnya selalu di dalam skala. "+
			"Koreksi populasi hingga diterapkan pada indeks unit bila N diketahui.", method)
	case stats.StudentT:
		return fmt.Sprintf("Selang kepercayaan 95%% dihitung dengan metode %s: distribusi t-Student atas skor rata-rata per responden, dengan koreksi populasi hingga bila N diketahui.", method)
	}
	return fmt.Sprintf("Selang kepercayaan 95%% dihitung dengan metode %s.", method)
}

// lkeScore prints a section's implied LKE score, exactly when the index is
// an exact ratio.
func lkeScore(sec survey.SectionSummary) string {
	if sec.LKEExact != nil {
		return survey.FormatRat(sec.LKEExact, scoreDecimals)
	}
	return score(sec.LKEScore)
}
