package survey

import (
	"errors"
	"sort"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// ErrNotFound is returned when a unit, counter, service or response does not
// exist (or, for a counter code, is retired or inactive).
var ErrNotFound = errors.New("survey: not found")

// ValidationError names every problem found in one input, by field. Messages
// are in Bahasa Indonesia because they are shown to respondents as they are.
type ValidationError struct {
	Fields map[string]string
}

// Error lists the failing fields in a stable order.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "survey: invalid input: " + strings.Join(keys, ", ")
}

// add records the first problem of a field; later ones are dropped so the
// respondent sees one clear message per field.
func (e *ValidationError) add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// orNil returns e as an error when it holds problems, and nil otherwise.
func (e *ValidationError) orNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// IsValidation reports whether err is (or wraps) a *ValidationError and
// returns it.
func IsValidation(err error) (*ValidationError, bool) {
	var ve *ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}

// IsUnavailable reports whether err means the store cannot serve right now
// rather than that the request is wrong or the code is: the store is
// closing or closed (ErrClosed, a closed database handle), or SQLite refuses
// to write (disk full, I/O error, read-only file, locked past the busy
// timeout). Callers answer 503 and the client may retry later.
func IsUnavailable(err error) bool {
	if errors.Is(err, ErrClosed) {
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
