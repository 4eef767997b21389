package sqlstore

import (
	"errors"
	"persepsi/survey"

	"github.com/mattn/go-sqlite3"
)

// isUnavailable reports whether err means the store cannot serve right now
// rather than that the request is wrong or the code is: the store is
// closing or closed (ErrClosed, a closed database handle), or SQLite refuses
// to write (disk full, I/O error, read-only file, locked past the busy
// timeout). Callers answer 503 and the client may retry later.
func isUnavailable(err error) bool {
	if errors.Is(err, survey.ErrClosed) {
		return true
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrReadonly, sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrCantOpen:
			return true
		}
	}
	// database/sql exports no sentinel for its closed handle; its message
	// is fixed ("sql: database is closed"), so the chain is searched for it.
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "sql: database is closed" {
			return true
		}
	}
	return false
}

// IsUnavailable implements survey.Store.
func (s *Store) IsUnavailable(err error) bool { return isUnavailable(err) }

// IsUnavailable is Store.IsUnavailable for callers without a store at
// hand (the CLI's error messages).
func IsUnavailable(err error) bool { return isUnavailable(err) }
