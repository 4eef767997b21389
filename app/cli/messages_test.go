package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The command line speaks Bahasa Indonesia: every failing command below
// says what went wrong, and its flags' descriptions, without an English
// sentence of ours. The flag package's own words (its error line, "Usage
// of …", "(default …)") are set aside.
func TestErrorsAreIndonesian(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	vars := map[string]string{"PERSEPSI_DB": db, "PERSEPSI_DEVICE_LIMIT": ""}
	if code, _, errs := run(t, vars, "unit", "add", "--name", "Dinas A"); code != 0 {
		t.Fatal(errs)
	}
	english := regexp.MustCompile(`(?i)not found|required|want |must |unknown|unable|invalid input|unexpected|is not|exactly|either|usage: persepsi|run 'persepsi`)
	flagLines := regexp.MustCompile(`(?m)^(Usage of persepsi .*|invalid value .*|flag provided but not defined: .*)\n| \(default .*\)`)
	for _, args := range [][]string{
		{"nonsense"},
		{"service", "add", "--unit", "7", "--name", "Y"},
		{"service", "add", "--name", "Y"},
		{"service", "frobnicate"},
		{"counter", "add", "--name", "Loket"},
		{"counter", "list", "--unit", "7"},
		{"service", "list", "--unit", "7"},
		{"unit", "list", "extra"},
		{"unit", "add", "--name", ""},
		{"export", "--unit", "1"},
		{"export", "--unit", "9", "--out", filepath.Join(t.TempDir(), "b.zip")},
		{"export", "--unit", "1", "--out", "x.zip", "--k", "0"},
		{"exclude", "--unit", "1"},
		{"exclude", "--response", "0123456789abcdef0123456789abcdef", "--reason", "r", "--actor", "a"},
		{"token", "add"},
		{"token", "add", "--user", "nobody"},
		{"token", "add", "--user", "nobody", "--expires", "kapan"},
		{"user", "unlock"},
		{"user", "unlock", "--username", "nobody"},
		{"rollup", "rebuild", "--unit", "5"},
		{"verify"},
		{"witness"},
		{"witness", "--follow", "ftp://x", "--state", t.TempDir()},
		{"demo", "--days", "0"},
		{"loadtest", "--conns", "0"},
		{"bodyload", "--bodies", "0"},
		{"serve", "--addr", "nonsense"},
		{"serve", "--base-url", "survei.example"},
		{"serve", "--network-limit", "-1"},
		{"serve", "--kiosk-idle", "1s"},
		{"serve", "--trusted-proxies", "bukan-ip"},
		{"serve", "--checkpoint-interval", "1s"},
		{"serve", "--time-bucket", "7m"},
	} {
		code, _, errs := run(t, vars, args...)
		if code == 0 || errs == "" {
			t.Errorf("%v: code %d, stderr %q; want a failure explained on stderr", args, code, errs)
			continue
		}
		if m := english.FindString(flagLines.ReplaceAllString(errs, "")); m != "" {
			t.Errorf("%v: stderr holds English %q: %q", args, m, errs)
		}
	}
	for _, args := range [][]string{
		{"-h"}, {"serve", "-h"}, {"unit", "add", "-h"}, {"service", "add", "-h"}, {"counter", "add", "-h"},
		{"demo", "-h"}, {"loadtest", "-h"}, {"bodyload", "-h"}, {"export", "-h"}, {"verify", "-h"},
		{"witness", "-h"}, {"exclude", "-h"}, {"user", "add", "-h"}, {"user", "unlock", "-h"},
		{"token", "add", "-h"}, {"rollup", "rebuild", "-h"},
	} {
		_, out, errs := run(t, vars, args...)
		if m := english.FindString(flagLines.ReplaceAllString(out+errs, "")); m != "" {
			t.Errorf("%v: help holds English %q: %q", args, m, out+errs)
		}
	}
	// A flag error keeps flag's own line and adds ours.
	if _, _, errs := run(t, vars, "unit", "add", "--bogus"); !strings.Contains(errs, "persepsi unit: flag salah (flag provided but not defined: -bogus)") {
		t.Errorf("flag error: %q", errs)
	}
}

// syncBuffer is a bytes.Buffer a server goroutine and the test may share;
// onWrite runs after each write.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	onWrite func(string)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	n, err := s.b.Write(p)
	text := s.b.String()
	s.mu.Unlock()
	if s.onWrite != nil {
		s.onWrite(text)
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveUntilRunning starts serve on a loopback port and stops it once it
// says it is running; it returns stderr.
func serveUntilRunning(t *testing.T, vars map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{onWrite: func(s string) {
		if strings.Contains(s, "Persepsi berjalan") {
			cancel()
		}
	}}
	var errb syncBuffer
	env := &Env{Stdout: out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }, Logger: discardLogger}
	Run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0"})
	if !strings.Contains(out.String(), "Persepsi berjalan") {
		t.Fatalf("serve did not start: stdout %q, stderr %q", out.String(), errb.String())
	}
	return errb.String()
}

// One loopback note, worded once: serve and the link-printing commands
// print the same sentence, and the measuring commands' temporary server
// prints none.
func TestLoopbackNoteIsOneAndSilencedForMeasuringServers(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	vars := map[string]string{"PERSEPSI_DB": db}
	if code, _, errs := run(t, vars, "unit", "add", "--name", "Dinas A"); code != 0 {
		t.Fatal(errs)
	}
	note := func(stderr string) string {
		t.Helper()
		line := regexp.MustCompile(`(?m)^catatan: alamat publik \S+ (.*)$`).FindStringSubmatch(stderr)
		if line == nil {
			t.Fatalf("no loopback note in %q", stderr)
		}
		return line[1]
	}
	fromServe := note(serveUntilRunning(t, vars))
	_, _, errs := run(t, vars, "counter", "add", "--unit", "1", "--name", "Loket 1")
	if fromCounter := note(errs); fromCounter != fromServe {
		t.Errorf("two wordings of the loopback note:\nserve:   %s\ncounter: %s", fromServe, fromCounter)
	}

	quiet := map[string]string{"PERSEPSI_DB": db, noLoopbackNoteEnv: "1"}
	if errs := serveUntilRunning(t, quiet); strings.Contains(errs, "alamat publik") {
		t.Errorf("serve with %s=1 still notes loopback: %q", noLoopbackNoteEnv, errs)
	}
	cmd := serverCommand(context.Background(), &Env{}, "persepsi", db, "127.0.0.1:1")
	if !slices.Contains(cmd.Env, noLoopbackNoteEnv+"=1") {
		t.Errorf("the measuring server is started without %s=1: %v", noLoopbackNoteEnv, cmd.Env)
	}
}
