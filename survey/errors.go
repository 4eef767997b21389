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

// Merge adds the problems of err to e, keeping each field's first message:
// a store adds what only it can see (a name already taken, a service of
// another unit) to what a validator of this package found in the input
// alone. err is nil or a *ValidationError, all that those validators
// return; any other error is a programmer's mistake and panics, since
// dropping it would let invalid input through.
func (e *ValidationError) Merge(err error) {
	if err == nil {
		return
	}
	o, ok := IsValidation(err)
	if !ok {
		panic("survey: Merge of an error that is no *ValidationError: " + err.Error())
	}
	for k, msg := range o.Fields {
		e.Add(k, msg)
	}
}

// IsValidation reports whether err is (or wraps) a *ValidationError and
// returns it.
func IsValidation(err error) (*ValidationError, bool) {
	var ve *ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}
