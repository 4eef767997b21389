package evidence

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"time"

	"persepsi/survey"
)

// The files of a bundle.
const (
	FileReport   = "laporan.pdf"
	FileWorkbook = "data.xlsx"
	FileCSV      = "responden.csv"
	// FileCSVExcel holds the rows of FileCSV for Excel with Indonesian
	// settings: semicolon-separated, with a UTF-8 BOM.
	FileCSVExcel  = "responden-excel-id.csv"
	FileCodebook  = "kodebuku.csv"
	FileSPSS      = "label-nilai.sps"
	FileR         = "label-nilai.R"
	FilePublicKey = "kunci-publik.pem"
	// FileCheckpoint is the unit's latest published checkpoint and the
	// proof that the bundle's chain head extends it.
	FileCheckpoint = "titik-periksa.json"
	FileManifest   = "manifest.json"
	FileSignature  = "manifest.sig"
)

// Options configure an export.
type Options struct {
	// BaseURL is the instance's public address; the report's QR code points
	// to BaseURL + "/verify".
	BaseURL string
	// AllowLoopback lets a loopback BaseURL (127.0.0.1, localhost) into the
	// bundle, for test bundles; otherwise WriteBundle refuses one with
	// ErrLoopbackBaseURL, since nobody else can open such a verify link.
	AllowLoopback bool
	Key           *Key
	// IssuedBy names who asked for the bundle (the signed-in user, the API
	// token's user, or the CLI's --actor), for the register of issued
	// bundles.
	IssuedBy string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Progress, when set, hears which file is being written and, for the
	// long passes, how many rows are done.
	Progress func(file string, rows int64)
	// K is the k of k-anonymity the exported rows meet (default DefaultK).
	K int
}

func (o *Options) progress(file string, rows int64) {
	if o.Progress != nil {
		o.Progress(file, rows)
	}
}

// Export is what an export pass knows once the data file is written; the
// report and workbook are built from it.
type Export struct {
	Dataset *Dataset
	Tally   Tally
	Head    survey.ChainEntry
	Opt     *Options
	At      time.Time
	// Files are the digests of the files written so far.
	Files []FileDigest
	// rows are the first reportRows rows of the data, as the report lists
	// them, taken from the pass that wrote the CSV.
	rows []reportRow
	snap *snapshot
	// sum is the summary the report prints, from snap.
	sum *survey.Summary
}

// leftOutReason says why responses on another questionnaire version are not
// counted.
const leftOutReason = "versi kuesioner lain: skala dan butirnya dapat berbeda, sehingga tidak digabung dengan versi yang berlaku"

// reportRow is a data row as the report's chapter IV lists it.
type reportRow struct {
	cells    []string
	control  string
	excluded bool
}

// count takes one record of the snapshot pass into the export's counts.
func (ex *Export) count(rec *survey.Record) {
	ex.Tally.add(rec)
	ex.snap.add(rec)
	if ex.Tally.Responses%progressEvery == 0 {
		ex.Opt.progress(FileSnapshot, ex.Tally.Responses)
	}
}

// FileSnapshot names the snapshot pass in progress reports: it reads every
// record once before any file is written.
const FileSnapshot = "(snapshot)"

// keepRow keeps the first reportRows rows of the CSV pass for the report.
func (ex *Export) keepRow(rec *survey.Record, row []string) {
	if len(ex.rows) < reportRows {
		ex.rows = append(ex.rows, reportRow{cells: append([]string(nil), row...), control: rec.Control, excluded: rec.Exclusion != nil})
	}
}

// ErrLoopbackBaseURL is returned by WriteBundle when the public address is a
// loopback one and Options.AllowLoopback is not set.
var ErrLoopbackBaseURL = errors.New("evidence: the public address is a loopback address, which an evaluator cannot open")

// WriteBundle writes the evidence bundle of a unit's period as a zip to w and returns its manifest. The bundle is
// consistent with one chain position, the head when the export began. A
// failure leaves w holding a partial zip: callers write to a temporary file
// and keep it only on success.
func WriteBundle(ctx context.Context, w io.Writer, store Store, unitID int64, period survey.Period, opt Options) (*Manifest, error) {
	if opt.Key == nil {
		return nil, errors.New("evidence: a bundle needs the signing key")
	}
	if survey.IsLoopbackURL(opt.BaseURL) && !opt.AllowLoopback {
		return nil, ErrLoopbackBaseURL
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if err := period.Validate(); err != nil {
		return nil, err
	}
	u, err := store.Unit(ctx, unitID)
	if err != nil {
		return nil, err
	}
	// Seal first, so the head certified commits every response the bundle
	// holds; then refuse to sign data the chain no longer vouches for.
	if _, err := store.SealUnit(ctx, unitID); err != nil {
		return nil, err
	}
	if rep, err := VerifyChain(ctx, store, unitID); err != nil {
		return nil, err
	} else if !rep.OK() {
		return nil, &ChainError{Report: rep}
	}
	head, err := store.ChainHead(ctx, unitID)
	if errors.Is(err, survey.ErrNotFound) {
		head = survey.ChainEntry{UnitID: unitID, Hash: survey.GenesisHash}
	} else if err != nil {
		return nil, err
	}
	ex := &Export{Head: head, Opt: &opt, At: opt.Now().UTC().Truncate(time.Second)}
	if ex.snap, err = newSnapshot(ctx, store, u, period, ex.At); err != nil {
		return nil, err
	}
	opt.progress(FileSnapshot, 0)
	d, err := newDataset(ctx, store, u, period, head.Seq, opt.K, ex.count)
	if err != nil {
		return nil, err
	}
	ex.Dataset = d
	rep := ex.snap.report()
	ex.sum = rep.Summary
	whole := &hashWriter{w: w, h: sha256.New()}
	zw := zip.NewWriter(whole)
	add := func(name string, write func(io.Writer) error) error {
		opt.progress(name, 0)
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: ex.At})
		if err != nil {
			return err
		}
		hw := &hashWriter{w: fw, h: sha256.New()}
		if err := write(hw); err != nil {
			return fmt.Errorf("evidence: %s: %w", name, err)
		}
		ex.Files = append(ex.Files, FileDigest{Name: name, Size: hw.n, SHA256: hex.EncodeToString(hw.h.Sum(nil))})
		return nil
	}
	steps := []struct {
		name  string
		write func(io.Writer) error
	}{
		{FileCSV, func(w io.Writer) error { return d.WriteCSV(ctx, store, w, DialectRFC, ex.keepRow) }},
		{FileCSVExcel, func(w io.Writer) error { return d.WriteCSV(ctx, store, w, DialectExcelID, nil) }},
		{FileCodebook, d.WriteCodebook},
		{FileSPSS, func(w io.Writer) error { return d.WriteSPSS(w, FileCSV) }},
		{FileR, func(w io.Writer) error { return d.WriteR(w, FileCSV) }},
		{FileWorkbook, func(w io.Writer) error { return ex.WriteXLSX(ctx, store, rep, w) }},
		{FileReport, func(w io.Writer) error { return ex.WritePDF(rep, w) }},
		{FilePublicKey, func(w io.Writer) error {
			_, err := io.WriteString(w, PublicKeyPEM(opt.Key.Public()))
			return err
		}},
		{FileCheckpoint, func(w io.Writer) error { return writeBundleCheckpoint(ctx, w, store, opt.Key, head) }},
	}
	for _, s := range steps {
		if err := add(s.name, s.write); err != nil {
			return nil, err
		}
	}
	m := ex.manifest()
	raw, err := m.Encode()
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		body []byte
	}{{FileManifest, raw}, {FileSignature, opt.Key.Sign(raw)}} {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: ex.At})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return m, register(ctx, store, ex, m, raw, whole)
}

// FileBundle is the register's name for the zip itself.
const FileBundle = "(paket .zip)"

// register records the bundle in the register of issued bundles: the zip,
// the manifest and every file, each by its SHA-256.
func register(ctx context.Context, store Store, ex *Export, m *Manifest, manifest []byte, whole *hashWriter) error {
	by := ex.Opt.IssuedBy
	if by == "" {
		by = "(tidak disebut)"
	}
	b := &survey.IssuedBundle{UnitID: m.Unit.ID, PeriodFrom: m.Period.From, PeriodTo: m.Period.To,
		HeadSeq: m.Chain.HeadSeq, HeadHash: m.Chain.HeadHash, AnonK: m.Anonymity.K, Responses: m.Counts.Responses, IssuedAt: ex.At, IssuedBy: by}
	sum := sha256.Sum256(manifest)
	b.Files = append(b.Files,
		survey.IssuedFile{Name: FileBundle, Size: whole.n, SHA256: hex.EncodeToString(whole.h.Sum(nil))},
		survey.IssuedFile{Name: FileManifest, Size: int64(len(manifest)), SHA256: hex.EncodeToString(sum[:])})
	for _, f := range m.Files {
		b.Files = append(b.Files, survey.IssuedFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256})
	}
	return store.RecordIssuedBundle(ctx, b)
}

func (ex *Export) manifest() *Manifest {
	d, t := ex.Dataset, ex.Tally
	m := &Manifest{
		Format:      ManifestFormat,
		GeneratedAt: ex.At,
		Instance:    instance(ex.Opt.BaseURL, ex.Opt.Key.Public()),
		Unit:        ManifestUnit{ID: d.Unit.ID, Name: d.Unit.Name, Agency: d.Unit.Agency, TimeZone: d.Unit.TimeZone},
		Period:      ManifestPeriod{From: d.Period.From, To: d.Period.To},
		Counts:      Counts{Responses: t.Responses, Included: ex.sum.N, Excluded: t.Excluded, ExcludedBy: t.reasons(), LeftOut: []LeftOut{}},
		Formulas:    CurrentFormulas,
		Chain: ChainPosition{FirstSeq: t.FirstSeq, FirstHash: t.FirstHash, LastSeq: t.LastSeq, LastHash: t.LastHash,
			HeadSeq: ex.Head.Seq, HeadHash: ex.Head.Hash},
		Anonymity: Anonymity{K: d.anon.k, Policy: AnonymityPolicy, Level: levelNames[d.anon.level], SuppressedRows: d.anon.suppressed, Achieved: d.anon.achieved},
		Files:     ex.Files,
	}
	for _, b := range ex.sum.VersionBreaks {
		if b.N > 0 {
			m.Counts.LeftOut = append(m.Counts.LeftOut, LeftOut{Questionnaire: b.Ref, Count: b.N, From: b.From, To: b.To, Reason: leftOutReason})
		}
	}
	m.Settings = Settings{Thresholds: []ManifestThreshold{}, MinGroup: ex.sum.MinGroup, MinRespondents: ex.sum.MinRespondents, Population: ex.snap.in.Population,
		IntervalMethod: ex.sum.IntervalMethod}
	for _, th := range ex.sum.Thresholds {
		m.Settings.Thresholds = append(m.Settings.Thresholds, ManifestThreshold{Index: th.Index, Predicate: th.Predicate, Min: th.Min})
	}
	for _, q := range d.Questionnaires {
		m.Questionnaires = append(m.Questionnaires, ManifestQuest{Ref: q.Ref(), Title: q.Title, SHA256: q.SHA256,
			ScaleMin: q.Scale.Min, ScaleMax: q.Scale.Max, Conversion: q.Conversion})
	}
	return m
}

// reasons lists the exclusion counts, most frequent first.
func (t Tally) reasons() []ReasonCount {
	out := make([]ReasonCount, 0, len(t.ExcludedBy))
	for r, n := range t.ExcludedBy {
		out = append(out, ReasonCount{Reason: r, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

// File returns the digest of a file written so far.
func (ex *Export) File(name string) (FileDigest, bool) {
	for _, f := range ex.Files {
		if f.Name == name {
			return f, true
		}
	}
	return FileDigest{}, false
}

type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}
