package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/storetest"
)

// bundleOf exports a bundle of today for sd's unit and returns it with its
// files.
func (e *testEnv) bundleOf(tb testing.TB, sd seed, key *evidence.Key) ([]byte, map[string][]byte) {
	tb.Helper()
	day := sd.unit.LocalDay(time.Now())
	var buf bytes.Buffer
	if _, err := evidence.WriteBundle(context.Background(), &buf, e.store, sd.unit.ID, survey.Period{From: day, To: day}, evidence.Options{BaseURL: "https://survei.example.go.id", Key: key, IssuedBy: "uji"}); err != nil {
		tb.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		tb.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return buf.Bytes(), files
}

// verdict uploads a file to /verify as a JSON client and returns the
// status and the decoded answer.
func (e *testEnv) verdict(tb testing.TB, name string, content []byte) (int, map[string]any) {
	tb.Helper()
	req := upload(tb, "berkas", name, content)
	req.Header.Set("Accept", "application/json")
	resp := e.do(tb, req)
	var out map[string]any
	if err := json.Unmarshal([]byte(body(tb, resp)), &out); err != nil {
		tb.Fatalf("verdict of %s: %v", name, err)
	}
	return resp.StatusCode, out
}

// fabricate writes a CSV with the export's header and the given rows.
func fabricate(tb testing.TB, header []string, rows ...[]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	for _, r := range rows {
		w.Write(r)
	}
	w.Flush()
	return buf.Bytes()
}

// TestVerifyIsNoOracle tries to read facts about the server's data out of
// /verify with fabricated CSVs: whether a unit exists, how many responses a
// day had, which response ids exist. Every probe pair must get the same
// answer, and no answer may carry a value the uploader did not send.
func TestVerifyIsNoOracle(t *testing.T) {
	t.Parallel()
	key := evidence.NewKey()
	e := newTestEnv(t, func(c *Config) { c.SigningKey = key })
	sd := e.seedUnit(t)
	e.seedResponses(t, sd, 6, "5")
	_, files := e.bundleOf(t, sd, key)
	rows, err := csv.NewReader(bytes.NewReader(files[evidence.FileCSV])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, genuine := rows[0], rows[1]
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	today := sd.unit.LocalDay(time.Now())
	empty := time.Now().AddDate(0, 0, -40).Format(time.DateOnly)
	probe := func(mod func(r []string)) []string {
		r := append([]string(nil), genuine...)
		mod(r)
		return r
	}
	set := func(name, v string) func([]string) { return func(r []string) { r[col[name]] = v } }
	both := func(fs ...func([]string)) func([]string) {
		return func(r []string) {
			for _, f := range fs {
				f(r)
			}
		}
	}
	forged := set(col2(header, "rantai_hash"), strings.Repeat("0", 64))
	pairs := []struct {
		fact string
		a, b []string
	}{
		{"unit exists", probe(both(forged, set("unit", strconv.FormatInt(sd.unit.ID, 10)))), probe(both(forged, set("unit", "987654")))},
		{"day has responses", probe(both(forged, set("tanggal", today))), probe(both(forged, set("tanggal", empty)))},
		{"response id exists", probe(both(forged, set("id", genuine[col["id"]]))), probe(both(forged, set("id", "987654321")))},
		{"chain position", probe(both(forged, set("rantai_acuan", "1"))), probe(both(forged, set("rantai_acuan", "999999")))},
	}
	for _, p := range pairs {
		sa, va := e.verdict(t, "a.csv", fabricate(t, header, p.a))
		sb, vb := e.verdict(t, "b.csv", fabricate(t, header, p.b))
		if sa != sb || fmt.Sprint(va) != fmt.Sprint(vb) {
			t.Errorf("%s: the answers differ, so they tell the fact:\n%d %v\n%d %v", p.fact, sa, va, sb, vb)
		}
		if sa != http.StatusUnprocessableEntity || va["ok"] != false {
			t.Errorf("%s: a fabricated row verified: %v", p.fact, va)
		}
	}
	// No answer carries the server's chain hashes.
	for _, p := range pairs {
		_, v := e.verdict(t, "c.csv", fabricate(t, header, p.a, p.b))
		for i, r := range rows[1:] {
			if strings.Contains(fmt.Sprint(v), r[col["rantai_hash"]]) {
				t.Errorf("the answer names the server's row %d: %v", i+1, v)
			}
		}
	}
	// The uploader's own genuine rows are recognised, and only theirs.
	status, v := e.verdict(t, "dua.csv", fabricate(t, header, rows[2], probe(forged)))
	if status != 422 || !strings.Contains(fmt.Sprint(v["problem"]), "1 dari 2 baris") || !strings.Contains(fmt.Sprint(v["problem"]), "baris ke-2)") {
		t.Errorf("a genuine row and a forged one: %v", v)
	}
	status, v = e.verdict(t, "potong.csv", fabricate(t, header, rows[2:]...))
	if status != 422 || !strings.Contains(fmt.Sprint(v["problem"]), "Semua 5 baris data cocok") {
		t.Errorf("a genuine CSV with its first row cut: %v", v)
	}
}

// col2 returns name; it keeps the probe table readable.
func col2(_ []string, name string) string { return name }

func TestVerifyRecognisesIssuedFiles(t *testing.T) {
	t.Parallel()
	key := evidence.NewKey()
	e := newTestEnv(t, func(c *Config) { c.SigningKey = key })
	sd := e.seedUnit(t)
	e.seedResponses(t, sd, 4, "6")
	zipped, files := e.bundleOf(t, sd, key)
	for _, name := range []string{evidence.FileReport, evidence.FileCSV, evidence.FileWorkbook, evidence.FileManifest} {
		status, v := e.verdict(t, name, files[name])
		issued, _ := v["issued"].(map[string]any)
		if status != 200 || v["ok"] != true || issued["file"] != name {
			t.Errorf("issued %s alone: %d %v", name, status, v)
		}
	}
	if status, v := e.verdict(t, "bukti.zip", zipped); status != 200 || v["ok"] != true || v["format"] != evidence.ManifestFormat {
		t.Errorf("issued bundle: %d %v", status, v)
	}
	// The page says when and for which period in Indonesian dates (in the
	// zone of the unit the register names), as the console
	// does; it printed "2026-11-03 s.d. 2026-11-03, pada 2026-11-03 09:15 UTC".
	for _, name := range []string{evidence.FileReport, "bukti.zip"} {
		data := files[name]
		if name == "bukti.zip" {
			data = zipped
		}
		page := body(t, e.do(t, upload(t, "berkas", name, data)))
		issued := regexp.MustCompile(`Tercatat diterbitkan</dt><dd>[^<]*`).FindString(page)
		if !regexp.MustCompile(`periode \d{1,2} \p{L}+ \d{4} s\.d\. \d{1,2} \p{L}+ \d{4}, pada \d{1,2} \p{L}+ \d{4}, \d{2}\.\d{2} WI[BT]A?$`).MatchString(issued) {
			t.Errorf("%s: issued line %q, want Indonesian dates", name, issued)
		}
	}
	other := bytes.Replace(files[evidence.FileReport], []byte("%PDF"), []byte("%PDF"), 1)
	other = append(other, []byte("\n% tambahan\n")...)
	if status, v := e.verdict(t, "lain.pdf", other); status != 422 || !strings.Contains(fmt.Sprint(v["problem"]), "tidak dikenali") {
		t.Errorf("a PDF the server did not issue: %d %v", status, v)
	}
	// After an answer is edited in the database, every issued file of the
	// period is refused, the PDF alone included.
	storetest.Tamper(t, e.store, `UPDATE answers SET value = 1 WHERE response_id = (SELECT MIN(id) FROM responses)`)
	for _, name := range []string{evidence.FileReport, evidence.FileCSV} {
		if status, v := e.verdict(t, name, files[name]); status != 422 || !strings.Contains(fmt.Sprint(v["problem"]), "Rantai hash unit ini di server rusak") {
			t.Errorf("issued %s after an edit in the database: %d %v", name, status, v)
		}
	}
	if status, v := e.verdict(t, "bukti.zip", zipped); status != 422 || v["ok"] != false {
		t.Errorf("bundle after an edit in the database: %d %v", status, v)
	}
}

func TestVerifyIsBounded(t *testing.T) {
	e := newTestEnv(t)
	garbage := []byte("bukan,csv\n")
	for i := range verifyPerHour {
		if resp := e.do(t, upload(t, "berkas", "x.csv", garbage)); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("check %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := e.do(t, upload(t, "berkas", "x.csv", garbage))
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body(t, resp), "Terlalu banyak pemeriksaan") {
		t.Fatalf("check past the hourly limit: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	// Uploads that stall hold every upload slot; the next one is told to
	// come back, with Retry-After, instead of waiting without bound.
	f := newTestEnv(t, func(c *Config) { c.UploadConcurrency = 2 })
	addr := f.listen(t)
	var stalled []net.Conn
	for range f.cfg.UploadConcurrency {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		// More than the 8 KiB fasthttp reads before it calls the handler.
		fmt.Fprintf(c, "POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"a.csv\"\r\n\r\n%s", strings.Repeat("a", 20000))
		stalled = append(stalled, c)
	}
	time.Sleep(200 * time.Millisecond)
	f.addr = addr
	start := time.Now()
	resp = f.send(t, upload(t, "berkas", "x.csv", garbage))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || time.Since(start) > 3*time.Second {
		t.Fatalf("upload while every slot is held: %d after %v, Retry-After %q", resp.StatusCode, time.Since(start), resp.Header.Get("Retry-After"))
	}
	for _, c := range stalled {
		c.Close()
	}
	time.Sleep(200 * time.Millisecond)
	if resp := f.send(t, upload(t, "berkas", "x.csv", garbage)); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("upload once the slots are free: %d", resp.StatusCode)
	}
}

// uploadWithWitness builds a /verify POST of a file and a witness record.
func uploadWithWitness(tb testing.TB, name string, content, witness []byte) *http.Request {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, part := range []struct {
		field, name string
		body        []byte
	}{{"berkas", name, content}, {"saksi", "saksi.json", witness}} {
		w, err := mw.CreateFormFile(part.field, part.name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(part.body)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/verify", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	return req
}

func TestVerifyWithUploadedWitness(t *testing.T) {
	key := evidence.NewKey()
	e := newTestEnv(t, func(c *Config) { c.SigningKey = key })
	sd := e.seedUnit(t)
	e.seedResponses(t, sd, 4, "5")
	if _, err := e.store.SealUnit(context.Background(), sd.unit.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.PublishCheckpoints(context.Background(), time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	zipped, _ := e.bundleOf(t, sd, key)
	cps, err := e.store.LatestCheckpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	feed := evidence.NewFeed("https://survei.example.go.id", key, cps)
	record := func(cp evidence.SignedCheckpoint) []byte {
		rec := evidence.NewWitnessRecord("https://survei.example.go.id")
		rec.Instance = feed.Instance
		rec.Units[sd.unit.ID] = &evidence.WitnessUnit{Checkpoints: []evidence.SignedCheckpoint{cp}}
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var v map[string]any
	resp := e.do(t, uploadWithWitness(t, "bukti.zip", zipped, record(feed.Checkpoints[0])))
	json.NewDecoder(resp.Body).Decode(&v)
	if resp.StatusCode != 200 || !strings.Contains(fmt.Sprint(v["notes"]), "Sesuai catatan saksi") {
		t.Fatalf("bundle with the witness's record: %d %v", resp.StatusCode, v)
	}
	// The witness saw another head at that seq (signed by the instance):
	// the server's history was rewritten since.
	other := feed.Checkpoints[0]
	other.Hash = strings.Repeat("ab", 32)
	other = evidence.SignCheckpoint(key, survey.Checkpoint{UnitID: other.Unit, Seq: other.Seq, Hash: other.Hash, PublishedAt: other.Time})
	resp = e.do(t, uploadWithWitness(t, "bukti.zip", zipped, record(other)))
	v = nil
	json.NewDecoder(resp.Body).Decode(&v)
	if resp.StatusCode != 422 || !strings.Contains(fmt.Sprint(v["problem"]), "ditulis ulang") {
		t.Fatalf("bundle against a witness that saw another history: %d %v", resp.StatusCode, v)
	}
	// A record whose checkpoint the instance never signed asks nothing.
	unsigned := feed.Checkpoints[0]
	unsigned.Hash = strings.Repeat("cd", 32)
	resp = e.do(t, uploadWithWitness(t, "bukti.zip", zipped, record(unsigned)))
	v = nil
	json.NewDecoder(resp.Body).Decode(&v)
	if resp.StatusCode != 422 || !strings.Contains(fmt.Sprint(v["problem"]), "tidak ditandatangani instans ini") {
		t.Fatalf("bundle against a forged record: %d %v", resp.StatusCode, v)
	}
	resp = e.do(t, uploadWithWitness(t, "bukti.zip", zipped, []byte("{bukan json")))
	if got := body(t, resp); resp.StatusCode != 422 || !strings.Contains(got, "catatan saksi tidak dapat dibaca") {
		t.Fatalf("a broken witness file: %d %s", resp.StatusCode, got)
	}
}

// TestVerifyTimesInUnitZone: every time /verify and `persepsi verify` show
// is an Indonesian date in the zone of the unit the upload names, looked up
// on the server, the PDF alone included; they printed "2026-03-02 03:00
// UTC" (witness notes, issuer details) and WIB for a WITA unit's PDF. A
// file without rows shows what was checked for it, never a row count:
// the PDF alone showed "Baris dicocokkan" with the register's count.
func TestVerifyTimesInUnitZone(t *testing.T) {
	key := evidence.NewKey()
	e := newTestEnv(t, func(c *Config) { c.SigningKey = key })
	ctx := context.Background()
	sd := e.seedUnit(t)
	u, err := e.store.UpdateUnit(ctx, sd.unit.ID, survey.UnitChange{Name: sd.unit.Name, Agency: sd.unit.Agency, TimeZone: "Asia/Makassar"})
	if err != nil {
		t.Fatal(err)
	}
	sd.unit = u
	e.seedResponses(t, sd, 4, "5")
	if _, err := e.store.SealUnit(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.PublishCheckpoints(ctx, time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	zipped, files := e.bundleOf(t, sd, key)
	wita := `\d{1,2} \p{L}+ \d{4}, \d{2}\.\d{2} WITA`

	page := body(t, e.do(t, upload(t, "berkas", "laporan.pdf", files[evidence.FileReport])))
	if issued := regexp.MustCompile(`Tercatat diterbitkan</dt><dd>[^<]*`).FindString(page); !regexp.MustCompile(`pada ` + wita + `$`).MatchString(issued) {
		t.Errorf("PDF alone: issued line %q, want the unit's zone (WITA)", issued)
	}
	if strings.Contains(page, "Baris dicocokkan") || !strings.Contains(page, "Yang diperiksa") {
		t.Errorf("PDF alone shows a row count, or not what was checked")
	}
	if _, v := e.verdict(t, "laporan.pdf", files[evidence.FileReport]); v["ok"] != true || v["rows"] != nil {
		t.Errorf("PDF alone as JSON: %v, want ok and no rows", v)
	}
	if _, v := e.verdict(t, "responden.csv", files[evidence.FileCSV]); v["rows"] != float64(4) {
		t.Errorf("issued CSV: rows %v, want 4", v["rows"])
	}

	res, err := evidence.NewChecker(e.store, key.Public()).Verify(ctx, bytes.NewReader(files[evidence.FileReport]), int64(len(files[evidence.FileReport])), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^diterbitkan ` + wita + ` oleh uji$`).MatchString(res.Detail) {
		t.Errorf("operator detail %q, want an Indonesian time in WITA", res.Detail)
	}

	cps, err := e.store.LatestCheckpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	feed := evidence.NewFeed("https://survei.example.go.id", key, cps)
	rec := evidence.NewWitnessRecord("https://survei.example.go.id")
	rec.Instance = feed.Instance
	rec.Units[u.ID] = &evidence.WitnessUnit{Checkpoints: []evidence.SignedCheckpoint{feed.Checkpoints[0]}}
	raw, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	resp := e.do(t, uploadWithWitness(t, "bukti.zip", zipped, raw))
	json.NewDecoder(resp.Body).Decode(&v)
	if note := fmt.Sprint(v["notes"]); !regexp.MustCompile(`Sesuai catatan saksi.*\(2 Maret 2026, 11\.00 WITA\)`).MatchString(note) {
		t.Errorf("witness note %q, want the checkpoint's time as 2 Maret 2026, 11.00 WITA", note)
	}
}
