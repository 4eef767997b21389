// Package storetest opens stores for tests: one helper for every package,
// so each test owns a fresh database and can run in parallel.
package storetest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey/sqlite"
	"testing"

	"persepsi/data"
	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// PasswordCost is the argon2id cost of passwords set in tests: the least
// argon2id allows, about 0.1 ms a hash instead of 30 ms (hundreds of ms
// under -race). Hashes record their cost, so sign-in still runs the real
// argon2id check; only its price differs. TestPasswordCost in package survey
// checks the production default.
var PasswordCost = survey.PasswordCost{Time: 1, Memory: 8, Threads: 1}

// Logger discards everything: tests assert on results, not on log lines.
var Logger = slog.New(slog.NewTextHandler(io.Discard, nil))

// MustOpen opens a Store on a fresh temp SQLite file with the shipped
// questionnaires loaded, a silent logger and the cheap PasswordCost; it is
// closed when the test ends. opts adjust the options before it opens.
func MustOpen(tb testing.TB, opts ...func(*survey.Options)) *sqlstore.Store {
	tb.Helper()
	o := survey.Options{Logger: Logger, PasswordCost: PasswordCost}
	for _, f := range opts {
		f(&o)
	}
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "test.db"), o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.SyncQuestionnaires(context.Background(), qs); err != nil {
		tb.Fatal(err)
	}
	return s
}
