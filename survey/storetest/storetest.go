// Package storetest is the contract suite every store passes (Run) and the
// helpers tests share: MustOpen opens a store for every package, so each
// test owns a fresh database and can run in parallel; Survey, Input,
// RandomInput, Seed and SubmitN build and submit valid responses.
package storetest

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"persepsi/survey"
	"persepsi/survey/postgres"
	"persepsi/survey/sqlite"
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

// StoreEnv=postgres makes MustOpen open PostgreSQL stores (on a fresh
// schema of PostgresURL) instead of SQLite files, so any package's tests
// can be run against PostgreSQL: PERSEPSI_TEST_STORE=postgres go test ./app/.
const StoreEnv = "PERSEPSI_TEST_STORE"

// MustOpen opens a Store on a fresh temp SQLite file (or, with
// StoreEnv=postgres, a fresh PostgreSQL schema) with the shipped
// questionnaires loaded, a silent logger and the cheap PasswordCost; it is
// closed when the test ends. opts adjust the options before it opens.
func MustOpen(tb testing.TB, opts ...func(*survey.Options)) *sqlstore.Store {
	tb.Helper()
	if os.Getenv(StoreEnv) == "postgres" {
		return MustOpenPostgres(tb, PostgresURL(tb), opts...)
	}
	return mustOpen(tb, func(o survey.Options) (*sqlstore.Store, error) {
		return sqlite.Open(filepath.Join(tb.TempDir(), "test.db"), o)
	}, opts)
}

// MustOpenPostgres opens a Store on the PostgreSQL database at url (from
// PostgresURL), as MustOpen does. Each call is another node: open it
// twice on one url for two stores sharing a database.
func MustOpenPostgres(tb testing.TB, url string, opts ...func(*survey.Options)) *sqlstore.Store {
	tb.Helper()
	return mustOpen(tb, func(o survey.Options) (*sqlstore.Store, error) { return postgres.Open(url, o) }, opts)
}

func mustOpen(tb testing.TB, open func(survey.Options) (*sqlstore.Store, error), opts []func(*survey.Options)) *sqlstore.Store {
	tb.Helper()
	o := survey.Options{Logger: Logger, PasswordCost: PasswordCost}
	for _, f := range opts {
		f(&o)
	}
	s, err := open(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	syncQuestionnaires(tb, s)
	return s
}

// Tamper runs raw SQL on s's database past the store's API (its writer
// pool; ? placeholders on either database), as someone holding the
// database would, and returns the rows it changed.
func Tamper(tb testing.TB, s *sqlstore.Store, query string, args ...any) int64 {
	tb.Helper()
	res := s.Writer().Exec(query, args...)
	if res.Error != nil {
		tb.Fatalf("%s: %v", query, res.Error)
	}
	return res.RowsAffected
}
