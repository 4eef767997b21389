package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// run executes a command line against a fresh environment and returns its
// exit code, stdout and stderr.
func run(t *testing.T, envVars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return envVars[k] },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	code := Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestCatalogCommands(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	vars := map[string]string{"PERSEPSI_DB": db}
	steps := []struct {
		args     []string
		code     int
		out, err string // regexps
	}{
		{[]string{"unit", "add", "--name", "Dinas A", "--agency", "Pemkab B", "--tz", "Asia/Jayapura"}, 0, `^1\n$`, ``},
		{[]string{"unit", "add", "--name", "", "--tz", "Europe/Paris"}, 2, `^$`, `--name: .*\n  --tz: Zona waktu`},
		{[]string{"unit", "add", "--name", "X", "--questionnaire", "skm-14-2017@1"}, 0, `^2\n$`, ``},
		{[]string{"unit", "list"}, 0, `Dinas A\s+Pemkab B\s+Asia/Jayapura \(WIT\)\s+spkp-spak-6@1`, ``},
		{[]string{"service", "add", "--unit", "1", "--name", "Perizinan"}, 0, `^1\n$`, ``},
		{[]string{"service", "add", "--unit", "1", "--name", "Perizinan"}, 2, ``, `sudah ada`},
		{[]string{"service", "add", "--unit", "7", "--name", "Y"}, 1, ``, `^persepsi service: unit 7 tidak ditemukan\n$`},
		{[]string{"counter", "list", "--unit", "7"}, 1, `^$`, `^persepsi counter: unit 7 tidak ditemukan\n$`},
		{[]string{"service", "list", "--unit", "7"}, 1, `^$`, `^persepsi service: unit 7 tidak ditemukan\n$`},
		{[]string{"service", "add", "--name", "Y"}, 2, ``, `^persepsi service: --unit wajib diisi\n$`},
		{[]string{"counter", "add", "--unit", "1", "--name", "Loket 1", "--base-url", "https://survei.example.go.id/"}, 0, `^https://survei\.example\.go\.id/s/[a-z2-7]{16}\n$`, ``},
		{[]string{"counter", "add", "--unit", "1", "--name", "Loket 2", "--service", "1"}, 0, `/s/[a-z2-7]{16}\n$`, ``},
		{[]string{"counter", "list", "--unit", "1"}, 0, `Loket 1\s+true\s+true\s+http`, `hanya dapat dibuka di komputer ini`},
		{[]string{"counter", "add", "--unit", "1"}, 2, ``, `--name`},
		{[]string{"counter", "frobnicate"}, 2, ``, `pilih salah satu subperintah: add, list\nPemakaian: persepsi counter add\|list \[flag\]\nJalankan 'persepsi counter add -h'`},
		{[]string{"user", "-h"}, 0, `^Pemakaian: persepsi user add\|list\|unlock\|reset-password \[flag\]\n`, `^$`},
		{[]string{"token", "--help"}, 0, `^Pemakaian: persepsi token add \[flag\]\nJalankan 'persepsi token add -h' untuk melihat flag-nya\.\n$`, `^$`},
		{[]string{"-h"}, 0, `^Pemakaian: persepsi <perintah> \[flag\]\n\nPerintah:\n(?s).*  witness `, `^$`},
		{[]string{"--help"}, 0, `Perintah:`, `^$`},
		{[]string{"--addr", "nonsense:x:y"}, 2, ``, `persepsi serve: `},
		{[]string{"unit", "add", "--bogus"}, 2, ``, `flag provided but not defined`},
		{[]string{"nonsense"}, 2, ``, `perintah "nonsense" tidak dikenal`},
		{[]string{"exclude", "--unit", "1", "--response", "zzz"}, 2, ``, `"zzz" bukan rujukan respons \(32 digit heksadesimal, kolom ref pada ekspor\)`},
		{[]string{"version"}, 0, `^persepsi `, ``},
	}
	for _, st := range steps {
		code, out, errs := run(t, vars, st.args...)
		if code != st.code || !regexp.MustCompile(st.out).MatchString(out) || !regexp.MustCompile(st.err).MatchString(errs) {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want code %d, stdout ~ %q, stderr ~ %q", st.args, code, out, errs, st.code, st.out, st.err)
		}
	}
}

func TestDemoIsReproducible(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var outs []string
	for _, name := range []string{"a.db", "b.db"} {
		code, out, errs := run(t, nil, "demo", "--db", filepath.Join(dir, name), "--days", "10", "--per-day", "20", "--seed", "7")
		if code != 0 {
			t.Fatalf("demo: %d %s", code, errs)
		}
		if !strings.Contains(errs, "100%") {
			t.Errorf("no finished progress bar in %q", errs)
		}
		// Codes are random; the counts must match.
		outs = append(outs, regexp.MustCompile(`/s/[a-z2-7]{16}`).ReplaceAllString(out, "/s/CODE"))
	}
	if outs[0] != outs[1] {
		t.Fatalf("same seed, different demo:\n%s\n%s", outs[0], outs[1])
	}
	if !regexp.MustCompile(`dibuat dengan [1-9]\d* respons selama 10 hari`).MatchString(outs[0]) {
		t.Fatalf("unexpected output %q", outs[0])
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	for _, tc := range []struct {
		vars map[string]string
		args []string
		err  string
	}{
		{map[string]string{"PERSEPSI_DEVICE_LIMIT": "lots"}, nil, "bukan bilangan bulat"},
		{nil, []string{"--addr", "nonsense"}, "harus host:port"},
		{nil, []string{"--base-url", "survei.example"}, "harus URL http(s) lengkap"},
		{nil, []string{"--network-limit", "-1"}, "0 (mati) atau positif"},
	} {
		code, _, errs := run(t, tc.vars, append([]string{"serve", "--db", db}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.err) {
			t.Errorf("%v %v: code %d stderr %q, want 2 and %q", tc.vars, tc.args, code, errs, tc.err)
		}
	}
}

// Every command's -h prints its flags once, to stderr, and exits 0 without
// touching a database.
func TestHelpFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"PERSEPSI_DB": filepath.Join(dir, "p.db")}
	for _, args := range [][]string{
		{"serve", "-h"}, {"unit", "add", "-h"}, {"unit", "list", "-h"}, {"service", "add", "-h"},
		{"counter", "add", "-h"}, {"counter", "list", "-h"}, {"demo", "-h"}, {"loadtest", "-h"},
		{"export", "-h"}, {"verify", "-h"}, {"exclude", "-h"}, {"user", "add", "-h"}, {"token", "add", "-h"},
		{"rollup", "rebuild", "-h"},
	} {
		code, out, errs := run(t, vars, args...)
		if n := strings.Count(errs, "Usage of persepsi"); code != 0 || n != 1 || !strings.Contains(errs, "-db") || out != "" {
			t.Errorf("%v: code %d, %d usage blocks, stdout %q, stderr %q", args, code, n, out, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "p.db")); !os.IsNotExist(err) {
		t.Errorf("help created the database (stat: %v)", err)
	}
}

// A bad time bucket is refused before the database is touched, from the
// environment as from serve's flag.
func TestTimeBucketIsValidated(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	for _, tc := range []struct {
		vars map[string]string
		args []string
	}{
		{map[string]string{"PERSEPSI_DB": db, "PERSEPSI_TIME_BUCKET": "7m"}, []string{"unit", "list"}},
		{map[string]string{"PERSEPSI_DB": db}, []string{"serve", "--time-bucket", "5h", "--addr", "127.0.0.1:0"}},
		{map[string]string{"PERSEPSI_DB": db}, []string{"serve", "--time-bucket", "soon", "--addr", "127.0.0.1:0"}},
	} {
		if code, _, errs := run(t, tc.vars, tc.args...); code != 2 || !strings.Contains(errs, "time bucket") {
			t.Errorf("%v %v: code %d, stderr %q; want a usage error about the time bucket", tc.vars, tc.args, code, errs)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("the database was created despite a bad time bucket")
	}
}

// The demo looks like a real unit's data: items differ with a weak one or
// two, visitors follow the weekday, profiles are skewed as in a service
// office, some respondents report coaching, some leave suggestions, and
// every service gets responses.
func TestDemoLooksReal(t *testing.T) {
	t.Parallel()
	s := demoStore(t, "--days", "56", "--per-day", "30", "--seed", "3", "--tz", "Asia/Makassar")
	ctx := context.Background()
	u, err := s.Unit(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(u.Location())
	p := survey.Period{From: today.AddDate(0, 0, -55).Format(time.DateOnly), To: today.Format(time.DateOnly)}
	sum, err := s.Summary(ctx, u.ID, p, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range sum.Sections {
		lo, hi := 5.0, 0.0
		for _, it := range sec.Items {
			lo, hi = min(lo, it.Est.Index), max(hi, it.Est.Index)
		}
		t.Logf("%s = %.3f, items %.3f–%.3f, weakest %s", sec.Index, sec.Est.Index, lo, hi, sec.Weakest[0].Code)
		if sec.Code == "SPKP" && (hi-lo < 0.3 || sec.Weakest[0].Code != "SPKP4") {
			t.Errorf("SPKP items span %.2f (want ≥ 0.30), weakest %s (want SPKP4)", hi-lo, sec.Weakest[0].Code)
		}
		if sec.Code == "SPAK" && sec.Est.Index <= sum.Sections[0].Est.Index {
			t.Errorf("IPAK %.2f not above IPKP %.2f (SPAK answers pile at the top)", sec.Est.Index, sum.Sections[0].Est.Index)
		}
	}
	t.Logf("%d responses, coached %.1f%%, %d suggestions", sum.N, 100*sum.Control.Share, len(sum.Suggestions))
	if c := sum.Control; c == nil || c.Share < 0.02 || c.Share > 0.07 {
		t.Errorf("coached share %+v, want 2–7%%", c)
	}
	if len(sum.Suggestions) < 10 {
		t.Errorf("%d suggestions", len(sum.Suggestions))
	}
	for _, ps := range sum.Profile {
		if ps.Code != "pendidikan" {
			continue
		}
		counts := map[string]int64{}
		for _, o := range ps.Options {
			counts[o.Option] = o.Count
		}
		if counts["SMA"] <= counts["SMP"] || counts["S1"] <= counts["S2"] || counts["S3"] >= counts["S2"] {
			t.Errorf("education counts %v: want SMA and S1 ahead, S3 rarest", counts)
		}
	}
	svcs, err := s.Services(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sv := range svcs {
		got, err := s.Summary(ctx, u.ID, p, survey.Filter{ServiceID: sv.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.N < 20 {
			t.Errorf("service %s has %d responses", sv.Name, got.N)
		}
	}
	daily, err := s.Daily(ctx, u.ID, p, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var byDay [7]int64
	for _, pt := range daily.Points {
		d, _ := time.Parse(time.DateOnly, pt.Day)
		byDay[d.Weekday()] += pt.N
	}
	if byDay[time.Sunday] != 0 || byDay[time.Monday] <= byDay[time.Friday] || byDay[time.Friday] <= byDay[time.Saturday] {
		t.Errorf("responses by weekday %v: want Sunday shut, Monday > Friday > Saturday", byDay)
	}
}

// "Ending today" is the unit's local day: at 23.30 UTC on 1 December it is
// already 2 December in WIT, and the demo's last day is 2 December, with
// nothing dated after now.
func TestDemoEndsOnTheUnitsLocalDay(t *testing.T) {
	t.Parallel()
	s := demoStore(t, "--days", "1", "--per-day", "1", "--tz", "Asia/Jayapura")
	ctx := context.Background()
	cs, err := s.Counters(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var surveys []*survey.Survey
	for _, c := range cs {
		sv, err := s.SurveyByCode(ctx, c.Code)
		if err != nil {
			t.Fatal(err)
		}
		surveys = append(surveys, sv)
	}
	loc := surveys[0].Unit.Location()
	now := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC) // 08.30 WIT, 2 December
	g := demoGenerator{rng: rand.New(rand.NewPCG(1, 1)), surveys: surveys, loc: loc}
	days := map[string]bool{}
	for _, in := range g.inputs(now, 3, 400) {
		if in.at.After(now) {
			t.Fatalf("a response dated %v, after now %v", in.at, now)
		}
		days[in.at.In(loc).Format(time.DateOnly)] = true
	}
	for _, want := range []string{"2026-11-30", "2026-12-01", "2026-12-02"} {
		if !days[want] {
			t.Errorf("no responses on %s: days %v", want, days)
		}
	}
	if len(days) != 3 {
		t.Errorf("days %v, want exactly the three ending on the local 2 December", days)
	}
}

// TestDBFlagRefusesServerURLs: an unknown scheme in --db and an
// unreachable PostgreSQL server are refused with a clear message and create
// nothing (a URL used to create a SQLite file in a folder named
// "postgres:"), and the password in it is never echoed.
func TestDBFlagRefusesServerURLs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		db   string
		code int
		want string
	}{
		// Port 1 on loopback: nothing listens there.
		{"postgres://persepsi:rahasia@127.0.0.1:1/persepsi?connect_timeout=5", 1, `tidak dapat membuka basis data PostgreSQL postgres://persepsi:xxxxx@127.0.0.1:1/persepsi`},
		{"POSTGRESQL://persepsi:rahasia@127.0.0.1:1/db?connect_timeout=5", 1, `tidak dapat membuka basis data PostgreSQL`},
		{"mysql://root@h/db", 2, `skema "mysql" tidak dikenal`},
	} {
		db := filepath.Join(dir, tc.db)
		code, _, errOut := run(t, map[string]string{"PERSEPSI_DB": tc.db}, "unit", "list")
		if code != tc.code || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "rahasia") {
			t.Errorf("--db %s: exit %d, stderr %q; want %d and %q without the password", tc.db, code, errOut, tc.code, tc.want)
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("--db %s created %s", tc.db, db)
		}
	}
	entries, _ := os.ReadDir(".")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ":") {
			t.Errorf("a folder %q was created in the working directory", e.Name())
		}
	}
}

// demoStore runs `persepsi demo` with args on a fresh database and opens it
// (closed at the end of the test).
func demoStore(t *testing.T, args ...string) *sqlstore.Store {
	t.Helper()
	return openTestStore(t, demoDB(t, args...))
}

// demoDB runs `persepsi demo` with args on a fresh SQLite file and returns
// its path.
func demoDB(t *testing.T, args ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "p.db")
	if code, _, errs := run(t, nil, append([]string{"demo", "--db", db}, args...)...); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	return db
}

// openTestStore opens the database --db would name (a SQLite file or a
// postgres:// URL) as the commands do; it is closed at the end of the test.
func openTestStore(t *testing.T, db string) *sqlstore.Store {
	t.Helper()
	s, err := openStore(context.Background(), &Env{Logger: discardLogger}, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A postgres:// URL names no folder: the HMAC secret and the signing key
// default to data/, as the SQLite default does (filepath.Dir of the URL
// made a folder named "postgres:"), and a SQLite file keeps them beside it.
func TestKeyFilesDefaultBesideTheDatabase(t *testing.T) {
	t.Parallel()
	for db, dir := range map[string]string{
		"postgres://persepsi@db.internal:5432/persepsi?sslmode=disable": "data",
		"POSTGRESQL://db.internal/persepsi":                             "data",
		"/srv/persepsi/persepsi.db":                                     "/srv/persepsi",
		"persepsi.db":                                                   ".",
	} {
		cfg := serveConfig{Addr: "127.0.0.1:8080", DB: db}
		if err := cfg.validate(); err != nil {
			t.Fatal(err)
		}
		if key := keyPath("", db); key != filepath.Join(dir, "signing.key") || cfg.SecretFile != filepath.Join(dir, "secret.key") {
			t.Errorf("--db %s: signing key %s, secret %s; want both in %s", db, key, cfg.SecretFile, dir)
		}
	}
}

// Nodes starting at once on one folder share one HMAC secret: before, each
// wrote its own into the file, and all but the last kept a secret the file
// no longer held (CSRF tokens and kiosk keys of one node refused by the
// others, and by the same node after a restart).
func TestSecretIsSharedByNodesStartingAtOnce(t *testing.T) {
	t.Parallel()
	for round := range 10 {
		path := filepath.Join(t.TempDir(), "secret.key")
		const n = 8
		got := make([]string, n)
		var ready, wg sync.WaitGroup
		ready.Add(n)
		for i := range n {
			wg.Go(func() {
				ready.Done()
				ready.Wait()
				s, err := loadOrCreateSecret(path)
				if err != nil {
					t.Error(err)
				}
				got[i] = hex.EncodeToString(s)
			})
		}
		wg.Wait()
		onFile, err := loadOrCreateSecret(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range got {
			if s != hex.EncodeToString(onFile) {
				t.Fatalf("round %d: node %d kept secret %.8s…, the file holds %.8s…", round, i, s, hex.EncodeToString(onFile))
			}
		}
	}
}
