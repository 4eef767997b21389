// Package sqlstore is the SQL implementation of survey.Store, through
// GORM, shared by every database Persepsi runs on: the queries (written in
// the SQL that SQLite and PostgreSQL read alike), the batching writer, the
// sealing of the hash chain, the rollups and the caches. What differs
// between databases is a Dialect, supplied by survey/sqlite or
// survey/postgres, whose Open functions are the only way to build a Store.
//
// Two guarantees do not come from the SQL alone and are the Dialect's:
// a unit's chain and rollups are written by one transaction at a time
// (LockUnits: SQLite's one write lock, PostgreSQL's advisory locks), and
// a read that feeds one document sees one snapshot (ReadTx).
//
// Where several processes serve one database (PostgreSQL), two more are:
// a write that changes what a store caches tells the others inside its
// transaction and each store drops those caches as it hears it (Announce,
// Listen; peers.go names what changed), and one store at a time runs the
// maintenance (ClaimMaintenance). On SQLite one process serves a file, so
// both are trivially true.
package sqlstore
