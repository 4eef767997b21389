package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestExportVerifyExclude(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	vars := map[string]string{"PERSEPSI_DB": db, "PERSEPSI_BASE_URL": "https://survei.example.go.id"}
	if code, _, errs := run(t, vars, "demo", "--days", "3", "--per-day", "15", "--seed", "3"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	refs := firstRefs(t, db, 3)
	today := time.Now().In(time.FixedZone("WIB", 7*3600)).Format(time.DateOnly)
	from := time.Now().AddDate(0, 0, -5).Format(time.DateOnly)
	bundle := filepath.Join(dir, "bukti.zip")
	steps := []struct {
		args     []string
		code     int
		out, err string // regexps
	}{
		{[]string{"exclude", "--unit", "1", "--response", refs[0] + "," + refs[1], "--reason", "Uji coba", "--actor", "Kepala Unit"}, 0, `respons [0-9a-f]{32} dikecualikan \(rantai #\d+\)\n2 respons dikecualikan`, ``},
		{[]string{"exclude", "--unit", "1", "--response", refs[1], "--reason", "Lagi", "--actor", "X"}, 2, ``, `sudah dikecualikan`},
		{[]string{"exclude", "--unit", "1", "--coached", "--from", from, "--to", today, "--actor", "Tim ZI"}, 0, `\d+ respons dikecualikan`, ``},
		{[]string{"exclude", "--unit", "1", "--response", refs[2], "--coached", "--actor", "X"}, 2, ``, `beri --response REFS dengan --reason, atau --coached`},
		{[]string{"exclude", "--unit", "1", "--response", "abc"}, 2, ``, `bukan rujukan respons`},
		{[]string{"exclude", "--unit", "1", "--response", "4", "--reason", "x", "--actor", "y"}, 2, ``, `bukan rujukan respons`},
		{[]string{"export", "--unit", "1", "--from", from, "--to", today}, 2, ``, `--unit dan --out wajib diisi`},
		{[]string{"export", "--unit", "1", "--from", today, "--to", from, "--out", bundle}, 2, ``, `--to:`},
		{[]string{"export", "--unit", "9", "--from", from, "--to", today, "--out", bundle}, 1, ``, `persepsi export: unit 9 tidak ditemukan\n$`},
		{[]string{"export", "--unit", "1", "--from", from, "--to", today, "--out", bundle}, 0, `bukti\.zip: \d+ respons \(\d+ dikecualikan\)`, `menulis laporan\.pdf`},
		{[]string{"verify", bundle}, 0, `(?s)^SAH / VERIFIED: paket bukti .*Rantai hash unit utuh .*diterbitkan .* oleh CLI: operator`, ``},
		{[]string{"verify"}, 2, ``, `beri tepat satu FILE`},
	}
	for _, st := range steps {
		code, out, errs := run(t, vars, st.args...)
		if code != st.code || !regexp.MustCompile(st.out).MatchString(out) || !regexp.MustCompile(st.err).MatchString(errs) {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want code %d, stdout ~ %q, stderr ~ %q", st.args, code, out, errs, st.code, st.out, st.err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "signing.key")); err != nil {
		t.Fatalf("no signing key beside the database: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".persepsi-export-*")); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	forged := filepath.Join(dir, "rusak.zip")
	if err := os.WriteFile(forged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, vars, "verify", forged); code != 1 || !regexp.MustCompile(`^TIDAK SAH`).MatchString(out) {
		t.Fatalf("a damaged bundle: code %d, %q", code, out)
	}
	// One answer changed in the database: the genuine bundle no longer
	// verifies, the operator is told which segment and bucket broke, and a
	// fresh export refuses to sign.
	sqldb, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.Exec(`UPDATE answers SET value = 7 - value WHERE item_code = 'SPKP1' AND response_id = (SELECT id FROM responses WHERE ref = ?)`, refs[2]); err != nil {
		t.Fatal(err)
	}
	sqldb.Close()
	if code, out, _ := run(t, vars, "verify", bundle); code != 1 || !regexp.MustCompile(`^TIDAK SAH .*rusak pada entri \d+: segmen #\d+ \(jam \d+ \pL+ \d{4}, \d\d\.00 WIB\): akar Merkle tidak cocok`).MatchString(out) {
		t.Fatalf("bundle of tampered data: code %d, %q", code, out)
	}
	if code, _, errs := run(t, vars, "export", "--unit", "1", "--from", from, "--to", today, "--out", filepath.Join(dir, "lagi.zip")); code == 0 || !strings.Contains(errs, "segmen #") {
		t.Fatalf("export of tampered data: code %d, stderr %q", code, errs)
	}
}

// firstRefs reads the public references of the first n responses of unit 1
// from the database file.
func firstRefs(tb testing.TB, path string, n int) []string {
	tb.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT ref FROM responses WHERE unit_id = 1 ORDER BY id LIMIT ?`, n)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var refs []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			tb.Fatal(err)
		}
		refs = append(refs, r)
	}
	if len(refs) != n {
		tb.Fatalf("%d references, want %d", len(refs), n)
	}
	return refs
}
