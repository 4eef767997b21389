package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"persepsi/survey"
	"time"
)

// upgradeChainV1 is the Go step of migration 0031: it turns a database of
// chain format v1 into v2 inside the migration's transaction, so an upgrade
// either happens whole or not at all.
//
//  1. Every unit's v1 chain is verified as the v1 verifier did (seq gaps,
//     previous hashes, entry hashes, the digests of the stored responses
//     and exclusions). A broken chain stops the upgrade: converting it would
//     launder the change into a fresh, intact-looking v2 chain.
//  2. Its head is the unit's first v2 entry (kind v1-head: Count the last
//     v1 seq, Root its hash), so a v1 bundle's head can still be matched.
//  3. Every stored time is truncated to its bucket, and every response gets
//     a fresh salt from crypto/rand (0030's came from SQLite's generator).
//  4. Everything is sealed into segments, then every exclusion is chained
//     again (v2 encoding, naming the response's ref), in id order.
//  5. chain_v1 is dropped: its entries held second-precise digests and the
//     arrival order.
//  6. A database that already published checkpoints of its v1 chain
//     (migration 0040 ran before chain v2 existed) moves them to
//     checkpoints_v1: their seqs count v1 entries, so left in checkpoints
//     they would stand above the v2 head and stop every v2 publication.
//     The v1-head entry is what links the two for a witness.
//
// UpgradeChainV1 is SQLite migration 0031's Go step: it verifies the v1 chain,
// records its head, buckets the stored times and re-seals every unit in
// chain v2. (PostgreSQL stores never held a v1 chain.)
func UpgradeChainV1(ctx context.Context, tx *sql.Tx, env MigrationEnv) error {
	units, err := unitZones(ctx, tx)
	if err != nil {
		return err
	}
	tail := newChainTail(tailReader(ctx, tx))
	for _, u := range units {
		last, err := verifyV1Chain(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if last.Seq == 0 {
			continue
		}
		e, err := tail.next(survey.ChainEntry{UnitID: u.ID, Kind: survey.ChainV1Head, Count: last.Seq, Root: last.HH})
		if err != nil {
			return err
		}
		if err := appendChain(ctx, tx, e); err != nil {
			return err
		}
	}
	for _, u := range units {
		if err := bucketUnitTimes(ctx, tx, u, env.Bucket); err != nil {
			return err
		}
	}
	buckets, err := unsealedBuckets(ctx, tx, 0, env.Now.Add(24*time.Hour))
	if err != nil {
		return err
	}
	if err := sealAllTx(ctx, tx, tail, buckets); err != nil {
		return err
	}
	if err := rechainExclusions(ctx, tx, tail); err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, `DROP TABLE chain_v1`); err != nil {
		return err
	}
	return setAsideV1Checkpoints(ctx, tx)
}

// setAsideV1Checkpoints moves the checkpoints a v1 chain published, if the
// database has any, to checkpoints_v1.
func setAsideV1Checkpoints(ctx context.Context, tx *sql.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	for _, q := range []string{
		`CREATE TABLE checkpoints_v1 AS SELECT unit_id, seq, hash, published_at FROM checkpoints`,
		`DELETE FROM checkpoints`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("storage: unable to set the v1 checkpoints aside: %w", err)
		}
	}
	return nil
}

func unitZones(ctx context.Context, q querier) ([]survey.Unit, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, time_zone FROM units ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []survey.Unit
	for rows.Next() {
		var u survey.Unit
		if err := rows.Scan(&u.ID, &u.TimeZone); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// bucketUnitTimes truncates the stored times of a unit's responses to
// their buckets and gives each a new salt, a page of ids at a time.
func bucketUnitTimes(ctx context.Context, tx *sql.Tx, u survey.Unit, bucket time.Duration) error {
	loc := u.Location()
	var after int64
	for {
		rows, err := tx.QueryContext(ctx, `SELECT id, submitted_at FROM responses WHERE unit_id = ? AND id > ? ORDER BY id LIMIT ?`, u.ID, after, recordPage)
		if err != nil {
			return fmt.Errorf("storage: unable to read response times: %w", err)
		}
		type row struct {
			id int64
			at time.Time
		}
		var page []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.at); err != nil {
				rows.Close()
				return fmt.Errorf("storage: unable to read response times: %w", err)
			}
			page = append(page, r)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, r := range page {
			if _, err := tx.ExecContext(ctx, `UPDATE responses SET submitted_at = ?, salt = ? WHERE id = ?`,
				survey.BucketStart(r.at, bucket, loc), survey.RandomBytes(survey.SaltSize), r.id); err != nil {
				return fmt.Errorf("storage: unable to bucket response times: %w", err)
			}
		}
		if len(page) < recordPage {
			return nil
		}
		after = page[len(page)-1].id
	}
}

// rechainExclusions appends a v2 exclusion entry for every exclusion.
func rechainExclusions(ctx context.Context, tx *sql.Tx, tail *chainTail) error {
	xs, err := queryExclusions(ctx, tx, `ORDER BY e.id`)
	if err != nil {
		return err
	}
	return chainExclusionsTx(ctx, tx, tail, xs)
}
