package sqlstore_test

import (
	"testing"

	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// mustOpen opens a store on a fresh temp SQLite file with the shipped
// questionnaires loaded.
func mustOpen(tb testing.TB) *sqlstore.Store { return storetest.MustOpen(tb) }
