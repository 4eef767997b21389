// Package survey is the domain of Persepsi: units, their services and
// counters, questionnaire versions, respondents' submissions and their
// validation, the hash chain's hashing, rollup arithmetic and the pure
// Summarize. It declares, in interfaces.go, what its callers need from
// storage (Catalog, Submissions, RollupReader, RecordSource, Transparency,
// Accounts, SettingsStore, composed as Store), each interface with the
// guarantees a store must keep; survey/sqlstore implements them in SQL for
// the dialects survey/sqlite and survey/postgres, and the contract suite in
// survey/storetest checks every store against them.
//
// The rules an input must keep by itself (a name's length, a username's
// form, a period's bounds) are checked here, next to the input types
// (NewUnit.Validate, CheckExclusion, FollowUpInput.Validate, …), and each
// validator returns the input cleaned; a store calls them first and adds
// only what needs its data (a name already taken, a reference of another
// unit), joining both with ValidationError.Merge.
//
// The package imports no SQL, no GORM and no Fiber (make imports): storage
// lives below it, HTTP in package app. Errors that a
// caller must tell apart are the sentinel ErrNotFound and *ValidationError;
// anything else is an internal failure.
package survey
