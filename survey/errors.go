package survey

import (
	"errors"
	"sort"
	"strings"
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
func (e *ValidationError) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// orNil returns e as an error when it holds problems, and nil otherwise.
func (e *ValidationError) OrNil() error {
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
