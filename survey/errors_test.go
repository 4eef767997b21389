package survey_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"persepsi/survey"
)

// Inputs the validators of this package must survive: each is cleaned
// and counted, never a panic.
var (
	combining = "e\u0301"                // é as e + COMBINING ACUTE ACCENT: 2 code points
	family    = "👨\u200d👩\u200d👧\u200d👦" // one emoji of 4 people and 3 joiners: 7 code points
	arabic    = "مكتب الخدمة"            // right-to-left text
	rlo       = "\u202e"                 // RIGHT-TO-LEFT OVERRIDE: a format character, kept
	huge      = strings.Repeat("a", 1<<20)
)

// checkFields fails t unless err is nil when want is empty, and otherwise a
// *ValidationError with exactly the fields and messages of want.
func checkFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		return
	}
	ve, ok := survey.IsValidation(err)
	if !ok {
		t.Fatalf("err = %v, want a *ValidationError on %v", err, want)
	}
	if !maps.Equal(ve.Fields, want) {
		t.Fatalf("fields = %q, want %q", ve.Fields, want)
	}
}

func TestValidationErrorMerge(t *testing.T) {
	ve := &survey.ValidationError{}
	ve.Add("name", "first")
	ve.Merge(nil)
	ve.Merge(&survey.ValidationError{Fields: map[string]string{"name": "second", "tz": "zone"}})
	checkFields(t, ve, map[string]string{"name": "first", "tz": "zone"})

	defer func() {
		if recover() == nil {
			t.Error("Merge of a plain error did not panic")
		}
	}()
	ve.Merge(errors.New("disk full"))
}
