package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
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
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		msg := "storetest: no PostgreSQL server at " + redact(base) + " (" + err.Error() + "); start it (see .ci/run) or set " + PostgresEnv
		if os.Getenv(RequirePostgresEnv) == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		_ = db.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("storetest: dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	return u.Redacted()
}
