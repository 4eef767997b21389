package evidence

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"testing"
)

// cells parses a CSV leniently, as Verify reads it.
func cells(b []byte) [][]string {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, _ := r.ReadAll()
	return rows
}

// FuzzVerify feeds arbitrary uploads to Checker.Verify: it must never panic, never
// fail with a server error, and never call a CSV intact unless its cells are
// the exported ones (line ends and quoting may differ).
func FuzzVerify(f *testing.F) {
	fx := newFixture(f, 5, 2)
	key := testKey(1)
	b, _ := fx.export(f, key)
	csvFile := entries(f, b)[FileCSV]
	want := cells(csvFile)
	f.Add(b)
	f.Add(csvFile)
	f.Add([]byte("id,unit,tanggal,rantai_acuan\n1,1,2025-03-01,1\n"))
	f.Add([]byte("PK\x03\x04"))
	checker := NewChecker(fx.store, key.Public())
	f.Fuzz(func(t *testing.T, upload []byte) {
		res, err := checker.Verify(context.Background(), bytes.NewReader(upload), int64(len(upload)), nil)
		if err != nil {
			t.Fatalf("server error on an upload: %v", err)
		}
		if res.OK() && res.Kind == "csv" && !reflect.DeepEqual(cells(upload), want) {
			t.Fatalf("an altered CSV verified: %q", upload)
		}
	})
}

// FuzzParseManifest checks that only a correctly signed manifest parses.
func FuzzParseManifest(f *testing.F) {
	key := testKey(1)
	for _, format := range []string{ManifestFormat, ManifestFormatV1, "persepsi-manifest-v3"} {
		raw := []byte(`{"format":"` + format + `"}` + "\n")
		f.Add(raw, key.Sign(raw))
	}
	f.Add([]byte("{}"), make([]byte, 64))
	f.Fuzz(func(t *testing.T, raw, sig []byte) {
		m, err := ParseManifest(raw, sig, key.Public())
		if err == nil && (m == nil || (m.Format != ManifestFormat && m.Format != ManifestFormatV1)) {
			t.Fatal("parsed a manifest of another format")
		}
	})
}
