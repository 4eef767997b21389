// Package sqlite is Persepsi's embedded store: one SQLite file, opened
// through GORM with one writer connection and a read-only pool. It is the
// zero-set-up default of `persepsi serve`. The queries, the batching
// writer and the caches are package sqlstore's; this package holds what is
// SQLite's own: the connection settings, the migrations, the WAL upkeep and
// the reading of SQLite's errors.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/mattn/go-sqlite3"
	gormsqlite "gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQL store on a SQLite file.
type Store = sqlstore.Store

// Open opens (creating if needed) the SQLite database at path, applies the
// embedded migrations and starts the batching writer. Close releases it.
func Open(path string, opt survey.Options) (*Store, error) {
	opt, err := sqlstore.Defaults(opt)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("storage: unable to create %s: %w", dir, err)
		}
	}
	// No GORM PrepareStmt on the writer: its writes run in transactions,
	// where GORM's cache prepares again every time; the statements run per
	// submission are prepared once instead (sqlstore/writestmts.go).
	registerWriterDriver()
	d := &dialect{path: path, lastWAL: -1}
	return sqlstore.Open(sqlstore.Pools{
		Writer:   gormsqlite.New(gormsqlite.Config{DriverName: writerDriver, DSN: dsn(path, false)}),
		Reader:   gormsqlite.Open(dsn(path, true)),
		Location: path,
		Prepare: func(ctx context.Context, _ *gorm.DB, wdb *sql.DB) error {
			env := sqlstore.MigrationEnv{Now: opt.Now().UTC(), Bucket: opt.Bucket, Rebind: d.Rebind}
			return Migrations.Apply(ctx, wdb, opt.Logger, env)
		},
	}, d, opt)
}

// Migrations are the SQLite schema's versioned changes.
var Migrations = sqlstore.Migrations{
	FS:    migrationFS,
	Dir:   "migrations",
	Steps: map[int]sqlstore.MigrationStep{31: sqlstore.UpgradeChainV1},
	Hooks: hooks{},
}

// walSizeLimit is the journal_size_limit: after a checkpoint SQLite
// truncates the WAL file back to at most this size instead of leaving it
// at its high-water mark.
const walSizeLimit = 64 << 20

// writerDriver is go-sqlite3 with a hook that sets, on every writer
// connection as it opens, the per-connection PRAGMA the DSN cannot carry:
// journal_size_limit, so a checkpoint shrinks the WAL file back to
// walSizeLimit instead of leaving it at its high-water mark.
const writerDriver = "sqlite3_persepsi_writer"

var registerWriterDriver = sync.OnceFunc(func() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA journal_size_limit = %d", walSizeLimit), nil)
		return err
	}})
})

// dsn builds the go-sqlite3 connection string. Each setting is here for a
// reason:
//   - journal_mode=WAL: readers and the writer do not block each other.
//   - busy_timeout=5000: another process (a CLI command next to the server)
//     holding the lock makes us wait up to 5 s instead of failing at once.
//   - foreign_keys=on: SQLite leaves them off by default; we rely on them so
//     an answer can never point at a missing response.
//   - synchronous=NORMAL: with WAL this still never corrupts the database; a
//     power cut may lose the last commits, never half of one.
//   - txlock=immediate: a write transaction takes the write lock when it
//     begins, so it cannot deadlock upgrading from a read lock.
//   - mode=ro (readers): a read connection can never write by mistake.
func dsn(path string, readOnly bool) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_busy_timeout", "5000")
	v.Set("_foreign_keys", "on")
	v.Set("_synchronous", "NORMAL")
	if readOnly {
		v.Set("mode", "ro")
		v.Set("_txlock", "deferred")
	} else {
		v.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

// hooks adapt a migration run to SQLite. Each migration runs with foreign
// keys off, so a migration can rebuild a table the way SQLite documents it
// (create the new table, copy, drop the old one, rename); before commit
// foreign_key_check must find no dangling reference. secure_delete is on
// meanwhile, so what a migration deletes or overwrites (0031: the v1 chain
// and second-precise times) is zeroed in the file, not left in free
// pages. PRAGMA foreign_keys is a no-op inside a transaction, hence the
// run's dedicated connection.
type hooks struct{}

func (hooks) Begin(ctx context.Context, conn *sql.Conn) (func() error, error) {
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF; PRAGMA secure_delete = ON`); err != nil {
		return nil, err
	}
	return func() error {
		_, err := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON; PRAGMA secure_delete = OFF`)
		return err
	}, nil
}

func (hooks) Check(ctx context.Context, tx *sql.Tx) error { return foreignKeyCheck(ctx, tx) }

// After checkpoints, so the pages a migration rewrote (secure_delete
// zeroed what it freed) replace the old ones in the file and the WAL
// holding the old ones is emptied: an upgrade that removes fine
// timestamps (0031) leaves none behind for a forensic read.
func (hooks) After(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		return fmt.Errorf("row %d of %s refers to a missing %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}
