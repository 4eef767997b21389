package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"strings"
	"testing"
	"time"
)

// v1Database writes, with the migrations before 0030 and raw SQL, the
// database a v1 release left: a unit in WITA with n responses at
// second-precise times, each with a v1 chain entry, and an exclusion of
// response 2 with its entry. It returns the file's path and the v1 head.
func v1Database(tb testing.TB, n int) (string, survey.ChainV1Entry) {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "v1.db")
	db, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		tb.Fatal(err)
	}
	if err := applyOnly(ctx, db, func(v int) bool { return v < 30 }); err != nil {
		tb.Fatal(err)
	}
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []string{
		`INSERT INTO questionnaires (id, key, version, title, definition, sha256, created_at) VALUES (1, 'q', 1, 'Q', '{}', 'x', ?)`,
		`INSERT INTO units (id, name, time_zone, questionnaire_id, created_at) VALUES (1, 'survey.Unit', 'Asia/Makassar', 1, ?)`,
		`INSERT INTO services (id, unit_id, name, created_at) VALUES (1, 1, 'Layanan', ?)`,
		`INSERT INTO counters (id, unit_id, name, code, created_at) VALUES (1, 1, 'Loket', 'abcdefghijklmnop', ?)`,
	} {
		if _, err := db.Exec(q, now); err != nil {
			tb.Fatal(err)
		}
	}
	last := survey.ChainV1Entry{HH: survey.GenesisHash}
	appendV1 := func(kind string, ref int64, digest string) {
		e := survey.ChainV1Entry{UnitID: 1, Seq: last.Seq + 1, Kind: kind, RefID: ref, Digest: digest, Prev: last.HH}
		e.HH = e.Hash()
		if _, err := db.Exec(`INSERT INTO chain (unit_id, seq, kind, ref_id, digest, prev_hash, hash, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, e.Kind, e.RefID, e.Digest, e.Prev, e.HH, now); err != nil {
			tb.Fatal(err)
		}
		last = e
	}
	for i := range n {
		at := now.Add(time.Duration(i) * 17 * time.Minute).Add(time.Duration(i*7%60) * time.Second)
		r := survey.Response{ID: int64(i + 1), UnitID: 1, CounterID: 1, ServiceID: 1, QuestionnaireID: 1, SubmittedAt: at,
			LocalDay: at.In(survey.ZoneLocation("Asia/Makassar")).Format(time.DateOnly), Channel: survey.ChannelQR, Control: "Tidak",
			Suggestion: fmt.Sprintf("saran %d\nbaris kedua", i), Answers: []survey.Answer{{ItemCode: "A1", Value: 1 + i%6}, {ItemCode: "A2", Value: 6 - i%6}}}
		if _, err := db.Exec(`INSERT INTO responses (id, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel, control, suggestion, idempotency_key)
 VALUES (?, 1, 1, 1, 1, ?, ?, 'qr', 'Tidak', ?, ?)`, r.ID, r.SubmittedAt, r.LocalDay, r.Suggestion, fmt.Sprintf("key-%016d", i)); err != nil {
			tb.Fatal(err)
		}
		for _, a := range r.Answers {
			if _, err := db.Exec(`INSERT INTO answers (response_id, item_code, value) VALUES (?, ?, ?)`, r.ID, a.ItemCode, a.Value); err != nil {
				tb.Fatal(err)
			}
		}
		appendV1("response", r.ID, survey.ChainV1ResponseDigest(&r))
		if i == 2 {
			x := survey.Exclusion{ID: 1, UnitID: 1, ResponseID: 2, Reason: "Uji", Actor: "Admin", CreatedAt: at.Truncate(time.Second)}
			if _, err := db.Exec(`INSERT INTO exclusions (id, unit_id, response_id, reason, actor, created_at) VALUES (1, 1, 2, 'Uji', 'Admin', ?)`, x.CreatedAt); err != nil {
				tb.Fatal(err)
			}
			appendV1(survey.ChainExclusion, 1, survey.ChainV1ExclusionDigest(&x))
		}
	}
	return path, last
}

func openQuiet(path string) (*Store, error) {
	return Open(path, survey.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// TestUpgradeV1Chain opens a v1 database with this release: the v1 chain
// is verified and its head becomes entry 1, stored times are hours, every
// response is sealed into an intact v2 chain, the exclusion is chained
// again by ref, and no v1 entry survives.
func TestUpgradeV1Chain(t *testing.T) {
	t.Parallel()
	const n = 30
	path, head := v1Database(t, n)
	s, err := openQuiet(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	first, err := s.ChainEntryAt(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v1, err := s.V1Head(ctx, 1); err != nil || v1 != first || v1.Kind != survey.ChainV1Head || v1.Count != head.Seq || v1.Root != head.HH || v1.Count != n+1 {
		t.Fatalf("v1 head entry = %+v, %v; want seq %d hash %s", v1, err, head.Seq, head.HH)
	}
	var tables int
	if err := s.Writer().Raw(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'chain_v1'`).Scan(&tables).Error; err != nil || tables != 0 {
		t.Fatalf("chain_v1 still there (%d, %v)", tables, err)
	}
	var fine, unsealed int64
	if err := s.Writer().Raw(`SELECT COUNT(*) FROM responses WHERE strftime('%M%S', submitted_at) <> '0000'`).Scan(&fine).Error; err != nil || fine != 0 {
		t.Fatalf("%d responses keep a time finer than the hour (%v)", fine, err)
	}
	if err := s.Writer().Raw(`SELECT COUNT(*) FROM responses WHERE segment IS NULL`).Scan(&unsealed).Error; err != nil || unsealed != 0 {
		t.Fatalf("%d responses left unsealed (%v)", unsealed, err)
	}
	prev := survey.ChainEntry{Hash: survey.GenesisHash}
	var leaves, exclusions int64
	cov, err := s.EachChainEntry(ctx, 1, func(e survey.ChainEntry, now survey.ChainState) error {
		if e.Seq != prev.Seq+1 || e.PrevHash != prev.Hash || e.ComputeHash() != e.Hash || now.Count != e.Count || now.Root != e.Root {
			return fmt.Errorf("entry %+v does not hold (now %+v)", e, now)
		}
		switch e.Kind {
		case survey.ChainSegment:
			leaves += e.Count
		case survey.ChainExclusion:
			exclusions++
		}
		prev = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if leaves != n || cov.Sealed != n || exclusions != 1 || cov.Exclusions != 1 {
		t.Fatalf("segments hold %d leaves, %d sealed, %d exclusion entries of %d; want %d and 1", leaves, cov.Sealed, exclusions, cov.Exclusions, n)
	}
	xs, err := s.Exclusions(ctx, 1)
	if err != nil || len(xs) != 1 || !survey.ValidRef(xs[0].ResponseRef) || xs[0].Seq != prev.Seq {
		t.Fatalf("exclusions after the upgrade: %+v, %v", xs, err)
	}
	// Nothing of the fine times or of the v1 chain survives in the files
	// (free pages, WAL): response 2 came at 00:17:07 UTC, and the v1 head
	// hash is in the v2 chain only as the v1-head root, not in chain_v1.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for _, f := range []string{path, path + "-wal"} {
		b, _ := os.ReadFile(f)
		raw = append(raw, b...)
	}
	for _, fine := range []string{"00:17:07", "00:51:21", "01:08:28"} {
		if bytes.Contains(raw, []byte(fine)) {
			t.Errorf("the database files still hold %q", fine)
		}
	}
	if n := bytes.Count(raw, []byte(head.HH)); n > 1 {
		t.Errorf("the v1 head hash appears %d times in the files; the v1 chain was not erased", n)
	}
}

// TestUpgradeRefusesABrokenV1Chain: a v1 database edited after it was
// written is not laundered into an intact v2 chain; opening it fails and
// names the unit and the seq, and nothing is changed.
func TestUpgradeRefusesABrokenV1Chain(t *testing.T) {
	t.Parallel()
	path, _ := v1Database(t, 5)
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE answers SET value = 6 WHERE response_id = 4 AND item_code = 'A1'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := openQuiet(path)
	if err == nil {
		s.Close()
		t.Fatal("a tampered v1 database was upgraded")
	}
	if !strings.Contains(err.Error(), "chain v1 of unit 1 is broken at seq 5") {
		t.Fatalf("error = %v, want it to name unit 1, seq 5", err)
	}
	db, err = sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || v != 30 {
		t.Fatalf("schema version after the refused upgrade = %d, %v; want 30 (0031 rolled back)", v, err)
	}
}

// TestUpgradeSetsV1CheckpointsAside upgrades a database whose v1 chain was
// already published (checkpoints, migration 0040, came before chain v2):
// the v1 checkpoints are kept in checkpoints_v1, and the v2 head, though
// its seq is far below the v1 one, is published at once.
func TestUpgradeSetsV1CheckpointsAside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path, head := v1Database(t, 12)
	db, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := applyOnly(ctx, db, func(v int) bool { return v == 40 }); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 6, 0, 0, 0, time.UTC)
	if _, err := db.Exec(`INSERT INTO checkpoints (unit_id, seq, hash, published_at) VALUES (1, ?, ?, ?)`, head.Seq, head.HH, at); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := openQuiet(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.LatestCheckpoint(ctx, 1); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("a v1 checkpoint is still among the v2 ones: %v", err)
	}
	var seq int64
	var hash string
	if err := s.Writer().Raw(`SELECT seq, hash FROM checkpoints_v1 WHERE unit_id = 1`).Row().Scan(&seq, &hash); err != nil || seq != head.Seq || hash != head.HH {
		t.Fatalf("checkpoints_v1 holds #%d %s (%v), want the v1 head #%d %s", seq, hash, err, head.Seq, head.HH)
	}
	v2, err := s.ChainHead(ctx, 1)
	if err != nil || v2.Seq >= head.Seq {
		t.Fatalf("v2 head #%d (%v) should be below the v1 head #%d", v2.Seq, err, head.Seq)
	}
	cps, err := s.PublishCheckpoints(ctx, at.Add(time.Hour))
	if err != nil || len(cps) != 1 || cps[0].Seq != v2.Seq || cps[0].Hash != v2.Hash {
		t.Fatalf("published %+v (%v), want the v2 head #%d", cps, err, v2.Seq)
	}
}

// applyOnly applies the shipped migrations that sel accepts, as an older
// release would have.
func applyOnly(ctx context.Context, db *sql.DB, sel func(int) bool) error {
	m := Migrations
	m.Select = sel
	env := sqlstore.MigrationEnv{Now: time.Now().UTC(), Bucket: time.Hour, Rebind: func(q string) string { return q }}
	return m.Apply(ctx, db, slog.New(slog.NewTextHandler(io.Discard, nil)), env)
}
