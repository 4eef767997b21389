package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"persepsi/survey/sqlstore"
)

// notCopied are the tables CopyFrom leaves alone, with the reason: each
// store numbers its own migrations, and the health probe is a scratch row
// each node writes for itself.
var notCopied = map[string]string{
	"schema_migrations": "each store numbers its own migrations",
	"health_probe":      "a scratch row each store writes for itself",
}

// copyBatch is the most rows one INSERT carries: batches of this size
// load in a few milliseconds each, and the statement stays far below
// PostgreSQL's 65,535 bound parameters for every table (responses, the
// widest, has 18 columns).
const copyBatch = 1000

// TableCopy is what CopyFrom did with one table.
type TableCopy struct {
	Name string
	// Rows is the number of rows in the source's snapshot, and so in the
	// target once the copy has committed.
	Rows int64
	// Copied counts the rows inserted; the other Rows-Copied were in the
	// target already, equal in every column.
	Copied int64
}

// MismatchError is a copy refused because the target holds data that is
// not the source's: another deployment's, or this one's changed since.
// Nothing of the copy is kept.
type MismatchError struct {
	Table string
	// Key names the row by its primary key ("id=7"): the target's row has
	// another value in Column, or (Column empty) the target has no row with
	// that key but another row holding one of its unique values.
	Key, Column string
	// Extra counts the rows the target has beyond the source's (Key empty).
	Extra int64
}

func (e *MismatchError) Error() string {
	switch {
	case e.Column != "":
		return fmt.Sprintf("postgres: table %s, row %s: the target's %s differs from the source's", e.Table, e.Key, e.Column)
	case e.Key != "":
		return fmt.Sprintf("postgres: table %s, row %s: the target holds another row with one of its unique values", e.Table, e.Key)
	default:
		return fmt.Sprintf("postgres: table %s: the target has %d rows the source has not", e.Table, e.Extra)
	}
}

// CopyFrom copies every table of src (a store of any dialect: a SQLite
// deployment) into dst, parents before children as their foreign keys
// require, ids kept, in multi-row INSERTs of up to 1,000 rows. The tables
// and their columns are those of dst's schema (notCopied excepted); the
// source must have the same columns. Everything is read from one snapshot
// of src and written in one transaction on dst, so the target gets the
// whole copy or nothing.
//
// It is idempotent: a row already in dst with the same values is left as
// it is, so a second run copies nothing. A row in dst with the same key
// but other values, or rows dst has beyond src's, fail the copy with a
// *MismatchError: two deployments are never merged. Once every table is
// in, each identity sequence is moved past its table's largest id, so new
// rows on dst get new ids. Times are stored to the microsecond, what
// PostgreSQL keeps; the store's own times are coarser already.
//
// progress, if not nil, is called after each batch with the rows of the
// table handled so far (copied or found) and the table's total.
func CopyFrom(ctx context.Context, dst *Store, src *sqlstore.Store, progress func(table string, done, total int64)) ([]TableCopy, error) {
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	wdb, err := dst.Writer().DB()
	if err != nil {
		return nil, err
	}
	tx, err := wdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("postgres: unable to begin the copy: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	// The migration lock, held to the end of the copy: a node starting
	// meanwhile waits instead of serving a database being filled, and two
	// copies into one database run one after the other.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, `+schemaKey+`)`, migrationSpace); err != nil {
		return nil, fmt.Errorf("postgres: unable to lock the target: %w", err)
	}
	tables, err := copyTables(ctx, tx)
	if err != nil {
		return nil, err
	}
	report := make([]TableCopy, 0, len(tables))
	err = src.ReadSnapshot(ctx, func(stx *sql.Tx) error {
		for _, t := range tables {
			tc, err := t.copy(ctx, stx, tx, func(done, total int64) { progress(t.name, done, total) })
			if err != nil {
				return err
			}
			report = append(report, tc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if err := t.restartIdentity(ctx, tx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("postgres: unable to commit the copy: %w", err)
	}
	return report, nil
}

// copyTable is one table of the target's schema as the copy needs it.
type copyTable struct {
	name     string
	cols     []string
	types    []string // information_schema's data_type of each column
	key      []int    // the primary key's columns (indexes into cols), in key order
	identity string   // the identity column, "" when the table has none
}

// copyTables reads the target's tables from its catalog, in an order
// where every table comes after the tables its foreign keys reference.
func copyTables(ctx context.Context, tx *sql.Tx) ([]copyTable, error) {
	byName := map[string]*copyTable{}
	var names []string
	rows, err := tx.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_identity
 FROM information_schema.columns c
 JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
 WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
 ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("postgres: unable to read the target's columns: %w", err)
	}
	for rows.Next() {
		var table, col, typ, identity string
		if err := rows.Scan(&table, &col, &typ, &identity); err != nil {
			_ = rows.Close()
			return nil, err
		}
		if _, skip := notCopied[table]; skip {
			continue
		}
		t := byName[table]
		if t == nil {
			t = &copyTable{name: table}
			byName[table] = t
			names = append(names, table)
		}
		t.cols = append(t.cols, col)
		t.types = append(t.types, typ)
		if identity == "YES" {
			t.identity = col
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("postgres: unable to read the target's columns: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("postgres: the target has no tables (its schema is not on the search_path?)")
	}
	rows, err = tx.QueryContext(ctx, `SELECT c.relname, a.attname
 FROM pg_index i
 JOIN pg_class c ON c.oid = i.indrelid
 JOIN pg_namespace n ON n.oid = c.relnamespace
 JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
 WHERE i.indisprimary AND n.nspname = current_schema()
 ORDER BY c.relname, k.ord`)
	if err != nil {
		return nil, fmt.Errorf("postgres: unable to read the target's keys: %w", err)
	}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			_ = rows.Close()
			return nil, err
		}
		if t := byName[table]; t != nil {
			t.key = append(t.key, slices.Index(t.cols, col))
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("postgres: unable to read the target's keys: %w", err)
	}
	parents := map[string][]string{}
	rows, err = tx.QueryContext(ctx, `SELECT c.relname, p.relname
 FROM pg_constraint f
 JOIN pg_class c ON c.oid = f.conrelid
 JOIN pg_class p ON p.oid = f.confrelid
 JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE f.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, fmt.Errorf("postgres: unable to read the target's foreign keys: %w", err)
	}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			_ = rows.Close()
			return nil, err
		}
		if child != parent {
			parents[child] = append(parents[child], parent)
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("postgres: unable to read the target's foreign keys: %w", err)
	}
	for _, name := range names {
		if len(byName[name].key) == 0 {
			// Without a key, "already there" cannot be told from "twice".
			return nil, fmt.Errorf("postgres: table %s has no primary key", name)
		}
	}
	order, err := parentsFirst(names, parents)
	if err != nil {
		return nil, err
	}
	out := make([]copyTable, len(order))
	for i, n := range order {
		out[i] = *byName[n]
	}
	return out, nil
}

// parentsFirst orders names (sorted) so that each comes after its parents,
// taking at each step the first name in sorted order whose parents are
// all placed: the order is the same on every run.
func parentsFirst(names []string, parents map[string][]string) ([]string, error) {
	slices.Sort(names)
	placed := map[string]bool{}
	order := make([]string, 0, len(names))
	for len(order) < len(names) {
		progressed := false
		for _, n := range names {
			if placed[n] {
				continue
			}
			ready := true
			for _, p := range parents[n] {
				if !placed[p] && slices.Contains(names, p) {
					ready = false
					break
				}
			}
			if ready {
				placed[n] = true
				order = append(order, n)
				progressed = true
				break
			}
		}
		if !progressed {
			return nil, fmt.Errorf("postgres: the target's foreign keys form a cycle among %v", names)
		}
	}
	return order, nil
}

// copy copies one table from the source's snapshot stx into tx.
func (t *copyTable) copy(ctx context.Context, stx, tx *sql.Tx, progress func(done, total int64)) (TableCopy, error) {
	tc := TableCopy{Name: t.name}
	if err := t.checkSourceColumns(ctx, stx); err != nil {
		return tc, err
	}
	if err := stx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+sqlstore.QuoteIdent(t.name)).Scan(&tc.Rows); err != nil {
		return tc, fmt.Errorf("postgres: unable to count the source's %s: %w", t.name, err)
	}
	progress(0, tc.Rows)
	keyCols := make([]string, len(t.key))
	for i, k := range t.key {
		keyCols[i] = sqlstore.QuoteIdent(t.cols[k])
	}
	rows, err := stx.QueryContext(ctx, `SELECT `+t.colList()+` FROM `+sqlstore.QuoteIdent(t.name)+` ORDER BY `+strings.Join(keyCols, ", "))
	if err != nil {
		return tc, fmt.Errorf("postgres: unable to read the source's %s: %w", t.name, err)
	}
	defer rows.Close()
	size := min(copyBatch, 65535/len(t.cols))
	batch := make([][]any, 0, size)
	var done int64
	flush := func() error {
		n, err := t.insert(ctx, tx, batch)
		if err != nil {
			return err
		}
		tc.Copied += n
		done += int64(len(batch))
		batch = batch[:0]
		progress(done, tc.Rows)
		return nil
	}
	for rows.Next() {
		row := make([]any, len(t.cols))
		ptrs := make([]any, len(row))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return tc, fmt.Errorf("postgres: unable to read the source's %s: %w", t.name, err)
		}
		for i, v := range row {
			if row[i], err = toTarget(v, t.types[i]); err != nil {
				return tc, fmt.Errorf("postgres: the source's %s, row %s, column %s: %w", t.name, t.keyOf(row), t.cols[i], err)
			}
		}
		batch = append(batch, row)
		if len(batch) == size {
			if err := flush(); err != nil {
				return tc, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return tc, fmt.Errorf("postgres: unable to read the source's %s: %w", t.name, err)
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return tc, err
		}
	}
	var have int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+sqlstore.QuoteIdent(t.name)).Scan(&have); err != nil {
		return tc, fmt.Errorf("postgres: unable to count the target's %s: %w", t.name, err)
	}
	if have != tc.Rows {
		return tc, &MismatchError{Table: t.name, Extra: have - tc.Rows}
	}
	return tc, nil
}

// checkSourceColumns refuses a source whose table has other columns than
// the target's: a column only one side has would be lost or left empty.
func (t *copyTable) checkSourceColumns(ctx context.Context, stx *sql.Tx) error {
	rows, err := stx.QueryContext(ctx, `SELECT * FROM `+sqlstore.QuoteIdent(t.name)+` LIMIT 0`)
	if err != nil {
		return fmt.Errorf("postgres: the source has no table %s the target has: %w", t.name, err)
	}
	have, err := rows.Columns()
	if err = errors.Join(err, rows.Close()); err != nil {
		return fmt.Errorf("postgres: unable to read the source's columns of %s: %w", t.name, err)
	}
	want := slices.Clone(t.cols)
	slices.Sort(have)
	slices.Sort(want)
	if !slices.Equal(have, want) {
		return fmt.Errorf("postgres: table %s has columns %v in the source but %v in the target", t.name, have, want)
	}
	return nil
}

// insert adds the rows the target lacks and returns how many it added;
// the others must be in the target already, equal in every column.
func (t *copyTable) insert(ctx context.Context, tx *sql.Tx, batch [][]any) (int64, error) {
	var q strings.Builder
	q.WriteString(`INSERT INTO ` + sqlstore.QuoteIdent(t.name) + ` (` + t.colList() + `) VALUES `)
	args := make([]any, 0, len(batch)*len(t.cols))
	for i, row := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		writeTuple(&q, len(args), len(row))
		args = append(args, row...)
	}
	// No conflict target: a row clashing on any unique constraint, not
	// only its key, is left out and then checked below, so a foreign row
	// is reported as such rather than as a unique violation.
	q.WriteString(` ON CONFLICT DO NOTHING`)
	res, err := tx.ExecContext(ctx, q.String(), args...)
	if err != nil {
		return 0, fmt.Errorf("postgres: unable to copy %s: %w", t.name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n < int64(len(batch)) {
		if err := t.compare(ctx, tx, batch); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// compare checks that the target holds every row of batch with the same
// values (the rows just inserted trivially do).
func (t *copyTable) compare(ctx context.Context, tx *sql.Tx, batch [][]any) error {
	// The keys go in as one array per key column, joined to the table: a
	// list of 1,000 row values, (a, b) IN ((…), …), is planned as 1,000
	// ORed conditions and made a second run over 537,000 answers take
	// 1 min 57 s; the join probes the key's index once per row.
	var cols, on, unnest []string
	args := make([]any, len(t.key))
	for i, k := range t.key {
		alias := "k" + strconv.Itoa(i)
		cols = append(cols, alias)
		on = append(on, "t."+sqlstore.QuoteIdent(t.cols[k])+" = k."+alias)
		unnest = append(unnest, "$"+strconv.Itoa(i+1)+"::"+t.types[k]+"[]")
		a, err := keyArray(batch, k, t.types[k])
		if err != nil {
			return fmt.Errorf("postgres: table %s, key column %s: %w", t.name, t.cols[k], err)
		}
		args[i] = a
	}
	sel := make([]string, len(t.cols))
	for i, c := range t.cols {
		sel[i] = "t." + sqlstore.QuoteIdent(c)
	}
	q := `SELECT ` + strings.Join(sel, ", ") + ` FROM ` + sqlstore.QuoteIdent(t.name) + ` t JOIN unnest(` + strings.Join(unnest, ", ") +
		`) AS k(` + strings.Join(cols, ", ") + `) ON ` + strings.Join(on, " AND ")
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("postgres: unable to read the target's %s: %w", t.name, err)
	}
	have := make(map[string][]any, len(batch))
	for rows.Next() {
		row := make([]any, len(t.cols))
		ptrs := make([]any, len(row))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			_ = rows.Close()
			return fmt.Errorf("postgres: unable to read the target's %s: %w", t.name, err)
		}
		have[t.keyOf(row)] = row
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("postgres: unable to read the target's %s: %w", t.name, err)
	}
	for _, row := range batch {
		key := t.keyOf(row)
		got, ok := have[key]
		if !ok {
			return &MismatchError{Table: t.name, Key: key}
		}
		for i := range row {
			if !sameValue(row[i], got[i]) {
				return &MismatchError{Table: t.name, Key: key, Column: t.cols[i]}
			}
		}
	}
	return nil
}

// keyArray gathers column k of every row into the typed slice the driver
// sends as a PostgreSQL array of typ.
func keyArray(batch [][]any, k int, typ string) (any, error) {
	switch typ {
	case "bigint":
		a := make([]int64, len(batch))
		for i, row := range batch {
			a[i], _ = row[k].(int64)
		}
		return a, nil
	case "text":
		a := make([]string, len(batch))
		for i, row := range batch {
			a[i], _ = row[k].(string)
		}
		return a, nil
	}
	return nil, fmt.Errorf("keys of type %s are not supported", typ)
}

// restartIdentity moves the table's identity sequence past its largest
// id, so the next row the store inserts gets a new id instead of a
// unique violation on a copied one.
func (t *copyTable) restartIdentity(ctx context.Context, tx *sql.Tx) error {
	if t.identity == "" {
		return nil
	}
	col := sqlstore.QuoteIdent(t.identity)
	_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(`+col+`), 0) + 1, false) FROM `+sqlstore.QuoteIdent(t.name),
		sqlstore.QuoteIdent(t.name), t.identity)
	if err != nil {
		return fmt.Errorf("postgres: unable to move the id sequence of %s: %w", t.name, err)
	}
	return nil
}

func (t *copyTable) colList() string {
	q := make([]string, len(t.cols))
	for i, c := range t.cols {
		q[i] = sqlstore.QuoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// keyOf names a row by its primary key, as "unit_id=1, seq=7".
func (t *copyTable) keyOf(row []any) string {
	parts := make([]string, len(t.key))
	for i, k := range t.key {
		parts[i] = fmt.Sprintf("%s=%v", t.cols[k], row[k])
	}
	return strings.Join(parts, ", ")
}

// writeTuple writes "($from+1, …, $from+n)".
func writeTuple(b *strings.Builder, from, n int) {
	b.WriteByte('(')
	for j := range n {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + j + 1))
	}
	b.WriteByte(')')
}

// toTarget converts a value read from the source into what the target's
// column of type typ stores, in the Go type the target's driver reads it
// back as, so a copied row compares equal to its source (sameValue).
// SQLite's driver reads TIMESTAMP columns as time.Time and BOOLEAN ones as
// bool; any other value (say text in a TIMESTAMP column, written past the
// store) is refused rather than guessed at.
func toTarget(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case int64:
		if typ == "bigint" {
			return x, nil
		}
	case bool:
		if typ == "boolean" {
			return x, nil
		}
	case string:
		if typ == "text" {
			return x, nil
		}
	case []byte:
		if typ == "bytea" {
			return x, nil
		}
	case time.Time:
		if typ == "timestamp with time zone" {
			// PostgreSQL keeps microseconds: truncated here as its driver
			// would, so the comparison on a second run sees equal times.
			return x.UTC().Truncate(time.Microsecond), nil
		}
	}
	return nil, fmt.Errorf("a %T (%v) cannot be stored as %s", v, v, typ)
}

// sameValue compares a converted source value with the target's.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	default:
		return a == b
	}
}

func closeRows(rows *sql.Rows) error {
	return errors.Join(rows.Err(), rows.Close())
}
