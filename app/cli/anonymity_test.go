package cli

import (
	"archive/zip"
	"encoding/csv"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemoExportIsKAnonymous exports two weeks of demo data and counts, in
// the CSV, every combination of the quasi-identifiers (day, hour, counter,
// service, profile): none occurs fewer than k times, for the default k
// and a larger one. Rows come by day, then printed time, then ref, so
// their order does not follow arrival. Before the plan, every demo row was
// unique on these columns.
func TestDemoExportIsKAnonymous(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	vars := map[string]string{"PERSEPSI_DB": db, "PERSEPSI_BASE_URL": "https://survei.example.go.id"}
	if code, _, errs := run(t, vars, "demo", "--days", "14", "--per-day", "40", "--seed", "7"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	today := time.Now().In(time.FixedZone("WIB", 7*3600))
	from, to := today.AddDate(0, 0, -20).Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly)
	for _, k := range []int{5, 10} {
		bundle := filepath.Join(dir, "bukti.zip")
		if code, _, errs := run(t, vars, "export", "--unit", "1", "--from", from, "--to", to, "--out", bundle, "--k", itoa(k)); code != 0 {
			t.Fatalf("export: %s", errs)
		}
		files := unzip(t, bundle)
		rows, err := csv.NewReader(strings.NewReader(files["responden.csv"])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 300 {
			t.Fatalf("only %d rows", len(rows))
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		quasi := []string{"tanggal", "jam", "loket", "layanan", "usia", "jenis_kelamin", "pendidikan", "pekerjaan"}
		combos := map[string]int{}
		for _, r := range rows[1:] {
			var key []string
			for _, q := range quasi {
				key = append(key, r[col[q]])
			}
			combos[strings.Join(key, "|")]++
		}
		for combo, n := range combos {
			if n < k {
				t.Errorf("k=%d: %d rows share %s", k, n, combo)
			}
		}
		for i := 2; i < len(rows); i++ {
			a, b := rows[i-1], rows[i]
			if a[col["tanggal"]] == b[col["tanggal"]] && a[col["jam"]] == b[col["jam"]] && a[col["ref"]] > b[col["ref"]] {
				t.Fatalf("rows %d and %d of one day and time are not ordered by ref", i, i+1)
			}
		}
		var m struct {
			Anonymity struct {
				K        int   `json:"k"`
				Achieved int64 `json:"achieved"`
			} `json:"anonymity"`
		}
		if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil {
			t.Fatal(err)
		}
		if m.Anonymity.K != k || m.Anonymity.Achieved < int64(k) {
			t.Errorf("manifest anonymity %+v, want k %d achieved ≥ %d", m.Anonymity, k, k)
		}
		if !strings.Contains(files["kodebuku.csv"], "k = "+itoa(k)) || !strings.Contains(files["kodebuku.csv"], "k tercapai = ") {
			t.Error("the codebook does not state the policy and the k achieved")
		}
		if code, out, errs := run(t, vars, "verify", bundle); code != 0 {
			t.Fatalf("verify: %s %s", out, errs)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// unzip reads every file of a zip.
func unzip(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}
