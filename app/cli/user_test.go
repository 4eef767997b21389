package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey/sqlite"
	"regexp"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
)

func TestUserTokenRollupCommands(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	vars := map[string]string{"PERSEPSI_DB": db}
	withStdin := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string { return vars[k] }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		return Run(context.Background(), env, args), out.String(), errb.String()
	}
	steps := []struct {
		stdin    string
		args     []string
		code     int
		out, err string
	}{
		{"", []string{"unit", "add", "--name", "Dinas A"}, 0, `^1\n$`, ``},
		{"rahasia-sekali-1\n", []string{"user", "add", "--username", "admin", "--role", "admin"}, 0, `^1\n$`, ``},
		{"rahasia-sekali-2\n", []string{"user", "add", "--username", "kepala", "--role", "kepala_unit", "--unit", "1"}, 0, `^2\n$`, ``},
		{"", []string{"user", "add", "--username", "tanpa"}, 2, ``, `standard input`},
		{"pendek\n", []string{"user", "add", "--username", "pendek"}, 2, ``, `--password: Kata sandi`},
		{"rahasia-sekali-3\n", []string{"user", "add", "--username", "xyz", "--unit", "9"}, 2, ``, `Unit 9 tidak ada`},
		{"", []string{"user", "list"}, 0, `kepala\s+kepala_unit\s+true\s+\[1\]`, ``},
		{"", []string{"token", "add", "--user", "kepala"}, 0, `^psp_[A-Za-z0-9_-]{43}\n$`, ``},
		{"", []string{"token", "add", "--user", "nobody"}, 1, ``, `pengguna "nobody" tidak ditemukan`},
		{"", []string{"token", "add", "--user", "kepala", "--expires", "7d"}, 0, `^psp_`, `expires \d+ \pL+ 20\d\d, \d\d\.\d\d WIB \(20`},
		{"", []string{"token", "add", "--user", "kepala", "--expires", "1000d"}, 2, ``, `1 jam sampai 2 tahun`},
		{"", []string{"token", "add", "--user", "kepala", "--expires", "kapan-kapan"}, 2, ``, `harus jumlah hari`},
		{"", []string{"user", "unlock", "--username", "kepala"}, 0, `^kepala: kunci dibuka\n$`, ``},
		{"", []string{"user", "unlock", "--username", "nobody"}, 1, ``, `pengguna "nobody" tidak ditemukan`},
		{"", []string{"user", "reset-password", "--username", "kepala"}, 2, ``, `standard input`},
		{"pendek\n", []string{"user", "reset-password", "--username", "kepala"}, 2, ``, `Kata sandi`},
		{"rahasia-baru-sekali\n", []string{"user", "reset-password", "--username", "kepala"}, 0, `^kepala: kata sandi diganti, sesi diakhiri, token API dicabut\n$`, ``},
		{"", []string{"rollup", "rebuild"}, 0, `rollup harian dibangun ulang`, ``},
		{"", []string{"rollup", "rebuild", "--unit", "5"}, 1, ``, `unit 5 tidak ditemukan`},
	}
	for _, s := range steps {
		code, out, errOut := withStdin(s.stdin, s.args...)
		if code != s.code || !regexp.MustCompile(s.out).MatchString(out) || !regexp.MustCompile(s.err).MatchString(errOut) {
			t.Errorf("%v: code %d out %q err %q", s.args, code, out, errOut)
		}
	}
}

// TestUserResetPasswordEndsSessions: reset-password sets the password from
// standard input, ends every session of the user and revokes their API
// tokens (a token made with a leaked password must not outlive the reset).
func TestUserResetPasswordEndsSessions(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	s, err := sqlite.Open(db, survey.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "admin", Password: "rahasia-lama-1", Role: survey.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.CreateToken(ctx, u.ID, "skrip", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, token); err != nil {
		t.Fatalf("token before the reset: %v", err)
	}
	s.Close()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader("rahasia-baru-1\n"), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return map[string]string{"PERSEPSI_DB": db}[k] }, Logger: logger}
	if code := Run(ctx, env, []string{"user", "reset-password", "--username", "admin"}); code != 0 {
		t.Fatalf("reset-password: %d %s", code, errb.String())
	}
	s, err = sqlite.Open(db, survey.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SessionByID(ctx, sess); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("session survived the reset: %v", err)
	}
	if _, err := s.TokenUser(ctx, token); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("API token survived the reset: %v", err)
	}
	if _, err := s.Authenticate(ctx, "admin", "rahasia-baru-1"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "admin", "rahasia-lama-1"); err == nil {
		t.Error("old password still works")
	}
}
