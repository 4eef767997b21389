package cli

import (
	"context"
	"database/sql"
	"fmt"
	"net"
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
)

// instanceFixture is a real server on 127.0.0.1 (port 0) over a temp SQLite
// file, with a unit ready to take responses.
type instanceFixture struct {
	store *survey.Store
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
	f := &instanceFixture{db: filepath.Join(t.TempDir(), "p.db"), key: evidence.NewKey(), hour: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)}
	var err error
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
	// The latest exclusions and their chain entries go, and so does the
	// checkpoint that named them: the instance republishes a shorter head.
	db := f.attacker(t)
	sqlExec(t, db, `DELETE FROM chain WHERE unit_id = ? AND seq > 1`, f.unit.ID)
	sqlExec(t, db, `DELETE FROM exclusions WHERE unit_id = ?`, f.unit.ID)
	sqlExec(t, db, `DELETE FROM checkpoints WHERE unit_id = ?`, f.unit.ID)
	f.publish(t)
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
	db := f.attacker(t)
	sqlExec(t, db, `UPDATE answers SET value = 1 WHERE response_id = 3`)
	f.rehash(t, db, 1)
	sqlExec(t, db, `DELETE FROM checkpoints`)
	f.publish(t)
	expectWitness(t, f, state, exitAlarm, `PERCABANGAN .*dua kepala berbeda untuk #1`)
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
