package storetest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"persepsi/survey/postgres"
)

// PostgresEnv names the server the PostgreSQL tests use; DefaultPostgres
// is the machine's own (see .ci/run). RequirePostgresEnv=1 makes a
// missing server a failure instead of a skip: CI sets it, so there the
// PostgreSQL tests always run.
const (
	PostgresEnv        = "PERSEPSI_TEST_POSTGRES"
	RequirePostgresEnv = "PERSEPSI_REQUIRE_POSTGRES"
	DefaultPostgres    = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
)

// PostgresURL returns the URL of a fresh, empty schema on the test server,
// dropped (with everything in it) when the test ends: each test owns its
// database, as with a SQLite temp file, and tests run in parallel. When no
// server answers, the test is skipped, or fails if RequirePostgresEnv=1.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		base = DefaultPostgres
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, drop, err := postgres.FreshSchema(ctx, base)
	if err != nil {
		msg := "storetest: " + err.Error() + "; start the server (see .ci/run) or set " + PostgresEnv
		if os.Getenv(RequirePostgresEnv) == "1" || !errors.Is(err, postgres.ErrUnreachable) {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Errorf("storetest: dropping the test schema: %v", err)
		}
	})
	return u
}
