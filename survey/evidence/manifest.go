package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// ManifestFormat names the manifest encoding; docs/EVIDENCE.md specifies it.
// v2 certifies a position in chain format v2 (rows named by ref).
const ManifestFormat = "persepsi-manifest-v2"

// ManifestFormatV1 is the format of bundles exported before chain v2: their
// signature and files can still be checked, their rows no longer matched.
const ManifestFormatV1 = "persepsi-manifest-v1"

// Manifest describes a bundle: what it covers and the SHA-256 of every file.
// manifest.sig is the Ed25519 signature of the exact bytes of manifest.json.
type Manifest struct {
	Format         string          `json:"format"`
	GeneratedAt    time.Time       `json:"generated_at"`
	Instance       Instance        `json:"instance"`
	Unit           ManifestUnit    `json:"unit"`
	Period         ManifestPeriod  `json:"period"`
	Counts         Counts          `json:"counts"`
	Questionnaires []ManifestQuest `json:"questionnaires"`
	Formulas       Formulas        `json:"formulas"`
	Settings       Settings        `json:"settings"`
	Chain          ChainPosition   `json:"chain"`
	Anonymity      Anonymity       `json:"anonymity"`
	Files          []FileDigest    `json:"files"`
}

// Anonymity is the k-anonymity the exported rows meet: the k asked for,
// the generalisation level of every row, the rows with withheld cells and
// the smallest class achieved. Verify renders the rows with the same k.
type Anonymity struct {
	K int `json:"k"`
	// Policy names the rule the cells were withheld by (AnonymityPolicy);
	// absent in bundles exported before it.
	Policy         string `json:"policy,omitempty"`
	Level          string `json:"level"`
	SuppressedRows int64  `json:"suppressed_rows"`
	Achieved       int64  `json:"achieved"`
}

// AnonymityPolicy names how the rows meet k-anonymity (docs/EVIDENCE.md §3).
const AnonymityPolicy = "anonim-v2: satu tingkat generalisasi waktu/usia untuk semua baris; kelompok < k: jam disamarkan, lalu profil per kolom (dahulu dikelompokkan lebih kasar bila ada kelompoknya), lalu loket dan layanan, lalu tanggal; dipakai aturan v1 (seluruh profil sekaligus) bila menyamarkan lebih sedikit sel"

// Instance names the server that signed the manifest.
type Instance struct {
	BaseURL        string `json:"base_url"`
	PublicKey      string `json:"public_key"` // base64 of the raw 32-byte Ed25519 key
	KeyFingerprint string `json:"key_fingerprint"`
}

// ManifestUnit names the unit.
type ManifestUnit struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Agency   string `json:"agency"`
	TimeZone string `json:"time_zone"`
}

// ManifestPeriod is the range of the unit's local days covered, inclusive.
type ManifestPeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Counts are the responses of the period: all stored, those counted, and
// those excluded with the reasons.
type Counts struct {
	Responses int64 `json:"responses"`
	// Included are the responses the statistics count: on the unit's
	// questionnaire version and not excluded. Responses = Included +
	// Excluded + the LeftOut counts.
	Included   int64         `json:"included"`
	Excluded   int64         `json:"excluded"`
	ExcludedBy []ReasonCount `json:"excluded_by_reason"`
	// LeftOut are the responses not excluded but on another questionnaire
	// version, which is never mixed into the statistics.
	LeftOut []LeftOut `json:"left_out"`
}

// LeftOut counts responses of the period left out of the statistics for a
// reason other than an exclusion.
type LeftOut struct {
	Questionnaire string `json:"questionnaire"`
	Count         int64  `json:"count"`
	From          string `json:"from"`
	To            string `json:"to"`
	Reason        string `json:"reason"`
}

// Settings are the analysis settings in force when the export began; the
// report's numbers and text use these.
type Settings struct {
	Thresholds     []ManifestThreshold `json:"thresholds"`
	MinGroup       int                 `json:"min_group"`
	MinRespondents int                 `json:"min_respondents"`
	Population     int64               `json:"population"`
	IntervalMethod string              `json:"interval_method"`
}

// ManifestThreshold is one predicate minimum on the 4-point scale.
type ManifestThreshold struct {
	Index     string  `json:"index"`
	Predicate string  `json:"predicate"`
	Min       float64 `json:"min"`
}

// ReasonCount is how many responses were excluded for one reason.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int64  `json:"count"`
}

// ManifestQuest pins a questionnaire version by the digest of its
// definition file.
type ManifestQuest struct {
	Ref        string `json:"ref"`
	Title      string `json:"title"`
	SHA256     string `json:"sha256"`
	ScaleMin   int    `json:"scale_min"`
	ScaleMax   int    `json:"scale_max"`
	Conversion string `json:"conversion"`
}

// Formulas names the version of every computation behind the numbers.
type Formulas struct {
	Index      string `json:"index"`
	Interval   string `json:"interval"`
	Conversion string `json:"conversion"`
	LKE        string `json:"lke"`
	Thresholds string `json:"thresholds"`
}

// ChainPosition ties the bundle to the unit's hash chain: the first and last
// response of the period, and the head of the chain when the export began.
type ChainPosition struct {
	FirstSeq  int64  `json:"first_seq"`
	FirstHash string `json:"first_hash"`
	LastSeq   int64  `json:"last_seq"`
	LastHash  string `json:"last_hash"`
	HeadSeq   int64  `json:"head_seq"`
	HeadHash  string `json:"head_hash"`
}

// FileDigest is one file of the bundle.
type FileDigest struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// CurrentFormulas are the formula versions this build prints and signs.
var CurrentFormulas = Formulas{
	Index:      "indeks-v1: rata-rata tak berbobot dari NRR butir; NRR = rata-rata skor butir atas responden yang menjawab",
	Interval:   "ci-v2: selang kepercayaan 95% atas skor rata-rata per responden dengan metode pada settings.interval_method (bawaan wilson-neff v1; student-t v1 untuk laporan lama), koreksi populasi hingga pada indeks unit bila N diketahui",
	Conversion: "konversi-v1: proporsional x/maks×4 atau linear titik-ujung 1+(x−1)×3/(maks−1), sesuai versi kuesioner",
	LKE:        "lke-v1: min(indeks, 4)/4 × 17,5 (belum dikonfirmasi resmi)",
	Thresholds: "ambang-v1: ambang pada settings.thresholds (skala 4; bawaan IPAK ≥ 3,60 WBK/WBBM, IPKP ≥ 3,20 WBK, ≥ 3,60 WBBM, belum dikonfirmasi resmi); terpenuhi hanya bila seluruh selang di atas ambang dan n ≥ settings.min_respondents",
}

// Encode returns the manifest's bytes: indented JSON with a final newline,
// the exact bytes the signature covers.
func (m *Manifest) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("evidence: unable to encode manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// maxManifest bounds the manifest a verifier will read.
const maxManifest = 1 << 20

// ParseManifest checks sig over raw with pub and only then decodes the
// manifest. It fails for a signature by any other key.
func ParseManifest(raw, sig []byte, pub ed25519.PublicKey) (*Manifest, error) {
	if len(raw) > maxManifest {
		return nil, fmt.Errorf("manifest lebih dari %d bait", maxManifest)
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, raw, sig) {
		return nil, errBadSignature
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest tidak dapat dibaca: %w", err)
	}
	if m.Format != ManifestFormat && m.Format != ManifestFormatV1 {
		return nil, fmt.Errorf("format manifest %q tidak dikenal", m.Format)
	}
	return &m, nil
}

type verifyError string

func (e verifyError) Error() string { return string(e) }

const errBadSignature = verifyError("tanda tangan manifest tidak sah: manifest telah diubah atau tidak ditandatangani oleh instans ini")

// instance describes a key for a manifest.
func instance(baseURL string, pub ed25519.PublicKey) Instance {
	return Instance{BaseURL: baseURL, PublicKey: base64.StdEncoding.EncodeToString(pub), KeyFingerprint: Fingerprint(pub)}
}
