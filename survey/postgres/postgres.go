// Package postgres is Persepsi's store on a PostgreSQL server, for a
// ministry or province running many units centrally behind several
// stateless `persepsi serve` nodes. The queries, the batching writer and
// the caches are package sqlstore's, shared with the SQLite store; this
// package holds what is PostgreSQL's own: the connection, the migrations,
// the per-unit advisory locks that serialise chain and rollup writes
// across nodes, the reading of server errors, and the LISTEN/NOTIFY
// channel through which nodes drop one another's caches.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for FreshSchema
	gormpg "gorm.io/driver/postgres"
	"gorm.io/gorm"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the SQL store on a PostgreSQL database.
type Store = sqlstore.Store

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://, the scheme in any case) rather than a SQLite file.
func IsURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	scheme = strings.ToLower(scheme)
	return ok && (scheme == "postgres" || scheme == "postgresql")
}

// canonical writes a URL's scheme as pgx reads it: "postgres", lower case.
func canonical(raw string) string {
	if _, rest, ok := strings.Cut(raw, "://"); ok && IsURL(raw) {
		return "postgres://" + rest
	}
	return raw
}

// Redact returns the URL without its password, for messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Open connects to the PostgreSQL database at dsn (a postgres:// URL),
// applies the embedded migrations (one node at a time when several start
// at once) and starts the batching writer. Close releases it.
func Open(dsn string, opt survey.Options) (*Store, error) {
	opt, err := sqlstore.Defaults(opt)
	if err != nil {
		return nil, err
	}
	dsn = canonical(dsn)
	where := Redact(dsn)
	d := &dialect{dsn: dsn, log: opt.Logger}
	return sqlstore.Open(sqlstore.Pools{
		Writer:   gormpg.Open(dsn),
		Reader:   gormpg.Open(dsn),
		Location: where,
		Prepare: func(ctx context.Context, w *gorm.DB, wdb *sql.DB) error {
			pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := wdb.PingContext(pctx); err != nil {
				return fmt.Errorf("storage: unable to connect to %s: %w", where, err)
			}
			env := sqlstore.MigrationEnv{Now: opt.Now().UTC(), Bucket: opt.Bucket, Rebind: d.Rebind}
			if err := Migrations.Apply(ctx, wdb, opt.Logger, env); err != nil {
				return err
			}
			var err error
			if d.channel, err = schemaChannel(ctx, w); err != nil {
				return fmt.Errorf("storage: unable to read the schema of %s: %w", where, err)
			}
			return nil
		},
	}, d, opt)
}

// Migrations are the PostgreSQL schema's versioned changes. They are
// numbered on their own: 0001 is the whole schema of SQLite's 0060.
var Migrations = sqlstore.Migrations{FS: migrationFS, Dir: "migrations", Hooks: hooks{}}

// lockSpace is the first key of the per-unit advisory locks, so they
// cannot meet another application's on a shared server; migrationSpace is
// the first key of the migration lock and maintenanceSpace of the
// maintenance claim (peers.go), apart from lockSpace so that no schema's
// hash can equal a unit's id and make the two wait on each other.
const (
	lockSpace        = 0x7e25 // "persepsi", loosely
	migrationSpace   = lockSpace + 1
	maintenanceSpace = lockSpace + 2
)

// schemaKey is the SQL of the second key of the schema-wide locks: the
// lock a migration run (and a copy into the database, copy.go) holds, and
// the maintenance claim. It is a hash of the schema: advisory locks are
// per database, and a fixed key made every schema wait for any other's run
// (a test's fresh schema, or a second instance in the same database, timed
// out behind a long copy elsewhere).
const schemaKey = `hashtext(current_schema())`

// hooks make a migration run exclusive: nodes starting at once wait for
// one another on a session advisory lock, so each migration is applied
// once and no node serves before the schema it needs is there.
type hooks struct{}

func (hooks) Begin(ctx context.Context, conn *sql.Conn) (func() error, error) {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, `+schemaKey+`)`, migrationSpace); err != nil {
		return nil, err
	}
	return func() error {
		_, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, `+schemaKey+`)`, migrationSpace)
		return err
	}, nil
}

func (hooks) Check(context.Context, *sql.Tx) error { return nil }

func (hooks) After(context.Context, *sql.Conn) error { return nil }

// dialect is PostgreSQL's part of sqlstore.Dialect (peers.go: the
// announcements and the maintenance claim).
type dialect struct {
	dsn     string
	log     *slog.Logger
	channel string // the schema's NOTIFY channel (channelName)

	listening atomic.Bool // Listen's connection is up and LISTENing
	claim     claim
}

func (*dialect) Name() string { return "postgres" }

// Rebind numbers the ? placeholders of q as $1, $2, … outside quoted text.
func (*dialect) Rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// LockUnits takes a transaction-scoped advisory lock per unit, in the
// order given (ascending), held until tx commits or rolls back: the
// batching writers of every node, sealing and exclusions then write a
// unit's rollups and chain one after the other, so no read-merge-write of
// a rollup loses another's counts and no two nodes append the same seq.
func (*dialect) LockUnits(ctx context.Context, tx *sql.Tx, unitIDs []int64) error {
	for _, id := range unitIDs {
		if id > 1<<31-1 || id < 0 {
			return fmt.Errorf("storage: unit id %d out of the lock key range", id)
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockSpace, int32(id)); err != nil {
			return err
		}
	}
	return nil
}

// ReadTx: REPEATABLE READ gives a read transaction one snapshot, as a
// SQLite read transaction in WAL mode has (READ COMMITTED, the default,
// would let a summary mix rollups committed between its statements).
func (*dialect) ReadTx() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

func (*dialect) IsUnavailable(err error) bool { return IsUnavailable(err) }

// IsUnavailable reports whether err means the server cannot serve now
// rather than that the request or the code is wrong: the store is closed,
// the server cannot be reached or is shutting down, refuses connections,
// or is out of disk or memory. Callers answer 503 and the client may
// retry later.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if sqlstore.Closed(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "53"),                           // insufficient resources (disk full, too many connections)
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutting down, cannot connect now
			pe.Code == "25006": // read-only transaction (a standby)
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

// Upkeep has nothing to do: autovacuum and the server's own checkpoints
// keep a PostgreSQL database in shape.
func (*dialect) Upkeep(context.Context, *gorm.DB) error { return nil }

// Sizes reads the database's size; PostgreSQL's WAL is the server's, not
// the database's, so it is reported as 0.
func (*dialect) Sizes(ctx context.Context, r *gorm.DB) (db, wal int64) {
	_ = r.WithContext(ctx).Raw(`SELECT pg_database_size(current_database())`).Scan(&db).Error
	return db, 0
}

// ErrUnreachable is FreshSchema's error when no server answers at base.
var ErrUnreachable = errors.New("no PostgreSQL server answers")

// FreshSchema creates an empty schema with a random name on the server at
// base and returns base's URL pointed at it (search_path) and a function
// that drops it with everything in it. Tests and the load test use it so
// that every run owns its database without creating databases.
func FreshSchema(ctx context.Context, base string) (string, func() error, error) {
	u, err := url.Parse(base)
	if err != nil || !IsURL(base) {
		return "", nil, fmt.Errorf("storage: %s is not a postgres:// URL", Redact(base))
	}
	db, err := sql.Open("pgx", canonical(base))
	if err != nil {
		return "", nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return "", nil, fmt.Errorf("storage: %w at %s: %w", ErrUnreachable, Redact(base), err)
	}
	schema := "t_" + survey.NewIdempotencyKey()[:16]
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		_ = db.Close()
		return "", nil, err
	}
	drop := func() error {
		defer db.Close()
		_, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		return err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// MultiRow is true: every statement is a round trip to the server, so the
// writer inserts a batch's responses and answers with multi-row INSERTs.
func (*dialect) MultiRow() bool { return true }
