package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/storetest"
)

// migratedTables are the tables `persepsi migrate` copies: every table of
// the schema but schema_migrations and health_probe. migrateFixture puts
// rows in each, so a table left out, or copied short, fails the counts.
var migratedTables = []string{
	"questionnaires", "settings", "units", "users", "api_tokens", "sessions", "user_units",
	"services", "counters", "retired_codes", "unit_populations", "responses", "answers",
	"exclusions", "rollups", "chain", "checkpoints", "followups", "issued_bundles", "issued_files",
}

// migrateFixture runs `persepsi demo` into a fresh SQLite file and writes,
// through the store, a row into every other table: closed buckets sealed
// into the chain, an exclusion, a checkpoint, a unit head with a token and
// a session, a follow-up, a population, the base URL, an issued bundle and
// a retired counter code. It returns the file's path.
func migrateFixture(t *testing.T, seed string) string {
	t.Helper()
	db := demoDB(t, "--days", "20", "--per-day", "30", "--seed", seed)
	ctx := context.Background()
	s, err := openStore(ctx, &Env{Logger: discardLogger}, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	units, err := s.Units(ctx)
	if err != nil || len(units) != 1 {
		t.Fatalf("units %v, %v", units, err)
	}
	unit := units[0].ID
	if n, err := s.SealClosed(ctx); err != nil || n == 0 {
		t.Fatalf("sealed %d segments, %v", n, err)
	}
	var refs []string
	if err := s.Writer().Raw(`SELECT ref FROM responses WHERE segment IS NOT NULL ORDER BY id LIMIT 1`).Scan(&refs).Error; err != nil || len(refs) != 1 {
		t.Fatalf("refs %v, %v", refs, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.Exclude(ctx, unit, refs, "Uji coba petugas", "Kepala Unit")
	must(err)
	_, err = s.PublishCheckpoints(ctx, s.Now())
	must(err)
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "kepala", Password: "kata-sandi-panjang", Role: survey.RoleKepalaUnit, Units: []int64{unit}})
	must(err)
	_, _, err = s.CreateToken(ctx, u.ID, "laporan", 0)
	must(err)
	_, _, err = s.CreateSession(ctx, u.ID)
	must(err)
	_, err = s.SaveFollowUp(ctx, unit, survey.FollowUpInput{ItemCode: "SPKP4", Cause: "Antrean panjang", Action: "Tambah loket", Deadline: "2027-06-30", Owner: "Kasubag Umum"})
	must(err)
	must(s.SetPopulation(ctx, unit, survey.Period{From: "2026-01-01", To: "2026-12-31"}, 5000))
	must(s.SetBaseURL(ctx, "https://survei.contoh.go.id"))
	head, err := s.ChainHead(ctx, unit)
	must(err)
	must(s.RecordIssuedBundle(ctx, &survey.IssuedBundle{UnitID: unit, PeriodFrom: "2026-01-01", PeriodTo: "2026-12-31",
		HeadSeq: head.Seq, HeadHash: head.Hash, AnonK: 3, Responses: 10, IssuedAt: s.Now(), IssuedBy: "CLI: uji",
		Files: []survey.IssuedFile{{Name: "data.csv", Size: 10, SHA256: strings.Repeat("ab", 32)}}}))
	cs, err := s.Counters(ctx, unit)
	must(err)
	_, err = s.RegenerateCode(ctx, cs[0].ID)
	must(err)
	return db
}

// TestMigrate copies a SQLite deployment to PostgreSQL and checks the copy:
// every table holds the source's rows, the chain verifies there, a unit's
// summary is the same on both stores, a second run copies nothing, and new
// rows on PostgreSQL get new ids (the sequences moved past the copied
// ones) — after which a third run is refused, the target holding a
// response the source has not.
func TestMigrate(t *testing.T) {
	t.Parallel()
	from := migrateFixture(t, "3")
	to := storetest.PostgresURL(t)
	code, out, errs := run(t, nil, "migrate", "--from", from, "--to", to)
	if code != 0 {
		t.Fatalf("migrate: exit %d\n%s\n%s", code, out, errs)
	}
	ctx := context.Background()
	src, dst := openTestStore(t, from), openTestStore(t, to)
	srcCounts, err := src.RowCounts(ctx, migratedTables)
	if err != nil {
		t.Fatal(err)
	}
	dstCounts, err := dst.RowCounts(ctx, migratedTables)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range migratedTables {
		if srcCounts[table] == 0 || dstCounts[table] != srcCounts[table] {
			t.Errorf("%s: %d rows on PostgreSQL, %d in the source (want equal, not 0)", table, dstCounts[table], srcCounts[table])
		}
	}
	// Progress per table, in Indonesian numbers (answers has thousands).
	answers := survey.FormatDecimal(float64(srcCounts["answers"]), 0)
	if !strings.Contains(errs, "menyalin answers") || !strings.Contains(errs, "100% "+answers+"/"+answers) || !strings.Contains(answers, ".") {
		t.Errorf("no finished progress of answers (%s rows) in:\n%s", answers, errs)
	}
	if !strings.Contains(out, survey.FormatDecimal(float64(sum(srcCounts)), 0)+" baris dalam 20 tabel disalin") {
		t.Errorf("summary does not count %d rows in 20 tables:\n%s", sum(srcCounts), out)
	}

	units, err := src.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unit := units[0]
	rep, err := evidence.VerifyChain(ctx, dst, unit.ID)
	if err != nil || !rep.OK() || rep.Entries < 2 {
		t.Fatalf("chain on PostgreSQL: %+v, %v (want intact, with segments and the exclusion)", rep, err)
	}
	today := unit.LocalDay(time.Now())
	period := survey.Period{From: unit.LocalDay(time.Now().AddDate(0, 0, -30)), To: today}
	a, err := src.Summary(ctx, unit.ID, period, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := dst.Summary(ctx, unit.ID, period, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL keeps times to the microsecond; the unit's creation time
	// (a clock reading, shown nowhere in a summary's figures) has
	// nanoseconds on SQLite. GeneratedAt is when each summary was computed.
	if !a.Unit.CreatedAt.Truncate(time.Microsecond).Equal(b.Unit.CreatedAt) {
		t.Errorf("unit created %v on SQLite, %v on PostgreSQL", a.Unit.CreatedAt, b.Unit.CreatedAt)
	}
	a.Unit.CreatedAt, b.Unit.CreatedAt = time.Time{}, time.Time{}
	a.GeneratedAt, b.GeneratedAt = time.Time{}, time.Time{}
	if a.N == 0 || a.Excluded != 1 {
		t.Errorf("summary of the fixture: N %d, %d excluded; want responses and 1 exclusion", a.N, a.Excluded)
	}
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		i := 0
		for i < min(len(ja), len(jb)) && ja[i] == jb[i] {
			i++
		}
		from := max(0, i-200)
		t.Errorf("summaries differ from byte %d:\nSQLite     …%s\nPostgreSQL …%s", i, ja[from:min(len(ja), i+100)], jb[from:min(len(jb), i+100)])
	}

	code, out, errs = run(t, nil, "migrate", "--from", from, "--to", to)
	if code != 0 || !strings.Contains(out, "tidak ada yang disalin") {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errs)
	}
	if again, err := dst.RowCounts(ctx, migratedTables); err != nil || !reflect.DeepEqual(again, dstCounts) {
		t.Errorf("second run changed the counts: %v, %v; before %v", again, err, dstCounts)
	}

	// New rows on PostgreSQL: an id taken from a sequence left at 1 would
	// collide with a copied row.
	cs, err := dst.Counters(ctx, unit.ID)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := dst.SurveyByCode(ctx, cs[1].Code)
	if err != nil {
		t.Fatal(err)
	}
	gen := demoGenerator{rng: rand.New(rand.NewPCG(1, 2)), surveys: []*survey.Survey{sv}, loc: unit.Location()}
	r, err := sv.Validate(gen.input(sv, 0, 0.5, false), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, dup, err := dst.Submit(ctx, r); err != nil || dup {
		t.Fatalf("submit on PostgreSQL after migrating: dup %v, %v", dup, err)
	}
	if n, err := dst.CountResponses(ctx, unit.ID); err != nil || n != srcCounts["responses"]+1 {
		t.Errorf("%d responses on PostgreSQL, %v; want %d", n, err, srcCounts["responses"]+1)
	}
	u2, err := dst.CreateUnit(ctx, survey.NewUnit{Name: "Unit Baru", TimeZone: "Asia/Makassar"})
	if err != nil || u2.ID != unit.ID+1 {
		t.Errorf("new unit on PostgreSQL: %+v, %v; want id %d", u2, err, unit.ID+1)
	}
	if _, err := dst.CreateUser(ctx, survey.NewUser{Username: "admin2", Password: "kata-sandi-panjang", Role: survey.RoleAdmin}); err != nil {
		t.Errorf("new user on PostgreSQL: %v", err)
	}

	code, _, errs = run(t, nil, "migrate", "--from", from, "--to", to)
	if code != 1 || !strings.Contains(errs, "tidak ada di sumber") || !strings.Contains(errs, "tidak ada yang disalin") {
		t.Errorf("run after the target took new data: exit %d, want 1 and a refusal naming the extra rows:\n%s", code, errs)
	}
}

// TestMigrateRefusesBrokenChain edits one sealed answer in the source with
// raw SQL: migrate must name the unit and the broken entry and write
// nothing, not even the schema.
func TestMigrateRefusesBrokenChain(t *testing.T) {
	t.Parallel()
	from := migrateFixture(t, "4")
	s := openTestStore(t, from)
	if n := storetest.Tamper(t, s, `UPDATE answers SET value = 5 - value WHERE item_code = 'SPKP1' AND response_id =
 (SELECT MIN(id) FROM responses WHERE segment IS NOT NULL AND id NOT IN (SELECT response_id FROM exclusions))`); n != 1 {
		t.Fatalf("tampered %d rows", n)
	}
	to := storetest.PostgresURL(t)
	code, out, errs := run(t, nil, "migrate", "--from", from, "--to", to)
	if code != 1 || !strings.Contains(errs, "rantai hash unit 1 (Mal Pelayanan Publik (Demo)) rusak pada entri #") || !strings.Contains(errs, "tidak ada yang disalin") {
		t.Errorf("exit %d, want 1 naming the unit and the entry\nstdout %s\nstderr %s", code, out, errs)
	}
	if n := countTables(t, to); n != 0 {
		t.Errorf("the target has %d tables after a refused copy", n)
	}
}

// TestMigrateRefusesAnotherDeployment migrates one deployment, then tries
// another (the same ids, other data) into the same database, then the
// first again after a setting changed in it: both refused, naming the row
// that differs, and nothing merged.
func TestMigrateRefusesAnotherDeployment(t *testing.T) {
	t.Parallel()
	first, second := migrateFixture(t, "5"), migrateFixture(t, "6")
	to := storetest.PostgresURL(t)
	if code, _, errs := run(t, nil, "migrate", "--from", first, "--to", to); code != 0 {
		t.Fatalf("first: %s", errs)
	}
	dst := openTestStore(t, to)
	before, err := dst.RowCounts(context.Background(), migratedTables)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, nil, "migrate", "--from", second, "--to", to)
	if code != 1 || !strings.Contains(errs, "Tujuan memuat data lain") || !strings.Contains(errs, "tidak ada yang disalin") {
		t.Errorf("second deployment: exit %d, want 1 and a refusal:\n%s", code, errs)
	}
	after, err := dst.RowCounts(context.Background(), migratedTables)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("counts after the refusal %v, %v; before %v", after, err, before)
	}

	src := openTestStore(t, first)
	if err := src.SetBaseURL(context.Background(), "https://survei-baru.contoh.go.id"); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, nil, "migrate", "--from", first, "--to", to)
	if want := "tabel settings, baris key=" + survey.SettingBaseURL + ": kolom value di tujuan berbeda dengan di sumber"; code != 1 || !strings.Contains(errs, want) {
		t.Errorf("source changed since the copy: exit %d, want 1 and %q:\n%s", code, want, errs)
	}
	if st, err := dst.Settings(context.Background()); err != nil || st.BaseURL != "https://survei.contoh.go.id" {
		t.Errorf("target's base URL after the refusal: %q, %v", st.BaseURL, err)
	}
}

// TestMigrateUsage: the source must be an existing SQLite file and the
// target a postgres:// URL, and no password is ever echoed.
func TestMigrateUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "catatan.db")
	if err := os.WriteFile(notSQLite, []byte("bukan basis data"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "kosong.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	pg := "postgres://persepsi:rahasia@127.0.0.1:1/persepsi"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--from (berkas SQLite sumber) dan --to (URL postgres:// tujuan) wajib diisi"},
		{[]string{"--from", filepath.Join(dir, "tidak-ada.db"), "--to", pg}, "tidak-ada.db tidak ada"},
		{[]string{"--from", notSQLite, "--to", pg}, "catatan.db bukan berkas basis data SQLite"},
		{[]string{"--from", empty, "--to", pg}, "kosong.db bukan berkas basis data SQLite"},
		{[]string{"--from", dir, "--to", pg}, "bukan berkas basis data SQLite"},
		{[]string{"--from", pg, "--to", pg}, "--from harus jalur berkas SQLite, bukan URL (diberikan: postgres://persepsi:xxxxx@"},
		{[]string{"--from", notSQLite, "--to", "mysql://root:rahasia@h/db"}, "--to harus URL PostgreSQL"},
		{[]string{"--from", notSQLite, "--to", filepath.Join(dir, "baru.db")}, "--to harus URL PostgreSQL"},
	} {
		code, _, errs := run(t, nil, append([]string{"migrate"}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) || strings.Contains(errs, "rahasia") {
			t.Errorf("migrate %v: exit %d, stderr %q; want 2 and %q without the password", tc.args, code, errs, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tidak-ada.db")); err == nil {
		t.Error("a missing source was created")
	}
}

// countTables counts the tables in the schema the URL's search_path names.
func countTables(t *testing.T, url string) int {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sum(counts map[string]int64) int64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}
