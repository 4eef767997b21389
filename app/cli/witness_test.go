package cli

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"persepsi/app"
	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/sqlstore"
)

// instanceFixture is a real server on 127.0.0.1 (port 0) over a temp SQLite
// file, with a unit ready to take responses.
type instanceFixture struct {
	store *sqlstore.Store
	db    string
	url   string
	key   *evidence.Key
	unit  *survey.Unit
	sv    *survey.Survey
	svc   *survey.Service
	hour  time.Time
	refs  []string // of the stored responses, in order
}

func newInstance(t *testing.T) *instanceFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f := &instanceFixture{db: filepath.Join(dir, "p.db"), hour: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)}
	// The key beside the database, where persepsi export and verify find it.
	key, err := evidence.LoadOrCreateKey(filepath.Join(dir, "signing.key"))
	if err != nil {
		t.Fatal(err)
	}
	f.key = key
	if f.store, err = openStore(ctx, &Env{Logger: discardLogger}, f.db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.store.Close() })
	if f.unit, err = f.store.CreateUnit(ctx, survey.NewUnit{Name: "Dinas Uji", Agency: "Pemkab Uji", TimeZone: "Asia/Jakarta"}); err != nil {
		t.Fatal(err)
	}
	if f.svc, err = f.store.CreateService(ctx, f.unit.ID, "Perizinan"); err != nil {
		t.Fatal(err)
	}
	c, err := f.store.CreateCounter(ctx, survey.NewCounter{UnitID: f.unit.ID, Name: "Loket 1"})
	if err != nil {
		t.Fatal(err)
	}
	if f.sv, err = f.store.SurveyByCode(ctx, c.Code); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.url = "http://" + ln.Addr().String()
	web, err := app.New(app.Config{BaseURL: f.url, Secret: []byte(strings.Repeat("s", 32)), SigningKey: f.key, Logger: discardLogger}, f.store)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = web.Listener(ln) }()
	t.Cleanup(func() { _ = web.Shutdown() })
	return f
}

// seal commits the stored responses to the chain, as the end of their
// bucket would.
func (f *instanceFixture) seal(t *testing.T) {
	t.Helper()
	if _, err := f.store.SealUnit(context.Background(), f.unit.ID); err != nil {
		t.Fatal(err)
	}
}

// submit stores n responses, every item scored v.
func (f *instanceFixture) submit(t *testing.T, n int, v string) {
	t.Helper()
	for range n {
		in := survey.Input{Service: strconv.FormatInt(f.svc.ID, 10), Answers: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
		for _, it := range f.sv.Questionnaire.Items() {
			in.Answers[it.Code] = v
		}
		r, err := f.sv.Validate(in, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ref, _, err := f.store.Submit(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		f.refs = append(f.refs, ref)
	}
}

// publish publishes checkpoints as the hourly schedule would, an hour
// after the previous publication, when the responses stored so far have
// been sealed (their bucket has ended).
func (f *instanceFixture) publish(t *testing.T) {
	t.Helper()
	f.seal(t)
	f.hour = f.hour.Add(time.Hour)
	if _, err := f.store.PublishCheckpoints(context.Background(), f.hour); err != nil {
		t.Fatal(err)
	}
}

// attacker opens the database file as whoever holds it would.
func (f *instanceFixture) attacker(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+f.db+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func sqlExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// rehash recomputes every chain entry from seq on so the chain is intact
// again after an edit: what someone holding the database would do.
func (f *instanceFixture) rehash(t *testing.T, db *sql.DB, from int64) {
	t.Helper()
	prev := survey.GenesisHash
	_, err := f.store.EachChainEntry(context.Background(), f.unit.ID, func(e survey.ChainEntry, now survey.ChainState) error {
		if e.Seq < from {
			prev = e.Hash
			return nil
		}
		e.Count, e.Root, e.PrevHash = now.Count, now.Root, prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		_, err := db.Exec(`UPDATE chain SET count = ?, root = ?, prev_hash = ?, hash = ? WHERE unit_id = ? AND seq = ?`, e.Count, e.Root, e.PrevHash, e.Hash, e.UnitID, e.Seq)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := evidence.VerifyChain(context.Background(), f.store, f.unit.ID); err != nil || !rep.OK() {
		t.Fatalf("the rehashed chain should walk clean: %+v %v", rep, err)
	}
}

func (f *instanceFixture) witness(t *testing.T, state string) (int, string) {
	t.Helper()
	code, out, errs := run(t, nil, "witness", "--once", "--follow", f.url, "--state", state)
	if errs != "" && code != exitAlarm {
		t.Logf("stderr: %s", errs)
	}
	return code, out
}

// exportAndVerify exports today's bundle with the CLI and checks it with
// persepsi verify, without and with the witness's record; it returns both
// outcomes.
func (f *instanceFixture) exportAndVerify(t *testing.T, state string) (alone, withWitness string) {
	t.Helper()
	vars := map[string]string{"PERSEPSI_DB": f.db}
	day := f.unit.LocalDay(time.Now())
	bundle := filepath.Join(t.TempDir(), "bukti.zip")
	if code, _, errs := run(t, vars, "export", "--unit", strconv.FormatInt(f.unit.ID, 10), "--from", day, "--to", day, "--out", bundle, "--base-url", "https://survei.example.go.id"); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	_, alone, _ = run(t, vars, "verify", bundle)
	_, withWitness, _ = run(t, vars, "verify", "--witness", state, bundle)
	return alone, withWitness
}

// snapshot copies the witness's record as it is now: a witness that has not
// run since an attack must still catch it.
func (f *instanceFixture) snapshot(t *testing.T, state string) string {
	t.Helper()
	dir := t.TempDir()
	name := witnessFileName(f.url)
	b, err := os.ReadFile(filepath.Join(state, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func expectWitness(t *testing.T, f *instanceFixture, state string, code int, pattern string) {
	t.Helper()
	got, out := f.witness(t, state)
	if got != code || !regexp.MustCompile(pattern).MatchString(out) {
		t.Fatalf("witness: exit %d, want %d; output:\n%s\nwant ~ %s", got, code, out, pattern)
	}
}

func TestWitnessFollowsGrowth(t *testing.T) {
	t.Parallel()
	f := newInstance(t)
	state := t.TempDir()
	f.submit(t, 5, "5")
	f.publish(t)
	expectWitness(t, f, state, 0, `unit 1: dicatat pertama kali pada #1\nOK .*1 unit konsisten`)
	f.submit(t, 3, "4")
	f.publish(t)
	if _, err := f.store.Exclude(context.Background(), f.unit.ID, f.refs[1:2], "Uji", "Kepala"); err != nil {
		t.Fatal(err)
	}
	f.submit(t, 2, "6")
	f.publish(t)
	expectWitness(t, f, state, 0, `unit 1: #1 → #4, terbukti melanjutkan`)
	expectWitness(t, f, state, 0, `^OK `)
	if alone, with := f.exportAndVerify(t, state); !strings.HasPrefix(alone, "SAH") || !strings.HasPrefix(with, "SAH") || !strings.Contains(with, "Sesuai catatan saksi") {
		t.Fatalf("a genuine bundle:\n%s\nwith the witness:\n%s", alone, with)
	}
	rec, err := loadWitnessRecord(filepath.Join(state, witnessFileName(f.url)), f.url)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, c := range rec.Units[f.unit.ID].Checkpoints {
		seqs = append(seqs, c.Seq)
	}
	if fmt.Sprint(seqs) != "[1 2 4]" || rec.Instance.KeyFingerprint != evidence.Fingerprint(f.key.Public()) {
		t.Fatalf("record: checkpoints %v, key %s", seqs, rec.Instance.KeyFingerprint)
	}
}

func TestWitnessReportsDeletedTail(t *testing.T) {
	t.Parallel()
	f := newInstance(t)
	state := t.TempDir()
	f.submit(t, 6, "5")
	f.seal(t) // segment #1
	if _, err := f.store.Exclude(context.Background(), f.unit.ID, f.refs[:2], "Uji", "Kepala"); err != nil {
		t.Fatal(err)
	}
	f.publish(t)
	expectWitness(t, f, state, 0, `dicatat pertama kali pada #3`)
	before := f.snapshot(t, state)
	// The latest exclusions and their chain entries go, and so does the
	// checkpoint that named them: the instance republishes a shorter head.
	db := f.attacker(t)
	sqlExec(t, db, `DELETE FROM chain WHERE unit_id = ? AND seq > 1`, f.unit.ID)
	sqlExec(t, db, `DELETE FROM exclusions WHERE unit_id = ?`, f.unit.ID)
	sqlExec(t, db, `DELETE FROM checkpoints WHERE unit_id = ?`, f.unit.ID)
	f.publish(t)
	if _, with := f.exportAndVerify(t, before); !strings.HasPrefix(with, "TIDAK SAH") || !strings.Contains(with, "lebih pendek dari yang dicatat saksi") {
		t.Fatalf("a bundle of the cut chain against the record from before:\n%s", with)
	}
	expectWitness(t, f, state, exitAlarm, `PERINGATAN .*RANTAI MUNDUR .*dari #3 ke #1`)
	// New responses and exclusions take the chain past the old head: it
	// still does not extend the head the witness recorded.
	f.submit(t, 4, "5")
	f.seal(t) // segment #2
	if _, err := f.store.Exclude(context.Background(), f.unit.ID, f.refs[6:8], "Uji", "Kepala"); err != nil {
		t.Fatal(err)
	}
	f.publish(t)
	expectWitness(t, f, state, exitAlarm, `PERCABANGAN .*kepala baru #4 tidak melanjutkan kepala tercatat #3: entri #4 tidak melanjutkan kepala #3`)
}

func TestWitnessReportsRecomputedHistory(t *testing.T) {
	t.Parallel()
	f := newInstance(t)
	state := t.TempDir()
	f.submit(t, 6, "5")
	f.publish(t)
	expectWitness(t, f, state, 0, `dicatat pertama kali pada #1`)
	before := f.snapshot(t, state)
	db := f.attacker(t)
	sqlExec(t, db, `UPDATE answers SET value = 1 WHERE response_id = 3`)
	f.rehash(t, db, 1)
	sqlExec(t, db, `DELETE FROM checkpoints`)
	f.publish(t)
	expectWitness(t, f, state, exitAlarm, `PERCABANGAN .*dua kepala berbeda untuk #1`)
	// A fresh export of the rewritten data is signed and verifies by
	// itself; the witness's record is what gives it away.
	if alone, with := f.exportAndVerify(t, state); !strings.HasPrefix(alone, "SAH") || !strings.HasPrefix(with, "TIDAK SAH") || !strings.Contains(with, "Saksi mencatat peringatan") {
		t.Fatalf("a bundle of rewritten history:\n%s\nwith the witness:\n%s", alone, with)
	}
	if _, with := f.exportAndVerify(t, before); !strings.HasPrefix(with, "TIDAK SAH") || !strings.Contains(with, "Riwayat server telah ditulis ulang sejak saksi mencatat #1") {
		t.Fatalf("a bundle of rewritten history against the record from before:\n%s", with)
	}
	f.submit(t, 2, "5")
	f.publish(t)
	code, out := f.witness(t, state)
	if code != exitAlarm || !strings.Contains(out, "tidak melanjutkan kepala tercatat #1") || !strings.Contains(out, "Simpan ") {
		t.Fatalf("after growth on the rewritten chain: exit %d\n%s", code, out)
	}
}

func TestWitnessUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, out, _ := run(t, nil, "witness", "--once", "--follow", "http://"+addr, "--state", t.TempDir())
	if code != exitUnreachable || !strings.Contains(out, "GAGAL") {
		t.Fatalf("unreachable instance: exit %d, %q", code, out)
	}
	if code, _, errs := run(t, nil, "witness", "--once"); code != 2 || !strings.Contains(errs, "--follow") {
		t.Fatalf("usage: %d %q", code, errs)
	}
}
