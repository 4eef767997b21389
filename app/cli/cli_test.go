package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
		{[]string{"service", "add", "--unit", "7", "--name", "Y"}, 1, ``, `unit 7 not found`},
		{[]string{"service", "add", "--name", "Y"}, 2, ``, `--unit is required`},
		{[]string{"counter", "add", "--unit", "1", "--name", "Loket 1", "--base-url", "https://survei.example.go.id/"}, 0, `^https://survei\.example\.go\.id/s/[a-z2-7]{16}\n$`, ``},
		{[]string{"counter", "add", "--unit", "1", "--name", "Loket 2", "--service", "1"}, 0, `/s/[a-z2-7]{16}\n$`, ``},
		{[]string{"counter", "list", "--unit", "1"}, 0, `Loket 1\s+true\s+http`, ``},
		{[]string{"counter", "add", "--unit", "1"}, 2, ``, `--name`},
		{[]string{"counter", "frobnicate"}, 2, ``, `want one of`},
		{[]string{"unit", "add", "--bogus"}, 2, ``, `flag provided but not defined`},
		{[]string{"nonsense"}, 2, ``, `unknown command`},
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
	if !regexp.MustCompile(`created with [1-9]\d* responses over 10 days`).MatchString(outs[0]) {
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
		{map[string]string{"PERSEPSI_DEVICE_LIMIT": "lots"}, nil, "not a whole number"},
		{nil, []string{"--addr", "nonsense"}, "want host:port"},
		{nil, []string{"--base-url", "survei.example"}, "absolute http"},
		{nil, []string{"--network-limit", "-1"}, "0 (off) or positive"},
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
