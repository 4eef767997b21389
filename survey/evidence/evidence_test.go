package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// randomLine matches, in an indented manifest, the entry of a file that is
// not byte-for-byte reproducible: the report (its chart images) and the
// files holding the responses' random refs.
var randomLine = regexp.MustCompile(`"name": "(laporan\.pdf|data\.xlsx|responden\.csv|responden-excel-id\.csv)",\s+"size": \d+,\s+"sha256": "[0-9a-f]{64}"`)

// goldenRows makes an exported CSV reproducible for a golden file: each
// response's random ref becomes "REF", and the rows, ordered by ref in the
// file, are sorted by their remaining cells.
func goldenRows(tb testing.TB, b []byte) []byte {
	tb.Helper()
	rows, err := readCSV(b)
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range rows[1:] {
		r[0] = "REF"
	}
	body := rows[1:]
	sort.Slice(body, func(i, j int) bool { return strings.Join(body[i], ",") < strings.Join(body[j], ",") })
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.WriteAll(rows); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// clock is the fixed time of every test export: 1 April 2025, 09:00 WIB.
var clock = time.Date(2025, 4, 1, 2, 0, 0, 0, time.UTC)

// testKey is a fixed key, so golden manifests are stable.
func testKey(seed byte) *Key {
	return &Key{priv: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))}
}

// fixture is a store with one seeded unit.
type fixture struct {
	store *sqlstore.Store
	unit  *survey.Unit
	sv    *survey.Survey
	refs  []string
	// answers[i] are the scores response i was given, by item code.
	answers []map[string]int
	coached []bool
}

// newFixture seeds n responses over March 2025 (WIB) with scores drawn from
// a fixed random source; every coachEvery-th response answers "Ya" to the
// control question.
// switchQuestionnaire moves the fixture's unit to another questionnaire
// and returns its counter's survey on it.
func (f *fixture) switchQuestionnaire(tb testing.TB, key string) *survey.Survey {
	tb.Helper()
	ctx := context.Background()
	u, err := f.store.UpdateUnit(ctx, f.unit.ID, survey.UnitChange{Name: f.unit.Name, Agency: f.unit.Agency, TimeZone: f.unit.TimeZone, Questionnaire: key})
	if err != nil {
		tb.Fatal(err)
	}
	f.unit = u
	sv, err := f.store.SurveyByCode(ctx, f.sv.Counter.Code)
	if err != nil {
		tb.Fatal(err)
	}
	return sv
}

func newFixture(tb testing.TB, n, coachEvery int) *fixture {
	tb.Helper()
	ctx := context.Background()
	store := storetest.MustOpen(tb, func(o *survey.Options) { o.Now = func() time.Time { return clock } })
	u, err := store.CreateUnit(ctx, survey.NewUnit{Name: "Dinas Penanaman Modal dan PTSP", Agency: "Pemerintah Kabupaten Contoh", TimeZone: "Asia/Jakarta"})
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range []string{"Perizinan Usaha", "Non Perizinan"} {
		if _, err := store.CreateService(ctx, u.ID, name); err != nil {
			tb.Fatal(err)
		}
	}
	c, err := store.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: "Loket 1"})
	if err != nil {
		tb.Fatal(err)
	}
	sv, err := store.SurveyByCode(ctx, c.Code)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{store: store, unit: u, sv: sv}
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC) // 08:00 WIB
	profiles := []string{"usia", "jenis_kelamin", "pendidikan", "pekerjaan"}
	for i := range n {
		in := survey.Input{Service: strconv.FormatInt(sv.Services[i%len(sv.Services)].ID, 10), Answers: map[string]string{}, Profile: map[string]string{},
			Control: "Tidak", Channel: survey.ChannelQR, Key: fmt.Sprintf("fixture-key-%08d", i)}
		scores := map[string]int{}
		for _, it := range sv.Questionnaire.Items() {
			v := 3 + rng.IntN(4) // 3..6
			scores[it.Code] = v
			in.Answers[it.Code] = strconv.Itoa(v)
		}
		for _, code := range profiles {
			for _, pf := range sv.Questionnaire.Profile {
				if pf.Code == code && i%5 != 4 {
					in.Profile[code] = pf.Options[rng.IntN(len(pf.Options))]
				}
			}
		}
		coached := coachEvery > 0 && i%coachEvery == coachEvery-1
		if coached {
			in.Control = survey.ControlCoached
		}
		if i%7 == 0 {
			in.Suggestion = fmt.Sprintf("Saran nomor %d: antrean, \"loket\" perlu ditambah", i)
		}
		if i == 3 {
			in.Suggestion = "=HYPERLINK(\"http://contoh\")"
		}
		at := start.Add(time.Duration(i) * 28 * 24 * time.Hour / time.Duration(n)) // all within March
		r, err := sv.Validate(in, at)
		if err != nil {
			tb.Fatal(err)
		}
		// Fixed references and salts keep the golden files stable.
		r.Ref = fmt.Sprintf("%032x", rng.Uint64())
		for j := range r.Salt {
			r.Salt[j] = byte(rng.Uint32())
		}
		ref, _, err := store.Submit(ctx, r)
		if err != nil {
			tb.Fatal(err)
		}
		f.refs = append(f.refs, ref)
		f.answers = append(f.answers, scores)
		f.coached = append(f.coached, coached)
	}
	return f
}

// export writes a bundle of March 2025 and returns its bytes and manifest.
func (f *fixture) export(tb testing.TB, key *Key) ([]byte, *Manifest) {
	tb.Helper()
	return f.exportK(tb, key, 0)
}

// exportK is export with the rows meeting k-anonymity for k (0: DefaultK).
func (f *fixture) exportK(tb testing.TB, key *Key, k int) ([]byte, *Manifest) {
	tb.Helper()
	var buf bytes.Buffer
	m, err := WriteBundle(context.Background(), &buf, f.store, f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"},
		Options{BaseURL: "https://survei.contoh.go.id", Key: key, Now: func() time.Time { return clock }, K: k})
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), m
}

// entries reads every file of a zip.
func entries(tb testing.TB, b []byte) map[string][]byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

// rezip builds a zip holding files in the given order.
// rezip packs files in the given order, stored rather than deflated: the
// evidence is the same either way, and the tests that rezip do it hundreds
// of times (deflate was half their CPU time).
func rezip(tb testing.TB, names []string, files map[string][]byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the golden file (go test -update rewrites it after review):\n--- got\n%s", name, truncate(string(got), 3000))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func verify(tb testing.TB, f *fixture, pub ed25519.PublicKey, b []byte) *Result {
	tb.Helper()
	res, err := NewChecker(f.store, pub).Verify(context.Background(), bytes.NewReader(b), int64(len(b)), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestBundleGoldenFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 24, 6)
	if _, err := f.store.Exclude(context.Background(), f.unit.ID, []string{f.refs[1]}, "Uji coba petugas sebelum layanan dibuka", "Kepala Unit"); err != nil {
		t.Fatal(err)
	}
	b, m := f.export(t, testKey(1))
	files := entries(t, b)
	golden(t, FileCSV, goldenRows(t, files[FileCSV]))
	if !bytes.Equal(goldenRows(t, files[FileCSVExcel]), goldenRows(t, files[FileCSV])) {
		t.Errorf("%s holds other rows than %s", FileCSVExcel, FileCSV)
	}
	for _, name := range []string{FileCodebook, FileSPSS, FileR} {
		golden(t, name, files[name])
	}
	// The golden manifest masks the lines of files that are not
	// reproducible; Verify checks those lines against the files.
	golden(t, FileManifest, randomLine.ReplaceAll(files[FileManifest], []byte(`"name": "$1", "size": N, "sha256": "…"`)))
	if m.Counts.Responses != 24 || m.Counts.Excluded != 1 || m.Counts.Included != 23 {
		t.Errorf("counts = %+v", m.Counts)
	}
	if !ed25519.Verify(testKey(1).Public(), files[FileManifest], files[FileSignature]) {
		t.Error("manifest.sig does not verify over manifest.json")
	}
	if res := verify(t, f, testKey(1).Public(), b); !res.OK() || res.Rows != 24 {
		t.Fatalf("fresh bundle: %+v", res)
	}
}

func TestVerifyDetectsEveryCSVCellEdit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 12, 4)
	b, _ := f.export(t, testKey(1))
	csvBytes := entries(t, b)[FileCSV]
	if res := verify(t, f, nil, csvBytes); !res.OK() || res.Kind != "csv" || res.Rows != 12 {
		t.Fatalf("fresh CSV: %+v", res)
	}
	lines := strings.Split(strings.TrimSuffix(string(csvBytes), "\n"), "\n")
	edits := 0
	for li := 1; li < len(lines); li++ {
		cells := strings.Split(lines[li], ",")
		if strings.Contains(lines[li], `"`) {
			continue // quoted suggestions: covered by the saran cells of other rows
		}
		for ci := range cells {
			edited := append([]string(nil), cells...)
			edited[ci] = cells[ci] + "9"
			if cells[ci] == "" {
				edited[ci] = "1"
			}
			doc := append(append(append([]string(nil), lines[:li]...), strings.Join(edited, ",")), lines[li+1:]...)
			res := verify(t, f, nil, []byte(strings.Join(doc, "\n")+"\n"))
			if res.OK() {
				t.Errorf("edit of line %d, cell %d (%q → %q) went unnoticed", li+1, ci+1, cells[ci], edited[ci])
			}
			edits++
		}
	}
	if edits < 200 {
		t.Fatalf("only %d edits tried", edits)
	}
	for name, doc := range map[string]string{
		"row deleted":  strings.Join(append(append([]string(nil), lines[:3]...), lines[4:]...), "\n") + "\n",
		"row repeated": strings.Join(append(append([]string(nil), lines[:3]...), lines[2:]...), "\n") + "\n",
		"not a csv":    "hello",
		"empty":        "",
		"header only":  lines[0] + "\n",
	} {
		if res := verify(t, f, nil, []byte(doc)); res.OK() {
			t.Errorf("%s: verified as intact", name)
		}
	}
}

func TestVerifyDetectsEveryByteChangeOfEveryBundleFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 6, 3)
	key := testKey(1)
	b, _ := f.export(t, key)
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
	}
	files := entries(t, b)
	if res := verify(t, f, key.Public(), rezip(t, names, files)); !res.OK() {
		t.Fatalf("rezipped intact bundle: %s", res.Problem)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, name := range names {
		body := files[name]
		positions := []int{0, len(body) - 1}
		for range 8 {
			positions = append(positions, rng.IntN(len(body)))
		}
		for _, pos := range positions {
			changed := map[string][]byte{}
			for k, v := range files {
				changed[k] = v
			}
			nb := append([]byte(nil), body...)
			nb[pos] ^= byte(1 + rng.IntN(255))
			changed[name] = nb
			if res := verify(t, f, key.Public(), rezip(t, names, changed)); res.OK() {
				t.Fatalf("byte %d of %s changed, bundle still verified", pos, name)
			}
		}
	}
	// A change to the zip's own headers (a timestamp, a version field) does
	// not touch the evidence; whatever verifies must still hold the files
	// exactly as exported.
	for pos := 0; pos < len(b); pos += max(len(b)/150, 1) {
		nb := append([]byte(nil), b...)
		nb[pos] ^= 0x5a
		if res := verify(t, f, key.Public(), nb); res.OK() {
			got := entries(t, nb)
			for name, body := range files {
				if !bytes.Equal(got[name], body) {
					t.Fatalf("byte %d of the zip changed %s, bundle still verified", pos, name)
				}
			}
		}
	}
	without := map[string][]byte{}
	var fewer []string
	for _, n := range names {
		if n != FileReport && n != FileCodebook {
			without[n] = files[n]
			fewer = append(fewer, n)
		}
	}
	if res := verify(t, f, key.Public(), rezip(t, fewer, without)); res.OK() {
		t.Fatal("a bundle missing a file verified")
	}
	extra := append(append([]string(nil), names...), "catatan.txt")
	files["catatan.txt"] = []byte("tambahan")
	if res := verify(t, f, key.Public(), rezip(t, extra, files)); res.OK() {
		t.Fatal("a bundle with an unlisted file verified")
	}
}

func TestVerifyRejectsAnotherKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 0)
	b, _ := f.export(t, testKey(2))
	res := verify(t, f, testKey(1).Public(), b)
	if res.OK() || !strings.Contains(res.Problem, "tanda tangan") {
		t.Fatalf("bundle signed by another key: %+v", res)
	}
}

func TestVerifyNoticesServerChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 8, 0)
	key := testKey(1)
	b, _ := f.export(t, key)
	if _, err := f.store.Exclude(context.Background(), f.unit.ID, []string{f.refs[2]}, "Uji", "Admin"); err != nil {
		t.Fatal(err)
	}
	if res := verify(t, f, key.Public(), b); !res.OK() {
		t.Fatalf("an exclusion after the export must not break the export's check: %s", res.Problem)
	}
	b2, m2 := f.export(t, key)
	if m2.Counts.Excluded != 1 || m2.Chain.HeadSeq != 9 {
		t.Fatalf("second export: %+v %+v", m2.Counts, m2.Chain)
	}
	if res := verify(t, f, key.Public(), b2); !res.OK() {
		t.Fatalf("second export: %s", res.Problem)
	}
}
