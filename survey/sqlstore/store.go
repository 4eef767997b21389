package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"persepsi/survey"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations/sqlite/*.sql
var migrationFS embed.FS

// Store keeps Persepsi's data in SQLite through GORM: one writer connection
// and a separate read-only pool.
type Store struct {
	w   *gorm.DB // the single writer connection
	r   *gorm.DB // read-only pool
	log *slog.Logger
	now func() time.Time
	// bucket is the time bucket of stored responses (Options.Bucket).
	bucket time.Duration

	path string

	qmu   sync.RWMutex
	qByID map[int64]*survey.Questionnaire

	pwCost survey.PasswordCost
	// dummyHash is verified against when a username is unknown, so that
	// costs what a known user's check costs; made on first use.
	dummyHash func() string

	writer *batchWriter
	ws     *writeStmts // the writer's per-submission statements
	cache  surveyCache
	sums   summaryCache // summary.go: dashboard reads, cached briefly
}

// Open opens (creating if needed) the SQLite database at path, applies the
// embedded migrations and starts the batching writer. Close releases it.
func Open(path string, opt survey.Options) (*Store, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 4
	}
	if opt.BatchMax <= 0 {
		opt.BatchMax = 256
	}
	if opt.Bucket == 0 {
		opt.Bucket = survey.DefaultBucket
	}
	if err := survey.CheckBucket(opt.Bucket); err != nil {
		return nil, err
	}
	if opt.PasswordCost == (survey.PasswordCost{}) {
		opt.PasswordCost = survey.DefaultPasswordCost
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("storage: unable to create %s: %w", dir, err)
		}
	}
	gcfg := &gorm.Config{
		Logger:                 newGormLogger(opt.Logger),
		TranslateError:         true,
		SkipDefaultTransaction: true, // every write that needs one opens it explicitly
		NowFunc:                func() time.Time { return opt.Now().UTC() },
	}
	// No GORM PrepareStmt on the writer: its writes run in transactions,
	// where GORM's cache prepares again every time; the statements run per
	// submission are prepared once instead (writestmts.go).
	registerWriterDriver()
	w, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: writerDriver, DSN: dsn(path, false)}), gcfg)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to open %s: %w", path, err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, fmt.Errorf("storage: unable to open %s: %w", path, err)
	}
	// SQLite allows one writer at a time. A single connection serialises
	// writes in Go instead of making them fight over the file lock, which is
	// what turns load into "database is locked" errors.
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)

	s := &Store{w: w, log: opt.Logger, now: opt.Now, bucket: opt.Bucket, path: path, qByID: map[int64]*survey.Questionnaire{}, pwCost: opt.PasswordCost}
	s.dummyHash = sync.OnceValue(func() string { return s.hashPassword("persepsi-no-such-user") })
	if err := s.migrate(context.Background(), wdb); err != nil {
		_ = wdb.Close()
		return nil, err
	}
	if s.ws, err = prepareWriteStmts(context.Background(), wdb); err != nil {
		_ = wdb.Close()
		return nil, err
	}
	r, err := gorm.Open(sqlite.Open(dsn(path, true)), gcfg)
	if err != nil {
		_ = s.ws.close()
		_ = wdb.Close()
		return nil, fmt.Errorf("storage: unable to open %s for reading: %w", path, err)
	}
	rdb, err := r.DB()
	if err != nil {
		_ = s.ws.close()
		_ = wdb.Close()
		return nil, fmt.Errorf("storage: unable to open %s for reading: %w", path, err)
	}
	// Readers never block the writer in WAL mode, so a small pool lets
	// dashboards and the respondent page read while submissions commit.
	rdb.SetMaxOpenConns(opt.ReadConns)
	rdb.SetMaxIdleConns(opt.ReadConns)
	s.r = r
	s.writer = newBatchWriter(s, opt.BatchMax)
	return s, nil
}

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

// Close drains the batching writer, then closes both pools.
func (s *Store) Close() error {
	if s.writer != nil {
		s.writer.close()
	}
	var errs []error
	if s.ws != nil {
		errs = append(errs, s.ws.close())
	}
	for _, db := range []*gorm.DB{s.r, s.w} {
		if db == nil {
			continue
		}
		if sdb, err := db.DB(); err == nil {
			errs = append(errs, sdb.Close())
		}
	}
	return errors.Join(errs...)
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Bucket returns the time bucket responses are stored in.
func (s *Store) Bucket() time.Duration { return s.bucket }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

// migrate applies every embedded migration not yet recorded in
// schema_migrations, each in its own transaction, in version order. It runs
// on database/sql directly: a migration file holds several statements, which
// a prepared statement would cut to the first.
func (s *Store) migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("storage: unable to create schema_migrations: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("storage: unable to read schema_migrations: %w", err)
	}
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("storage: unable to read schema_migrations: %w", err)
		}
		done[v] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("storage: unable to read schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/sqlite/*.sql")
	if err != nil {
		return fmt.Errorf("storage: unable to list migrations: %w", err)
	}
	sort.Strings(names)
	applied := false
	for _, name := range names {
		base := filepath.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("storage: migration %s is not named NNNN_name.sql", base)
		}
		if done[v] {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return fmt.Errorf("storage: unable to read migration %s: %w", base, err)
		}
		if err := applyMigration(ctx, db, v, base, string(body), migrationEnv{now: s.now().UTC(), bucket: s.bucket}); err != nil {
			return fmt.Errorf("storage: unable to apply migration %s: %w", base, err)
		}
		s.log.Info("migration applied", "name", base)
		applied = true
	}
	if !applied {
		return nil
	}
	// Checkpoint now, so the pages a migration rewrote (secure_delete
	// zeroed what it freed) replace the old ones in the file and the WAL
	// holding the old ones is emptied: an upgrade that removes fine
	// timestamps (0031) leaves none behind for a forensic read.
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("storage: unable to checkpoint after migrating: %w", err)
	}
	return nil
}

// applyMigration runs one migration in a transaction with foreign keys
// off, so a migration can rebuild a table the way SQLite documents it
// (create the new table, copy, drop the old one, rename); before commit
// foreign_key_check must find no dangling reference. secure_delete is on
// meanwhile, so what a migration deletes or overwrites (0031: the v1 chain
// and second-precise times) is zeroed in the file, not left in free
// pages. PRAGMA foreign_keys is a no-op inside a transaction, hence the
// dedicated connection.
func applyMigration(ctx context.Context, db *sql.DB, version int, name, body string, env migrationEnv) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF; PRAGMA secure_delete = ON`); err != nil {
		return err
	}
	err = migrateTx(ctx, conn, version, name, body, env)
	if _, e := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON; PRAGMA secure_delete = OFF`); e != nil {
		err = errors.Join(err, e)
	}
	return err
}

func migrateTx(ctx context.Context, conn *sql.Conn, version int, name, body string, env migrationEnv) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if step := goMigrations[version]; step != nil {
		if err := step(ctx, tx, env); err != nil {
			return errors.Join(err, tx.Rollback())
		}
	}
	if err := foreignKeyCheck(ctx, tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, version, name, env.now); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// goMigrations are the steps a migration needs beyond SQL (hashing, say),
// run in its transaction after its SQL file, by version.
var goMigrations = map[int]func(ctx context.Context, tx *sql.Tx, env migrationEnv) error{
	31: upgradeChainV1,
}

// migrationEnv is what a Go migration step may depend on.
type migrationEnv struct {
	now    time.Time
	bucket time.Duration // the store's time bucket
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

// gormLogger routes GORM's reports to slog: errors always, queries slower
// than the threshold as warnings, and record-not-found never (it is a normal
// answer, mapped to ErrNotFound by the store).
type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newGormLogger(l *slog.Logger) logger.Interface {
	return &gormLogger{log: l, slow: 200 * time.Millisecond}
}

func (g *gormLogger) LogMode(logger.LogLevel) logger.Interface { return g }

// ParamsFilter drops a statement's bound values from what is logged: they
// carry password hashes, token digests and respondents' answers, and no
// log may hold those (TestLogsCarryNoSecrets). The SQL keeps its "?".
func (g *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (g *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	g.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}

func (g *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	g.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}

func (g *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	g.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

func (g *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, context.Canceled):
		sql, rows := fc()
		g.log.ErrorContext(ctx, "sql error", "err", err, "elapsed", elapsed, "rows", rows, "sql", truncate(sql, 300))
	case elapsed > g.slow:
		sql, rows := fc()
		g.log.WarnContext(ctx, "slow sql", "elapsed", elapsed, "rows", rows, "sql", truncate(sql, 300))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
