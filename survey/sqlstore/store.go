package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"persepsi/survey"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect is what differs between the SQL databases a Store runs on; the
// packages survey/sqlite and survey/postgres implement it. Everything else
// (the schema's meaning, every query, the batching writer, the caches) is
// shared: the SQL is written in the subset both databases read alike.
type Dialect interface {
	// Name is the database's name in logs and health ("sqlite", "postgres").
	Name() string
	// Rebind rewrites a query's ? placeholders into the database's own.
	// GORM rebinds its own queries; this serves those run on database/sql.
	Rebind(query string) string
	// LockUnits serialises, until tx ends, every transaction that writes the
	// chain or the rollups of these units (ids ascending, so two batches
	// cannot deadlock), across connections and processes.
	LockUnits(ctx context.Context, tx *sql.Tx, unitIDs []int64) error
	// ReadTx is how a read that must see one snapshot begins its
	// transaction.
	ReadTx() *sql.TxOptions
	// IsUnavailable reports whether err means the database cannot serve now.
	IsUnavailable(err error) bool
	// Upkeep runs the database's own periodic care (SQLite: truncate a
	// quiet WAL); Maintain calls it after sealing.
	Upkeep(ctx context.Context, w *gorm.DB) error
	// MultiRow reports whether the batching writer inserts a batch with
	// multi-row statements (a server, where each statement is a round
	// trip) rather than prepared single-row ones (an embedded library).
	MultiRow() bool
	// Sizes reports the database's size on disk and of its write-ahead log.
	Sizes(ctx context.Context, r *gorm.DB) (db, wal int64)

	// Announce makes the write transaction tx tell every other store on
	// the database what it changed (payload, see announcement): they hear
	// it when tx commits, and never if it rolls back. SQLite: nothing to
	// tell, one process serves a file.
	Announce(tx *gorm.DB, payload string) error
	// Listen hands hear every payload other stores announce, in commit
	// order, until ctx ends; node names this store's connection on the
	// server. It keeps its connection up, reconnecting with backoff, and
	// calls lost whenever announcements may have been missed (the
	// connection dropped, or came back): the store then drops every cache.
	// SQLite returns at once.
	Listen(ctx context.Context, node string, hear func(ctx context.Context, payload string), lost func())
	// Listener reports whether Listen is hearing announcements now.
	Listener() ListenerState
	// ClaimMaintenance makes this store the one on the database that runs
	// maintenance (sealing, publishing checkpoints) when no other holds the
	// claim, or confirms that it still holds it, and reports whether it
	// does. A claim lasts until Close or until the store's connection to
	// the server ends (its process died), so another store's next call
	// takes over. SQLite: always true, one process serves a file.
	ClaimMaintenance(ctx context.Context, node string) bool
	// Close releases what the dialect holds beyond the two pools (the
	// claim's connection). The store calls it after Listen has returned.
	Close() error
}

// Store keeps Persepsi's data in SQL through GORM, on the database its
// Dialect names: a writer pool (the batching writer and every other write)
// and a separate read-only pool. It implements survey.Store.
type Store struct {
	w   *gorm.DB // the writer pool (SQLite: its single connection)
	r   *gorm.DB // read-only pool
	d   Dialect
	log *slog.Logger
	now func() time.Time
	// bucket is the time bucket of stored responses (Options.Bucket).
	bucket time.Duration

	path string

	qmu   sync.RWMutex
	qByID map[int64]*survey.Questionnaire
	// qload serialises loadQuestionnaires from its read to its swap, so a
	// load that read earlier (a reconnecting listener's) never replaces
	// what a later one (SyncQuestionnaires') installed.
	qload sync.Mutex

	pwCost survey.PasswordCost
	// dummyHash is verified against when a username is unknown, so that
	// costs what a known user's check costs; made on first use.
	dummyHash func() string

	writer *batchWriter
	ws     *writeStmts // the writer's per-submission statements
	cache  surveyCache
	sums   summaryCache // summary.go: dashboard reads, cached briefly

	node       string      // peers.go: this store among the others on the database
	owner      atomic.Bool // whether the last ClaimMaintenance succeeded
	stopListen context.CancelFunc
	listening  chan struct{} // closed when Listen has returned
}

// conns are a store's two pools: the writer (the batching writer's
// connection, and every other write) and the readers.
type conns struct {
	Writer, Reader *gorm.DB
}

// Defaults fills opt's zero fields and checks it.
func Defaults(opt survey.Options) (survey.Options, error) {
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
		return opt, err
	}
	if opt.PasswordCost == (survey.PasswordCost{}) {
		opt.PasswordCost = survey.DefaultPasswordCost
	}
	return opt, nil
}

// gormConfig is the GORM configuration of both pools: GORM's reports go to
// opt.Logger, driver errors are translated, and no write is wrapped in a
// transaction it did not ask for.
func gormConfig(opt survey.Options) *gorm.Config {
	return &gorm.Config{
		Logger:                 newGormLogger(opt.Logger),
		TranslateError:         true,
		SkipDefaultTransaction: true, // every write that needs one opens it explicitly
		NowFunc:                func() time.Time { return opt.Now().UTC() },
	}
}

// Pools tell Open how a dialect's package opens a store's two pools.
type Pools struct {
	Writer, Reader gorm.Dialector
	// Location names the database in messages: a file path, or a server
	// URL without its password.
	Location string
	// Prepare runs on the writer pool before the readers open: the
	// migrations, and whatever else must hold before the store serves.
	Prepare func(ctx context.Context, w *gorm.DB, wdb *sql.DB) error
}

// Open opens the writer pool with one connection, runs p.Prepare on it,
// opens the read pool (opt.ReadConns connections) and builds the Store;
// opt must have been through Defaults. One writer connection: SQLite
// allows one writer at a time, and a single connection serialises writes
// in Go instead of making them fight over the file lock (what turns load
// into "database is locked"); on a server it is one per node, where the
// batching writer carries many submissions per commit, and other nodes
// are serialised against it per unit by Dialect.LockUnits only.
func Open(p Pools, d Dialect, opt survey.Options) (*Store, error) {
	gcfg := gormConfig(opt)
	w, err := gorm.Open(p.Writer, gcfg)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to open %s: %w", p.Location, err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, fmt.Errorf("storage: unable to open %s: %w", p.Location, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	// No deadline: a migration of a large file (0031 rewrites every
	// response) may take minutes, and so may waiting for another node's.
	if err := p.Prepare(context.Background(), w, wdb); err != nil {
		_ = wdb.Close()
		return nil, err
	}
	r, err := gorm.Open(p.Reader, gcfg)
	if err != nil {
		_ = wdb.Close()
		return nil, fmt.Errorf("storage: unable to open %s for reading: %w", p.Location, err)
	}
	rdb, err := r.DB()
	if err != nil {
		_ = wdb.Close()
		return nil, fmt.Errorf("storage: unable to open %s for reading: %w", p.Location, err)
	}
	// Readers never block the writer (SQLite's WAL, PostgreSQL's MVCC), so
	// a small pool lets dashboards and the respondent page read while
	// submissions commit.
	rdb.SetMaxOpenConns(opt.ReadConns)
	rdb.SetMaxIdleConns(opt.ReadConns)
	s, err := newStore(conns{Writer: w, Reader: r}, d, p.Location, opt)
	if err != nil {
		_ = rdb.Close()
		_ = wdb.Close()
		return nil, err
	}
	return s, nil
}

// newStore builds a Store on the pools Open opened and prepared (opt
// already through Defaults); location names the database in messages (a
// file path, or a server URL without its password). On error the pools
// are left to the caller.
func newStore(c conns, d Dialect, location string, opt survey.Options) (*Store, error) {
	wdb, err := c.Writer.DB()
	if err != nil {
		return nil, fmt.Errorf("storage: unable to open %s: %w", location, err)
	}
	s := &Store{w: c.Writer, r: c.Reader, d: d, log: opt.Logger, now: opt.Now, bucket: opt.Bucket, path: location, qByID: map[int64]*survey.Questionnaire{}, pwCost: opt.PasswordCost, node: newNodeID()}
	s.dummyHash = sync.OnceValue(func() string { return s.hashPassword("persepsi-no-such-user") })
	if s.ws, err = prepareWriteStmts(context.Background(), wdb, d.Rebind); err != nil {
		return nil, err
	}
	s.writer = newBatchWriter(s, opt.BatchMax)
	lctx, stop := context.WithCancel(context.Background())
	s.stopListen, s.listening = stop, make(chan struct{})
	go func() {
		defer close(s.listening)
		d.Listen(lctx, s.node, s.hear, func() { s.drop(lctx, AllChanges) })
	}()
	return s, nil
}

// Close stops listening to other stores, drains the batching writer,
// releases the maintenance claim, then closes both pools.
func (s *Store) Close() error {
	if s.stopListen != nil {
		s.stopListen()
		<-s.listening
	}
	if s.writer != nil {
		s.writer.close()
	}
	errs := []error{s.d.Close()}
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

// Path names the database: its file's path, or its server's URL without
// the password.
func (s *Store) Path() string { return s.path }

// Dialect returns the database the store runs on.
func (s *Store) Dialect() Dialect { return s.d }

// Bucket returns the time bucket responses are stored in.
func (s *Store) Bucket() time.Duration { return s.bucket }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

// Writer returns the writer pool, for the dialect's package (migrations,
// maintenance) and for tests that tamper with stored rows.
func (s *Store) Writer() *gorm.DB { return s.w }

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

// IsUnavailable implements survey.Store: the store is closed (Closed), or
// the dialect reads the driver's error as the database not serving.
func (s *Store) IsUnavailable(err error) bool { return Closed(err) || s.d.IsUnavailable(err) }

// Closed reports whether err comes from a closed store or a closed
// database handle, on any database. database/sql exports no sentinel for
// its closed handle; its message is fixed ("sql: database is closed"), so
// the chain is searched for it.
func Closed(err error) bool {
	if errors.Is(err, survey.ErrClosed) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "sql: database is closed" {
			return true
		}
	}
	return false
}
