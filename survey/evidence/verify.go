package evidence

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"persepsi/survey"
)

// Result is the verdict of a check. Problem and Notes, in Bahasa Indonesia,
// are safe to show to anyone: they speak of the uploaded file, of the unit
// and period its signed manifest or the register names, and never of
// anything else the server holds. Detail is for the operator (the CLI):
// where the server's chain breaks, who issued the file.
type Result struct {
	// Kind is "bundle", "csv" or "file" (an issued file alone, e.g. the PDF).
	Kind string
	// Format is the signed manifest's format, for a bundle.
	Format string
	// Manifest is the signed manifest of a bundle whose signature holds.
	Manifest *Manifest
	// Issued is the register's entry when the upload is, or holds, a file
	// this server issued; IssuedFile names which.
	Issued     *survey.IssuedBundle
	IssuedFile string
	// Zone is the time zone (IANA) of the unit the upload names, as the
	// server holds it, for printing times; "" when the server does not
	// know the unit, which survey.FormatTime prints as WIB, named.
	Zone string
	// Rows is how many data rows were matched with the server: the
	// bundle's or CSV's; 0 for a file without rows (the PDF, the XLSX
	// recognised by its fingerprint alone).
	Rows int64
	// Lines are the uploaded CSV's data rows (1 = first after the header)
	// that match no row of the server.
	Lines   []int64
	Problem string
	// Notes are further facts about a genuine upload: the chain walk, the
	// witness check.
	Notes  []string
	Detail string
	// Chain is the walk of the unit's chain the check made (nil when none
	// ran). Its Problem names the broken entry and bucket: for the
	// operator's CLI, not for the public page, whose Problem names the
	// entry only.
	Chain *ChainReport
}

// OK reports whether the upload is genuine and matches the server.
func (r *Result) OK() bool { return r.Problem == "" }

// maxEntries bounds the files a bundle may hold.
const maxEntries = 32

// errNotRecognised is the one answer for an upload that is neither a
// signed bundle, nor an exported CSV, nor a file this server issued.
const errNotRecognised = "Berkas tidak dikenali: bukan paket bukti bertanda tangan, bukan CSV ekspor, dan tidak tercatat sebagai berkas yang pernah diterbitkan server ini."

// Checker runs the checks of `persepsi verify` and of the public /verify:
// one function for both. It is safe for concurrent use.
type Checker struct {
	store Store
	pub   ed25519.PublicKey
	cache *inflight
}

// NewChecker returns a checker of uploads against store under the
// instance's public key.
func NewChecker(store Store, pub ed25519.PublicKey) *Checker {
	return &Checker{store: store, pub: pub, cache: newInflight()}
}

// claim is what an upload asserts the server issued: from a signed
// manifest, or from the register.
type claim struct {
	unit                          int64
	period                        survey.Period
	firstSeq, lastSeq, headSeq    int64
	firstHash, lastHash, headHash string
	rows                          int64 // the responses the file holds
	checkpoint                    *BundleCheckpoint
}

// Verify checks an uploaded bundle (.zip), exported CSV, or any file of an
// issued bundle (the PDF alone, say) against the server, and, when w is
// not nil, against a witness's record of the instance. The error is for
// failures of the server only; a bad upload gives a Result with a Problem.
func (ck *Checker) Verify(ctx context.Context, ra io.ReaderAt, size int64, w *WitnessRecord) (*Result, error) {
	sum, err := sha256Of(io.NewSectionReader(ra, 0, size))
	if err != nil {
		return nil, err
	}
	res := &Result{}
	file, issued, err := ck.store.IssuedFileBySHA256(ctx, sum)
	switch {
	case errors.Is(err, survey.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		res.Issued, res.IssuedFile = issued, file.Name
		if res.Zone, err = ck.unitZone(ctx, issued.UnitID); err != nil {
			return nil, err
		}
		res.Detail = fmt.Sprintf("diterbitkan %s oleh %s", survey.FormatTime(issued.IssuedAt, res.Zone), issued.IssuedBy)
	}
	var magic [4]byte
	n, _ := ra.ReadAt(magic[:], 0)
	var c *claim
	switch {
	case issued != nil && file.Name != FileBundle:
		res.Kind = "file"
		c = issuedClaim(issued)
		if file.Name == FileCSV || file.Name == FileCSVExcel {
			res.Kind = "csv"
		}
	case n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04")):
		res.Kind = "bundle"
		if c = ck.openBundle(ra, size, res); c == nil {
			return res, nil
		}
		if res.Format == ManifestFormatV1 {
			res.Problem, err = v1Verdict(ctx, ck.store, res.Manifest)
			return res, err
		}
	case n >= 4 && string(magic[:]) == "%PDF":
		res.Kind, res.Problem = "file", errNotRecognised
		return res, nil
	default:
		res.Kind = "csv"
		return res, ck.matchRows(ctx, io.NewSectionReader(ra, 0, size), res)
	}
	return res, ck.checkServer(ctx, c, w, res)
}

// openBundle checks a bundle's signature and files and returns what its
// manifest claims, or nil with res.Problem set.
func (ck *Checker) openBundle(ra io.ReaderAt, size int64, res *Result) *claim {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		res.Problem = "Berkas bukan arsip zip yang utuh."
		return nil
	}
	if len(zr.File) > maxEntries {
		res.Problem = fmt.Sprintf("Arsip berisi lebih dari %d berkas.", maxEntries)
		return nil
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		if entries[f.Name] != nil {
			res.Problem = fmt.Sprintf("Berkas %q muncul dua kali dalam arsip.", f.Name)
			return nil
		}
		entries[f.Name] = f
	}
	raw, p := readEntry(entries[FileManifest], maxManifest)
	var sig []byte
	if p == "" {
		sig, p = readEntry(entries[FileSignature], ed25519.SignatureSize)
	}
	if p != "" {
		res.Problem = p
		return nil
	}
	m, err := ParseManifest(raw, sig, ck.pub)
	if err != nil {
		res.Problem = err.Error()
		return nil
	}
	res.Manifest, res.Format = m, m.Format
	listed := map[string]bool{FileManifest: true, FileSignature: true}
	for _, fd := range m.Files {
		listed[fd.Name] = true
		if p := checkEntry(entries[fd.Name], fd); p != "" {
			res.Problem = p
			return nil
		}
	}
	for _, f := range zr.File {
		if !listed[f.Name] {
			res.Problem = fmt.Sprintf("Berkas %q tidak tercantum dalam manifest.", f.Name)
			return nil
		}
	}
	c := &claim{unit: m.Unit.ID, period: survey.Period{From: m.Period.From, To: m.Period.To},
		firstSeq: m.Chain.FirstSeq, firstHash: m.Chain.FirstHash, lastSeq: m.Chain.LastSeq, lastHash: m.Chain.LastHash,
		headSeq: m.Chain.HeadSeq, headHash: m.Chain.HeadHash, rows: m.Counts.Responses}
	if f := entries[FileCheckpoint]; f != nil {
		b, _ := readEntry(f, maxManifest)
		var bc BundleCheckpoint
		if json.Unmarshal(b, &bc) == nil && bc.Checkpoint != nil {
			c.checkpoint = &bc
		}
	}
	return c
}

// unitZone is the time zone of a unit the register names, or "" when the
// server no longer holds the unit.
func (ck *Checker) unitZone(ctx context.Context, unit int64) (string, error) {
	u, err := ck.store.Unit(ctx, unit)
	if errors.Is(err, survey.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.TimeZone, nil
}

func issuedClaim(b *survey.IssuedBundle) *claim {
	return &claim{unit: b.UnitID, period: survey.Period{From: b.PeriodFrom, To: b.PeriodTo}, headSeq: b.HeadSeq, headHash: b.HeadHash, rows: b.Responses}
}

// checkServer confirms that the server still holds what c claims: the
// chain positions, an intact chain, the same rendered CSV, and, with a
// witness record, the history the witness saw. rows is the uploaded CSV
// when there is one, for naming the row that differs.
func (ck *Checker) checkServer(ctx context.Context, c *claim, w *WitnessRecord, res *Result) error {
	u, err := ck.store.Unit(ctx, c.unit)
	if errors.Is(err, survey.ErrNotFound) {
		res.Problem = "Unit yang disebut paket ini tidak lagi ada di server: data server telah diubah."
		return nil
	}
	if err != nil {
		return err
	}
	res.Zone = u.TimeZone
	if c.period.Validate() != nil {
		res.Problem = "Periode dalam manifest tidak sah."
		return nil
	}
	for _, pos := range []struct {
		seq  int64
		hash string
	}{{c.headSeq, c.headHash}, {c.firstSeq, c.firstHash}, {c.lastSeq, c.lastHash}} {
		if pos.seq == 0 {
			continue
		}
		e, err := ck.store.ChainEntryAt(ctx, c.unit, pos.seq)
		if errors.Is(err, survey.ErrNotFound) || (err == nil && e.Hash != pos.hash) {
			res.Problem = fmt.Sprintf("Entri rantai nomor %d di server tidak lagi sama dengan yang tercatat saat paket dibuat: riwayat data telah diubah.", pos.seq)
			return nil
		}
		if err != nil {
			return err
		}
	}
	rep, err := ck.cache.chain(ctx, ck.store, c.unit)
	if err != nil {
		return err
	}
	res.Chain = &rep
	if !rep.OK() {
		res.Problem = fmt.Sprintf("Rantai hash unit ini di server rusak pada entri #%d: data di server telah diubah, sehingga paket ini tidak dapat dinyatakan sah.", rep.BrokenSeq)
		return nil
	}
	// The positions above tie the issued file to the chain, and the walk
	// has recomputed every entry up to the head from the stored responses
	// and exclusions: the data the file was rendered from is the data the
	// server holds, without rendering it again (which cost three times the
	// walk on a year of a busy unit).
	if res.Kind != "file" {
		res.Rows = c.rows
	}
	res.Notes = append(res.Notes, fmt.Sprintf("Rantai hash unit utuh (%d entri diperiksa).", rep.Entries))
	if w != nil {
		return ck.checkWitness(ctx, c, w, res)
	}
	return nil
}

// checkWitness compares the server's chain with a witness's record of this
// instance: the unit's latest witnessed head must still be in the chain, and
// the bundle's checkpoint must be the one the witness saw at its seq. Only
// checkpoints signed by the instance count, so a fabricated record cannot
// ask the server anything its own feed does not publish.
func (ck *Checker) checkWitness(ctx context.Context, c *claim, w *WitnessRecord, res *Result) error {
	if w.Instance.PublicKey != instance("", ck.pub).PublicKey {
		res.Problem = "Catatan saksi yang diberikan adalah untuk instans lain (kunci publiknya berbeda)."
		return nil
	}
	for _, a := range w.Alarms {
		if a.Unit == c.unit || a.Kind == AlarmKey {
			res.Problem = fmt.Sprintf("Saksi mencatat peringatan untuk unit ini: %s.", a.Detail)
			return nil
		}
	}
	wu := w.Units[c.unit]
	if wu == nil || len(wu.Checkpoints) == 0 {
		res.Problem = "Catatan saksi tidak memuat titik periksa unit ini, jadi riwayatnya belum dapat dibandingkan."
		return nil
	}
	latest := wu.Latest()
	if !latest.Verify(ck.pub) {
		res.Problem = "Titik periksa terakhir dalam catatan saksi tidak ditandatangani instans ini."
		return nil
	}
	if wu.Chain == "" && wu.V1 == nil {
		// A record from before chain v2 holds v1 heads: the upgraded chain
		// must commit the latest one exactly in its v1-head entry (§6.6).
		v1, err := ck.store.V1Head(ctx, c.unit)
		if err != nil && !errors.Is(err, survey.ErrNotFound) {
			return err
		}
		if err == nil && v1.Count == latest.Seq && v1.Root == latest.Hash {
			res.Notes = append(res.Notes, fmt.Sprintf("Sesuai catatan saksi: kepala v1 #%d yang dicatat saksi (%s) adalah kepala v1 yang dicatat server pada entri #%d (rantai ditingkatkan ke format v2).", latest.Seq, latest.Time.UTC().Format("2006-01-02 15:04 UTC"), v1.Seq))
			return nil
		}
	}
	e, err := ck.store.ChainEntryAt(ctx, c.unit, latest.Seq)
	switch {
	case errors.Is(err, survey.ErrNotFound):
		res.Problem = fmt.Sprintf("Rantai server lebih pendek dari yang dicatat saksi (#%d, %s): entri terakhirnya telah dihapus.", latest.Seq, survey.FormatTime(latest.Time, res.Zone))
		return nil
	case err != nil:
		return err
	case e.Hash != latest.Hash:
		res.Problem = fmt.Sprintf("Riwayat server telah ditulis ulang sejak saksi mencatat #%d (%s): hash di server berbeda.", latest.Seq, survey.FormatTime(latest.Time, res.Zone))
		return nil
	}
	if bc := c.checkpoint; bc != nil {
		if old, ok := wu.At(bc.Checkpoint.Seq); ok && old.Hash != bc.Checkpoint.Hash {
			res.Problem = fmt.Sprintf("Titik periksa dalam paket (#%d) berbeda dari yang dicatat saksi pada nomor yang sama.", bc.Checkpoint.Seq)
			return nil
		}
	}
	res.Notes = append(res.Notes, fmt.Sprintf("Sesuai catatan saksi: rantai server memuat titik periksa #%d yang dicatat saksi (%s).", latest.Seq, survey.FormatTime(latest.Time, res.Zone)))
	return nil
}

// readEntry reads a whole small entry, refusing one larger than limit.
func readEntry(f *zip.File, limit int64) ([]byte, string) {
	if f == nil {
		return nil, "Arsip tidak memuat manifest.json dan manifest.sig; ini bukan paket bukti Persepsi."
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Sprintf("Berkas %s terlalu besar.", f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Sprintf("Berkas %s rusak.", f.Name)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil || int64(len(b)) > limit {
		return nil, fmt.Sprintf("Berkas %s rusak.", f.Name)
	}
	return b, ""
}

// checkEntry compares one entry with its manifest line. Reading stops one
// byte past the listed size, so a lying zip header cannot make it read more.
func checkEntry(f *zip.File, fd FileDigest) string {
	if f == nil {
		return fmt.Sprintf("Berkas %s tercantum dalam manifest tetapi tidak ada dalam arsip.", fd.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Sprintf("Berkas %s rusak.", fd.Name)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, fd.Size+1))
	switch {
	case err != nil:
		return fmt.Sprintf("Berkas %s rusak (isi arsip tidak dapat dibaca).", fd.Name)
	case n != fd.Size || hex.EncodeToString(h.Sum(nil)) != fd.SHA256:
		return fmt.Sprintf("Berkas %s telah diubah: ukuran atau SHA-256-nya tidak sama dengan manifest.", fd.Name)
	}
	return ""
}

func sha256Of(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("evidence: unable to read the upload: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// The columns a CSV check reads before comparing: the chain position, the
// period and the k the rows were rendered with.
const (
	asOfColumn   = "rantai_acuan"
	periodColumn = "periode"
	kColumn      = "k_anonim"
)

// maxListedLines bounds the row numbers a verdict lists.
const maxListedLines = 20

// matchRows checks a CSV that is not a file the server issued: each of its
// rows must equal, cell for cell and with the same header, a row the
// server renders for the unit, days and chain position the CSV names. The
// answer names only the uploader's own rows that match nothing; it never
// says whether the unit exists, how many rows the server has, or which
// cell differs, so fabricated rows learn nothing about the server's data
// (an exported row carries its chain hash, which cannot be guessed).
func (ck *Checker) matchRows(ctx context.Context, r *io.SectionReader, res *Result) error {
	unit, period, asOf, k, header, p := scanCSV(r)
	if p != "" {
		res.Problem = p
		return nil
	}
	want := map[[32]byte][]int64{}
	cr := newCSVReader(io.NewSectionReader(r, 0, r.Size()))
	if _, err := cr.Read(); err != nil {
		return nil
	}
	var total int64
	for {
		row, err := cr.Read()
		if err != nil {
			break
		}
		total++
		key := rowKey(header, row)
		want[key] = append(want[key], total)
	}
	u, err := ck.store.Unit(ctx, unit)
	if err != nil && !errors.Is(err, survey.ErrNotFound) {
		return err
	}
	if err == nil {
		if err := ck.renderMatch(ctx, u, period, asOf, k, want, res); err != nil {
			return err
		}
	}
	for _, lines := range want {
		res.Lines = append(res.Lines, lines...)
	}
	slices.Sort(res.Lines)
	switch {
	case len(res.Lines) > 0:
		res.Problem = fmt.Sprintf("%d dari %d baris data berkas ini tidak cocok dengan data server (baris ke-%s).", len(res.Lines), total, listLines(res.Lines))
	default:
		res.Problem = fmt.Sprintf("Semua %d baris data cocok dengan server, tetapi berkas ini bukan salinan utuh berkas yang diterbitkan server: baris dapat telah dihapus, diurutkan ulang atau berkas diubah. Periksa paket bukti lengkapnya (.zip).", total)
	}
	return nil
}

// renderMatch renders the server's rows as of asOf by one plan and takes
// every row of want it prints.
func (ck *Checker) renderMatch(ctx context.Context, u *survey.Unit, period survey.Period, asOf int64, k int, want map[[32]byte][]int64, res *Result) error {
	d, err := newDataset(ctx, ck.store, u, period, asOf, k, nil)
	if err != nil {
		return err
	}
	header := d.Header()
	return d.Each(ctx, ck.store, func(_ *survey.Record, row []string) error {
		key := rowKey(header, row)
		if lines := want[key]; len(lines) > 0 {
			res.Rows++
			want[key] = lines[1:]
		}
		return nil
	})
}

// rowKey is the SHA-256 of a header and a row, cell by cell.
func rowKey(header, row []string) [32]byte {
	h := sha256.New()
	for _, part := range [][]string{header, row} {
		for _, cell := range part {
			h.Write([]byte(strconv.Itoa(len(cell))))
			h.Write([]byte{':'})
			h.Write([]byte(cell))
		}
		h.Write([]byte{'\n'})
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func listLines(lines []int64) string {
	var b strings.Builder
	for i, l := range lines {
		if i == maxListedLines {
			fmt.Fprintf(&b, ", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(l, 10))
	}
	return b.String()
}

// scanCSV finds the unit, the period, the chain position and the k of an
// exported CSV, which every row must agree on, and returns its header.
func scanCSV(r io.Reader) (unit int64, period survey.Period, asOf int64, k int, header []string, problem string) {
	cr := newCSVReader(r)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return 0, period, 0, 0, nil, "Berkas bukan CSV ekspor Persepsi (baris judul tidak terbaca)."
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	if _, v1 := col["rantai_seq"]; v1 && header[0] == "id" {
		return 0, period, 0, 0, nil, v1CSVProblem
	}
	for _, name := range []string{"unit", periodColumn, kColumn, asOfColumn} {
		if _, ok := col[name]; !ok {
			return 0, period, 0, 0, nil, fmt.Sprintf("Berkas bukan CSV ekspor Persepsi (format saat ini): kolom %q tidak ada.", name)
		}
	}
	var first []string
	for n := 1; ; n++ {
		row, err := cr.Read()
		if err == io.EOF {
			if n == 1 {
				return 0, period, 0, 0, nil, "Berkas tidak memuat baris data."
			}
			break
		}
		if err != nil || len(row) != len(header) {
			return 0, period, 0, 0, nil, fmt.Sprintf("Baris data ke-%d tidak terbaca atau jumlah kolomnya salah.", n)
		}
		if n == 1 {
			first = append([]string(nil), row...)
		}
		for _, name := range []string{"unit", periodColumn, kColumn, asOfColumn} {
			if row[col[name]] != first[col[name]] {
				return 0, period, 0, 0, nil, fmt.Sprintf("Baris data ke-%d: kolom %s berbeda dari baris pertama.", n, name)
			}
		}
	}
	from, to, _ := strings.Cut(first[col[periodColumn]], "/")
	period = survey.Period{From: from, To: to}
	unit, err1 := strconv.ParseInt(first[col["unit"]], 10, 64)
	asOf, err2 := strconv.ParseInt(first[col[asOfColumn]], 10, 64)
	k, err3 := strconv.Atoi(first[col[kColumn]])
	if err1 != nil || err2 != nil || err3 != nil || asOf < 1 || k < 1 || period.Validate() != nil {
		return 0, period, 0, 0, nil, "Baris data ke-1: kolom unit, periode, k_anonim atau rantai_acuan tidak sah."
	}
	return unit, period, asOf, k, header, ""
}

// newCSVReader reads either dialect of the exported CSV: a UTF-8 BOM is
// skipped, and a header line holding ";" but no "," is semicolon-separated
// (column names hold neither).
func newCSVReader(r io.Reader) *csv.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM))
	}
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	cr := csv.NewReader(br)
	if bytes.IndexByte(head, ';') >= 0 && bytes.IndexByte(head, ',') < 0 {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// v1CSVProblem answers a CSV exported before chain v2 (columns id and
// rantai_seq).
const v1CSVProblem = "Berkas ini CSV ekspor berformat v1 (dibuat sebelum rantai hash v2). Barisnya tidak dapat lagi dicocokkan dengan server: " +
	"hash rantai v1 mencakup waktu pengiriman sampai detik dan ID respons berurutan, yang demi anonimitas responden tidak lagi disimpan. " +
	"Periksa paket bukti (.zip) aslinya: tanda tangan dan hash berkasnya tetap dapat diperiksa."

// v1Verdict answers a bundle of format v1 whose signature and files hold:
// it says so, why its rows cannot be matched any more, and whether its
// chain head is the v1 head the server recorded when it was upgraded.
func v1Verdict(ctx context.Context, store Store, m *Manifest) (string, error) {
	const why = "Paket bukti ini berformat v1 (dibuat sebelum rantai hash v2). Tanda tangan manifest dan SHA-256 setiap berkasnya SAH. " +
		"Baris datanya tidak dapat lagi dicocokkan dengan server: hash rantai v1 mencakup waktu pengiriman sampai detik dan ID respons berurutan, " +
		"yang demi anonimitas responden tidak lagi disimpan (waktu kini per jam, acuan respons acak)."
	head, err := store.V1Head(ctx, m.Unit.ID)
	switch {
	case errors.Is(err, survey.ErrNotFound):
		return why + " Server ini tidak mencatat rantai v1 untuk unit tersebut.", nil
	case err != nil:
		return "", err
	case m.Chain.HeadSeq == head.Count && m.Chain.HeadHash == head.Root:
		return why + fmt.Sprintf(" Kepala rantai paket (v1 #%d) sama dengan kepala v1 yang dicatat server pada entri #%d.", head.Count, head.Seq), nil
	case m.Chain.HeadSeq < head.Count:
		return why + fmt.Sprintf(" Paket dibuat pada posisi v1 #%d, sebelum kepala v1 terakhir (v1 #%d, dicatat pada entri #%d); posisi itu tidak dapat diperiksa lagi.", m.Chain.HeadSeq, head.Count, head.Seq), nil
	}
	return why + fmt.Sprintf(" Kepala rantai paket (v1 #%d) TIDAK sama dengan kepala v1 yang dicatat server (v1 #%d, entri #%d).", m.Chain.HeadSeq, head.Count, head.Seq), nil
}
