package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations are a dialect's versioned schema changes: files named
// NNNN_name.sql in Dir of FS, applied in version order, each once, each in
// its own transaction, and recorded in schema_migrations.
type Migrations struct {
	FS  fs.FS
	Dir string
	// Steps are what a migration needs beyond SQL (hashing, say), by
	// version, run in its transaction after its file.
	Steps map[int]MigrationStep
	// Hooks adapt the run to the database (may be nil).
	Hooks MigrationHooks
	// Select, when set, limits a run to the versions it accepts: tests
	// build the databases older releases left.
	Select func(version int) bool
}

// MigrationStep is a migration's Go part.
type MigrationStep func(ctx context.Context, tx *sql.Tx, env MigrationEnv) error

// MigrationEnv is what a migration step may depend on.
type MigrationEnv struct {
	Now    time.Time
	Bucket time.Duration // the store's time bucket
	Rebind func(string) string
}

// MigrationHooks are the points where a dialect takes part in a run.
type MigrationHooks interface {
	// Begin prepares conn, which carries the whole run, before anything is
	// read (SQLite: pragmas; PostgreSQL: a lock so that nodes starting at
	// once migrate one after the other). The returned func undoes it.
	Begin(ctx context.Context, conn *sql.Conn) (end func() error, err error)
	// Check runs in a migration's transaction before its commit.
	Check(ctx context.Context, tx *sql.Tx) error
	// After runs on the run's conn once when at least one migration was
	// applied (the SQLite writer pool has that one connection only).
	After(ctx context.Context, conn *sql.Conn) error
}

// Apply applies every migration of m not yet recorded in
// schema_migrations. It runs on database/sql directly: a migration file
// holds several statements, which a prepared statement would cut to the
// first.
func (m Migrations) Apply(ctx context.Context, db *sql.DB, log *slog.Logger, env MigrationEnv) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: unable to migrate: %w", err)
	}
	defer conn.Close()
	if m.Hooks != nil {
		end, err := m.Hooks.Begin(ctx, conn)
		if err != nil {
			return fmt.Errorf("storage: unable to begin migrating: %w", err)
		}
		defer func() {
			if e := end(); e != nil {
				log.Warn("ending the migration run failed", "err", e)
			}
		}()
	}
	applied, err := m.apply(ctx, conn, log, env)
	if err != nil || !applied || m.Hooks == nil {
		return err
	}
	if err := m.Hooks.After(ctx, conn); err != nil {
		return fmt.Errorf("storage: unable to finish migrating: %w", err)
	}
	return nil
}

func (m Migrations) apply(ctx context.Context, conn *sql.Conn, log *slog.Logger, env MigrationEnv) (bool, error) {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return false, fmt.Errorf("storage: unable to create schema_migrations: %w", err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return false, fmt.Errorf("storage: unable to read schema_migrations: %w", err)
	}
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return false, fmt.Errorf("storage: unable to read schema_migrations: %w", err)
		}
		done[v] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return false, fmt.Errorf("storage: unable to read schema_migrations: %w", err)
	}
	names, err := fs.Glob(m.FS, path.Join(m.Dir, "*.sql"))
	if err != nil {
		return false, fmt.Errorf("storage: unable to list migrations: %w", err)
	}
	sort.Strings(names)
	applied := false
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return applied, fmt.Errorf("storage: migration %s is not named NNNN_name.sql", base)
		}
		if done[v] || (m.Select != nil && !m.Select(v)) {
			continue
		}
		body, err := fs.ReadFile(m.FS, name)
		if err != nil {
			return applied, fmt.Errorf("storage: unable to read migration %s: %w", base, err)
		}
		if err := m.one(ctx, conn, v, base, string(body), env); err != nil {
			return applied, fmt.Errorf("storage: unable to apply migration %s: %w", base, err)
		}
		log.Info("migration applied", "name", base)
		applied = true
	}
	return applied, nil
}

func (m Migrations) one(ctx context.Context, conn *sql.Conn, version int, name, body string, env MigrationEnv) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if step := m.Steps[version]; step != nil {
		if err := step(ctx, tx, env); err != nil {
			return errors.Join(err, tx.Rollback())
		}
	}
	if m.Hooks != nil {
		if err := m.Hooks.Check(ctx, tx); err != nil {
			return errors.Join(err, tx.Rollback())
		}
	}
	if _, err := tx.ExecContext(ctx, env.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), version, name, env.Now); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
