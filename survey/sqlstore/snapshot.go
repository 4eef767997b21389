package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// ReadSnapshot runs fn in one read-only transaction on the read pool, so
// everything fn reads comes from one snapshot of the database however
// long it takes (copying a deployment: `persepsi migrate`). Queries on tx
// take the dialect's own placeholders; fn must not keep tx.
func (s *Store) ReadSnapshot(ctx context.Context, fn func(tx *sql.Tx) error) error {
	rdb, err := s.r.DB()
	if err != nil {
		return err
	}
	tx, err := rdb.BeginTx(ctx, s.d.ReadTx())
	if err != nil {
		return fmt.Errorf("storage: unable to begin a snapshot of %s: %w", s.path, err)
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}

// RowCounts counts the rows of each table, all in one snapshot.
func (s *Store) RowCounts(ctx context.Context, tables []string) (map[string]int64, error) {
	counts := make(map[string]int64, len(tables))
	err := s.ReadSnapshot(ctx, func(tx *sql.Tx) error {
		for _, t := range tables {
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+QuoteIdent(t)).Scan(&n); err != nil {
				return fmt.Errorf("storage: unable to count %s: %w", t, err)
			}
			counts[t] = n
		}
		return nil
	})
	return counts, err
}

// QuoteIdent quotes a table or column name for SQL, as both SQLite and
// PostgreSQL read double-quoted identifiers.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
