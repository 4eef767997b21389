package cli

import (
	"archive/zip"
	"context"
	"encoding/json"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"persepsi/survey/evidence"
	"persepsi/survey/storetest"
)

// One public address everywhere: serve records it, every command uses it,
// and a loopback address never reaches a bundle without an explicit flag.
func TestPublicAddressIsRecordedAndUsed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	vars := map[string]string{"PERSEPSI_DB": db}
	ctx := context.Background()
	record := func(addr, flagValue string) string {
		t.Helper()
		s, err := openStore(ctx, &Env{Logger: discardLogger}, db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		cfg := serveConfig{Addr: addr, DB: db, BaseURL: flagValue}
		if err := cfg.validate(); err != nil {
			t.Fatal(err)
		}
		b, err := cfg.recordBaseURL(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if code, _, errs := run(t, vars, "unit", "add", "--name", "Dinas A"); code != 0 {
		t.Fatal(errs)
	}
	// Nothing recorded: the default, with a warning.
	code, out, errs := run(t, vars, "counter", "add", "--unit", "1", "--name", "Loket 1")
	if code != 0 || !strings.HasPrefix(out, "http://127.0.0.1:8080/s/") || !strings.Contains(errs, "hanya dapat dibuka di komputer ini") {
		t.Fatalf("counter add, nothing recorded: %d %q %q", code, out, errs)
	}
	// The unit has no service yet: the counter is not live, and both
	// commands say so.
	if !strings.Contains(errs, "belum dapat menerima respons") {
		t.Errorf("counter add on a unit without services: no note in %q", errs)
	}
	if _, out, _ := run(t, vars, "counter", "list", "--unit", "1"); !regexp.MustCompile(`Loket 1\s+true\s+false\s+http`).MatchString(out) {
		t.Errorf("counter list does not show the counter as not live: %q", out)
	}
	if code, _, errs := run(t, vars, "service", "add", "--unit", "1", "--name", "Perizinan"); code != 0 {
		t.Fatal(errs)
	}
	// A server on another port, without --base-url: its address is what
	// counter list prints.
	if b := record("0.0.0.0:9090", ""); b != "http://localhost:9090" {
		t.Fatalf("derived %q", b)
	}
	if _, out, _ := run(t, vars, "counter", "list", "--unit", "1"); !strings.Contains(out, "http://localhost:9090/s/") {
		t.Fatalf("counter list after serve on :9090: %q", out)
	}
	// Loopback recorded: export refuses, naming the way out.
	today := time.Now().Format(time.DateOnly)
	bundle := filepath.Join(dir, "bukti.zip")
	code, _, errs = run(t, vars, "export", "--unit", "1", "--from", today, "--to", today, "--out", bundle)
	if code != 1 || !strings.Contains(errs, "alamat publik http://localhost:9090 adalah alamat loopback") || !strings.Contains(errs, "--allow-loopback") {
		t.Fatalf("export with a loopback address: %d %q", code, errs)
	}
	code, _, errs = run(t, vars, "export", "--unit", "1", "--from", today, "--to", today, "--out", bundle, "--allow-loopback")
	if code != 0 || !strings.Contains(errs, "peringatan: paket bukti memuat alamat loopback") {
		t.Fatalf("export --allow-loopback: %d %q", code, errs)
	}
	// serve --base-url records the public address; a later serve without
	// it keeps it.
	if b := record("127.0.0.1:8080", "https://survei.contoh.go.id/"); b != "https://survei.contoh.go.id" {
		t.Fatalf("flag gave %q", b)
	}
	if b := record("127.0.0.1:8081", ""); b != "https://survei.contoh.go.id" {
		t.Fatalf("a derived address replaced the public one: %q", b)
	}
	code, out, errs = run(t, vars, "counter", "list", "--unit", "1")
	if code != 0 || !regexp.MustCompile(`https://survei\.contoh\.go\.id/s/[a-z2-7]{16}`).MatchString(out) || errs != "" {
		t.Fatalf("counter list: %d %q %q", code, out, errs)
	}
	if code, _, errs = run(t, vars, "export", "--unit", "1", "--from", today, "--to", today, "--out", bundle); code != 0 {
		t.Fatalf("export: %q", errs)
	}
	zr, err := zip.OpenReader(bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(evidence.FileManifest)
	if err != nil {
		t.Fatal(err)
	}
	var m evidence.Manifest
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m.Instance.BaseURL != "https://survei.contoh.go.id" {
		t.Fatalf("manifest base URL %q", m.Instance.BaseURL)
	}
}

// serve --addr with port 0 records the port the system chose, not
// "http://127.0.0.1:0".
func TestServeOnPortZeroRecordsItsPort(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"PERSEPSI_DB": filepath.Join(t.TempDir(), "p.db")}
	if code, _, errs := run(t, vars, "unit", "add", "--name", "Dinas A"); code != 0 {
		t.Fatal(errs)
	}
	serveUntilRunning(t, vars)
	_, out, _ := run(t, vars, "counter", "add", "--unit", "1", "--name", "Loket 1")
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9]\d*/s/`).MatchString(out) {
		t.Errorf("after serve --addr 127.0.0.1:0, counter add printed %q", out)
	}
}

// serve on PostgreSQL prints its database without the password, and the
// next steps' commands with --db quoted, so that the shell passes the URL
// whole (its "&" ended the printed command).
func TestServePrintsThePostgresURLSafely(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "rahasia-sekali") // the test server trusts any password
	vars := map[string]string{"PERSEPSI_DB": u.String()}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{onWrite: func(s string) {
		if strings.Contains(s, "/login") {
			cancel()
		}
	}}
	var errb syncBuffer
	env := &Env{Stdout: out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }, Logger: discardLogger}
	if code := Run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--base-url", "https://survei.contoh.go.id",
		"--secret-file", filepath.Join(t.TempDir(), "secret.key"), "--key-file", filepath.Join(t.TempDir(), "signing.key")}); code != 0 {
		t.Fatalf("serve: exit %d, %s", code, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "rahasia-sekali") {
		t.Errorf("serve printed the password:\n%s%s", out.String(), errb.String())
	}
	line := regexp.MustCompile(`(?m)^\s*(\./bin/persepsi unit add .*)$`).FindStringSubmatch(out.String())
	if line == nil {
		t.Fatalf("no unit add step in %q", out.String())
	}
	// The shell splits the printed command into these arguments.
	args, err := exec.Command("sh", "-c", `printf '%s\n' `+strings.TrimPrefix(line[1], "./bin/persepsi ")).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(u.String(), "rahasia-sekali", "xxxxx", 1)
	if !slices.Contains(strings.Split(string(args), "\n"), want) {
		t.Errorf("the shell reads %q as arguments %q; want %s among them", line[1], args, want)
	}
}
