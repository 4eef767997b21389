package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestUserTokenRollupCommands(t *testing.T) {
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
		{"", []string{"token", "add", "--user", "nobody"}, 1, ``, `user "nobody" not found`},
		{"", []string{"rollup", "rebuild"}, 0, `rollups rebuilt`, ``},
		{"", []string{"rollup", "rebuild", "--unit", "5"}, 1, ``, `unit 5 not found`},
	}
	for _, s := range steps {
		code, out, errOut := withStdin(s.stdin, s.args...)
		if code != s.code || !regexp.MustCompile(s.out).MatchString(out) || !regexp.MustCompile(s.err).MatchString(errOut) {
			t.Errorf("%v: code %d out %q err %q", s.args, code, out, errOut)
		}
	}
}
