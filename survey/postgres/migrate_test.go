package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/postgres"
	"persepsi/survey/storetest"
)

// A migration run holds its own schema only: a store on another schema of
// the same database opens meanwhile, one on the same schema waits for the
// run to end.
func TestMigrationsWaitOnlyForTheirSchema(t *testing.T) {
	t.Parallel()
	busy, other := storetest.PostgresURL(t), storetest.PostgresURL(t)
	ctx := context.Background()
	db, err := sql.Open("pgx", busy)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	end, err := postgres.Migrations.Hooks.Begin(ctx, conn) // a run on busy, in progress
	if err != nil {
		t.Fatal(err)
	}
	open := func(url string) error {
		s, err := postgres.Open(url, survey.Options{Logger: storetest.Logger})
		if err == nil {
			err = s.Close()
		}
		return err
	}
	began := time.Now()
	if err := open(other); err != nil {
		t.Fatalf("another schema, while busy migrates: %v", err)
	}
	t.Logf("another schema opened in %v", time.Since(began).Round(time.Millisecond))
	done := make(chan error, 1)
	go func() { done <- open(busy) }()
	select {
	case err := <-done:
		t.Fatalf("the busy schema opened during its migration run (err %v)", err)
	case <-time.After(time.Second):
	}
	if err := end(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the busy schema after the run: %v", err)
	}
}

// IsURL takes the scheme in any case, and a URL in capitals opens (pgx
// itself reads only a lower-case scheme).
func TestURLSchemeInAnyCase(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://h/db": true, "postgresql://h/db": true, "POSTGRESQL://h/db": true, "Postgres://h/db": true,
		"data/persepsi.db": false, "mysql://h/db": false, "postgres:/h/db": false, "": false,
	} {
		if got := postgres.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", s, got, want)
		}
	}
	url := storetest.PostgresURL(t)
	s, err := postgres.Open("POSTGRESQL"+url[len("postgres"):], survey.Options{Logger: storetest.Logger, PasswordCost: storetest.PasswordCost})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}
