package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"sync"

	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"

	"persepsi/survey/sqlstore"
)

// dialect is SQLite's part of sqlstore.Dialect.
type dialect struct {
	path string

	mu      sync.Mutex
	lastWAL int64 // the WAL's size at the previous upkeep (-1: none yet)
}

func (*dialect) Name() string { return "sqlite" }

// Rebind keeps ?: SQLite's own placeholder.
func (*dialect) Rebind(q string) string { return q }

// LockUnits takes no lock of its own: every write transaction begins
// IMMEDIATE (the DSN's _txlock), which takes SQLite's one write lock for
// the whole file, so writers are serialised across connections and
// processes (a CLI command next to the server waits up to busy_timeout).
func (*dialect) LockUnits(context.Context, *sql.Tx, []int64) error { return nil }

// ReadTx: a read transaction in WAL mode sees one snapshot from its first
// read to its end.
func (*dialect) ReadTx() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

// IsUnavailable reports whether err means the store cannot serve right now
// rather than that the request is wrong or the code is: the store is
// closing or closed (ErrClosed, a closed database handle), or SQLite refuses
// to write (disk full, I/O error, read-only file, locked past the busy
// timeout). Callers answer 503 and the client may retry later.
func (*dialect) IsUnavailable(err error) bool { return IsUnavailable(err) }

// IsUnavailable is the dialect's classification, for callers without a
// store at hand (the CLI's messages).
func IsUnavailable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrReadonly, sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrCantOpen:
			return true
		}
	}
	return sqlstore.Closed(err)
}

// Upkeep truncates the WAL whenever it did not grow since the previous
// upkeep (the server is quiet). Under steady load SQLite's own automatic
// checkpoints (every 1000 pages) keep recycling the file; this catches the
// WAL left large after a burst. The checkpoint goes through the single
// writer connection, so it queues behind submissions instead of fighting
// them for the lock.
func (d *dialect) Upkeep(ctx context.Context, w *gorm.DB) error {
	d.mu.Lock()
	prev := d.lastWAL
	d.mu.Unlock()
	err := Checkpoint(ctx, w, d.path, prev)
	d.mu.Lock()
	d.lastWAL = fileSize(d.path + "-wal")
	d.mu.Unlock()
	return err
}

// Checkpoint truncates the WAL of the database at path through its writer
// w when the WAL is non-empty and has the size of the previous check
// (prev; -1 forces it). The journal size limit is set on the writer
// connection when it opens (writerDriver).
func Checkpoint(ctx context.Context, w *gorm.DB, path string, prev int64) error {
	size := fileSize(path + "-wal")
	if size == 0 || (prev >= 0 && size != prev) {
		return nil
	}
	var busy, logPages, done int
	return w.WithContext(ctx).Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &logPages, &done)
}

// Sizes reads the database file's and the WAL's sizes.
func (d *dialect) Sizes(context.Context, *gorm.DB) (db, wal int64) {
	return fileSize(d.path), fileSize(d.path + "-wal")
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// MultiRow is false: the writer's prepared single-row statements are calls
// into the library, compiled once (see sqlstore.insertResponsesEach).
func (*dialect) MultiRow() bool { return false }

// Announce, Listen, Listener, ClaimMaintenance and Close: one server
// process serves a SQLite file, so there is no other node to tell or to
// hear from, and this one always runs maintenance. A CLI command
// writing next to the server is not heard; the caches' TTLs bound what it
// shows late (sqlstore's surveyCacheTTL, summaryTTL).
func (*dialect) Announce(*gorm.DB, string) error { return nil }

func (*dialect) Listen(context.Context, string, func(context.Context, string), func()) {}

func (*dialect) Listener() sqlstore.ListenerState { return sqlstore.ListenerNone }

func (*dialect) ClaimMaintenance(context.Context, string) bool { return true }

func (*dialect) Close() error { return nil }
