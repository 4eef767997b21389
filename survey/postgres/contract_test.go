package postgres_test

import (
	"sync"
	"testing"

	"persepsi/survey"
	"persepsi/survey/postgres"
	"persepsi/survey/storetest"
)

// TestContract runs the contract suite on PostgreSQL: every store a test
// opens is on a fresh schema of the test server, and Again opens a second
// store (its own writer and readers, as another node would) on the same
// schema.
func TestContract(t *testing.T) {
	var urls sync.Map // survey.Store → its URL
	open := func(tb testing.TB, url string) survey.Store {
		tb.Helper()
		s, err := postgres.Open(url, survey.Options{Logger: storetest.Logger, PasswordCost: storetest.PasswordCost})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { _ = s.Close() })
		urls.Store(survey.Store(s), url)
		return s
	}
	storetest.Run(t, storetest.Opener{
		Fresh: func(tb testing.TB) survey.Store { return open(tb, storetest.PostgresURL(tb)) },
		Again: func(tb testing.TB, s survey.Store) survey.Store {
			url, ok := urls.Load(s)
			if !ok {
				tb.Fatal("storetest: Again on a store Fresh did not open")
			}
			return open(tb, url.(string))
		},
	})
}
