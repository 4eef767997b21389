package sqlite_test

import (
	"path/filepath"
	"testing"

	"persepsi/survey"
	"persepsi/survey/sqlite"
	"persepsi/survey/storetest"
)

// TestContract runs the contract suite on SQLite: a fresh file per store,
// and a second handle on the same file as a second process (a CLI command
// next to the server) opens it.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Opener{
		Fresh: func(tb testing.TB) survey.Store { return open(tb, filepath.Join(tb.TempDir(), "contract.db")) },
		Again: func(tb testing.TB, s survey.Store) survey.Store { return open(tb, s.Path()) },
	})
}

func open(tb testing.TB, path string) survey.Store {
	tb.Helper()
	s, err := sqlite.Open(path, survey.Options{Logger: storetest.Logger, PasswordCost: storetest.PasswordCost})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}
