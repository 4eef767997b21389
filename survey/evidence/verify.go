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
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"persepsi/survey"
)

// Result is the verdict of Verify. Problem names, in Bahasa Indonesia, the
// first file, row or chain position that differs; it is safe to show to
// anyone: it never carries a value held by the server.
type Result struct {
	// Kind is "bundle" or "csv".
	Kind string
	// Manifest is the signed manifest of a bundle whose signature holds.
	Manifest *Manifest
	// Rows is how many data rows were compared with the server.
	Rows    int64
	Problem string
	// Chain is the walk of the unit's chain a bundle check made (nil when
	// none ran). Its Problem names the broken entry and bucket: for the
	// operator's CLI, not for the public page, whose Problem names the
	// entry only.
	Chain *ChainReport
}

// OK reports whether the upload is intact and matches the server.
func (r *Result) OK() bool { return r.Problem == "" }

// maxEntries bounds the files a bundle may hold.
const maxEntries = 32

// Verify checks an uploaded bundle (.zip) or CSV against the server. A
// bundle must carry a manifest signed by pub, every file must have the
// size and SHA-256 the manifest lists, the chain position it names must
// still hold on the server, and its CSV must equal the rows the server
// renders for the same unit, period and chain position. A CSV alone is
// compared with the rows the server renders for its unit, its range of days
// and the chain position in its rantai_acuan column. The error is for
// failures of the server only; a bad upload gives a Result with a Problem.
func Verify(ctx context.Context, store *survey.Store, pub ed25519.PublicKey, ra io.ReaderAt, size int64) (*Result, error) {
	var magic [4]byte
	if n, _ := ra.ReadAt(magic[:], 0); n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04")) {
		return verifyBundle(ctx, store, pub, ra, size)
	}
	return verifyCSV(ctx, store, io.NewSectionReader(ra, 0, size))
}

func verifyBundle(ctx context.Context, store *survey.Store, pub ed25519.PublicKey, ra io.ReaderAt, size int64) (*Result, error) {
	res := &Result{Kind: "bundle"}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		res.Problem = "Berkas bukan arsip zip yang utuh."
		return res, nil
	}
	if len(zr.File) > maxEntries {
		res.Problem = fmt.Sprintf("Arsip berisi lebih dari %d berkas.", maxEntries)
		return res, nil
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		if entries[f.Name] != nil {
			res.Problem = fmt.Sprintf("Berkas %q muncul dua kali dalam arsip.", f.Name)
			return res, nil
		}
		entries[f.Name] = f
	}
	raw, p := readEntry(entries[FileManifest], maxManifest)
	if p != "" {
		res.Problem = p
		return res, nil
	}
	sig, p := readEntry(entries[FileSignature], ed25519.SignatureSize)
	if p != "" {
		res.Problem = p
		return res, nil
	}
	m, err := ParseManifest(raw, sig, pub)
	if err != nil {
		res.Problem = err.Error()
		return res, nil
	}
	res.Manifest = m
	listed := map[string]bool{FileManifest: true, FileSignature: true}
	for _, fd := range m.Files {
		listed[fd.Name] = true
		if p := checkEntry(entries[fd.Name], fd); p != "" {
			res.Problem = p
			return res, nil
		}
	}
	for _, f := range zr.File {
		if !listed[f.Name] {
			res.Problem = fmt.Sprintf("Berkas %q tidak tercantum dalam manifest.", f.Name)
			return res, nil
		}
	}
	if m.Format == ManifestFormatV1 {
		res.Problem, err = v1Verdict(ctx, store, m)
		return res, err
	}
	if p, err := checkChainPosition(ctx, store, m); err != nil || p != "" {
		res.Problem = p
		return res, err
	}
	u, err := store.Unit(ctx, m.Unit.ID)
	if errors.Is(err, survey.ErrNotFound) {
		res.Problem = fmt.Sprintf("Unit %d tidak ada di server ini.", m.Unit.ID)
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	// The same walk as the export's and the CLI's: a bundle cannot be
	// genuine against data its chain no longer vouches for. The answer
	// names the entry only, never the server's data.
	rep, err := VerifyChain(ctx, store, u.ID)
	if err != nil {
		return nil, err
	}
	res.Chain = &rep
	if !rep.OK() {
		res.Problem = fmt.Sprintf("Rantai hash unit ini di server rusak pada entri #%d: data di server telah diubah, sehingga paket ini tidak dapat dinyatakan sah.", rep.BrokenSeq)
		return res, nil
	}
	period := survey.Period{From: m.Period.From, To: m.Period.To}
	if period.Validate() != nil {
		res.Problem = "Periode dalam manifest tidak sah."
		return res, nil
	}
	d, err := newDataset(ctx, store, u, period, m.Chain.HeadSeq, m.Anonymity.K, nil)
	if err != nil {
		return nil, err
	}
	f, ok := entries[FileCSV]
	if !ok {
		res.Problem = fmt.Sprintf("Berkas %s tidak ada dalam arsip.", FileCSV)
		return res, nil
	}
	rc, err := f.Open()
	if err != nil {
		res.Problem = fmt.Sprintf("Berkas %s rusak.", FileCSV)
		return res, nil
	}
	defer rc.Close()
	res.Rows, res.Problem, err = compareRows(ctx, store, d, rc)
	return res, err
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

// checkChainPosition confirms that the server's chain still holds the
// entries the manifest names.
func checkChainPosition(ctx context.Context, store *survey.Store, m *Manifest) (string, error) {
	for _, pos := range []struct {
		seq  int64
		hash string
	}{{m.Chain.HeadSeq, m.Chain.HeadHash}, {m.Chain.FirstSeq, m.Chain.FirstHash}, {m.Chain.LastSeq, m.Chain.LastHash}} {
		if pos.seq == 0 {
			continue
		}
		e, err := store.ChainEntryAt(ctx, m.Unit.ID, pos.seq)
		if errors.Is(err, survey.ErrNotFound) {
			return fmt.Sprintf("Entri rantai nomor %d tidak ada lagi di server.", pos.seq), nil
		}
		if err != nil {
			return "", err
		}
		if e.Hash != pos.hash {
			return fmt.Sprintf("Entri rantai nomor %d di server berbeda dari yang tercatat dalam manifest.", pos.seq), nil
		}
	}
	return "", nil
}

// The columns a CSV check reads before comparing.
const (
	hashColumn   = "rantai_hash"
	asOfColumn   = "rantai_acuan"
	periodColumn = "periode"
	kColumn      = "k_anonim"
)

// verifyCSV reads the CSV twice: once for its unit, days and chain
// position, once to compare it row by row with the server.
func verifyCSV(ctx context.Context, store *survey.Store, r *io.SectionReader) (*Result, error) {
	res := &Result{Kind: "csv"}
	unit, period, asOf, k, p := scanCSV(r)
	if p != "" {
		res.Problem = p
		return res, nil
	}
	u, err := store.Unit(ctx, unit)
	if errors.Is(err, survey.ErrNotFound) {
		res.Problem = fmt.Sprintf("Unit %d tidak ada di server ini.", unit)
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	d, err := newDataset(ctx, store, u, period, asOf, k, nil)
	if err != nil {
		return nil, err
	}
	res.Rows, res.Problem, err = compareRows(ctx, store, d, io.NewSectionReader(r, 0, r.Size()))
	return res, err
}

// scanCSV finds the unit, the period, the chain position and the k of an
// exported CSV, which every row must agree on.
func scanCSV(r io.Reader) (unit int64, period survey.Period, asOf int64, k int, problem string) {
	cr := newCSVReader(r)
	header, err := cr.Read()
	if err != nil {
		return 0, period, 0, 0, "Berkas bukan CSV ekspor Persepsi (baris judul tidak terbaca)."
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	if _, v1 := col["rantai_seq"]; v1 && header[0] == "id" {
		return 0, period, 0, 0, v1CSVProblem
	}
	for _, name := range []string{"unit", periodColumn, kColumn, asOfColumn} {
		if _, ok := col[name]; !ok {
			return 0, period, 0, 0, fmt.Sprintf("Berkas bukan CSV ekspor Persepsi (format saat ini): kolom %q tidak ada.", name)
		}
	}
	var first []string
	for n := 1; ; n++ {
		row, err := cr.Read()
		if err == io.EOF {
			if n == 1 {
				return 0, period, 0, 0, "Berkas tidak memuat baris data."
			}
			break
		}
		if err != nil || len(row) != len(header) {
			return 0, period, 0, 0, fmt.Sprintf("Baris data ke-%d tidak terbaca atau jumlah kolomnya salah.", n)
		}
		if n == 1 {
			first = append([]string(nil), row...)
		}
		for _, name := range []string{"unit", periodColumn, kColumn, asOfColumn} {
			if row[col[name]] != first[col[name]] {
				return 0, period, 0, 0, fmt.Sprintf("Baris data ke-%d: kolom %s berbeda dari baris pertama.", n, name)
			}
		}
	}
	from, to, _ := strings.Cut(first[col[periodColumn]], "/")
	period = survey.Period{From: from, To: to}
	unit, err1 := strconv.ParseInt(first[col["unit"]], 10, 64)
	asOf, err2 := strconv.ParseInt(first[col[asOfColumn]], 10, 64)
	k, err3 := strconv.Atoi(first[col[kColumn]])
	if err1 != nil || err2 != nil || err3 != nil || asOf < 1 || k < 1 || period.Validate() != nil {
		return 0, period, 0, 0, "Baris data ke-1: kolom unit, periode, k_anonim atau rantai_acuan tidak sah."
	}
	return unit, period, asOf, k, ""
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

// compareRows compares an exported CSV with the rows the server renders
// for d. Each row's id and chain hash are compared first, and a row whose
// hash differs is reported without naming a column: the check must not let
// anyone who lacks the export learn the server's data cell by cell.
func compareRows(ctx context.Context, store *survey.Store, d *Dataset, r io.Reader) (int64, string, error) {
	cr := newCSVReader(r)
	header, err := cr.Read()
	if err != nil {
		return 0, "Berkas CSV tidak dapat dibaca.", nil
	}
	want := d.Header()
	if len(header) != len(want) {
		return 0, fmt.Sprintf("Baris judul CSV memiliki %d kolom; ekspor server memiliki %d.", len(header), len(want)), nil
	}
	for i := range want {
		if header[i] != want[i] {
			return 0, fmt.Sprintf("Baris judul CSV, kolom ke-%d: %q, seharusnya %q.", i+1, header[i], want[i]), nil
		}
	}
	hashCol := slices.Index(want, hashColumn)
	var n int64
	problem := ""
	err = d.Each(ctx, store, func(rec *survey.Record, row []string) error {
		n++
		got, err := cr.Read()
		if err == io.EOF {
			problem = fmt.Sprintf("Baris data ke-%d ada di server tetapi tidak ada dalam berkas.", n)
			return errStop
		}
		if err != nil || len(got) != len(row) {
			problem = fmt.Sprintf("Baris data ke-%d tidak terbaca atau jumlah kolomnya salah.", n)
			return errStop
		}
		if got[colID] != row[colID] || got[hashCol] != row[hashCol] {
			problem = fmt.Sprintf("Baris data ke-%d tidak cocok dengan server: ID respons atau hash rantainya berbeda (baris diubah, dihapus atau disisipkan).", n)
			return errStop
		}
		for i := range row {
			if got[i] != row[i] {
				problem = fmt.Sprintf("Baris data ke-%d (respons %s), kolom %s: isi berkas %q berbeda dari server.", n, row[colID], want[i], got[i])
				return errStop
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return n, "", err
	}
	if problem != "" {
		return n, problem, nil
	}
	if _, err := cr.Read(); err != io.EOF {
		return n, fmt.Sprintf("Baris data ke-%d ada dalam berkas tetapi tidak ada di server.", n+1), nil
	}
	return n, "", nil
}

// v1CSVProblem answers a CSV exported before chain v2 (columns id and
// rantai_seq).
const v1CSVProblem = "Berkas ini CSV ekspor berformat v1 (dibuat sebelum rantai hash v2). Barisnya tidak dapat lagi dicocokkan dengan server: " +
	"hash rantai v1 mencakup waktu pengiriman sampai detik dan ID respons berurutan, yang demi anonimitas responden tidak lagi disimpan. " +
	"Periksa paket bukti (.zip) aslinya: tanda tangan dan hash berkasnya tetap dapat diperiksa."

// v1Verdict answers a bundle of format v1 whose signature and files hold:
// it says so, why its rows cannot be matched any more, and whether its
// chain head is the v1 head the server recorded when it was upgraded.
func v1Verdict(ctx context.Context, store *survey.Store, m *Manifest) (string, error) {
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
