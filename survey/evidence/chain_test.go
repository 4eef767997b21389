package evidence

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/storetest"
)

// tamper runs raw SQL on the fixture's database past the store, as
// someone holding the database would: each statement of query (separated
// by ";\n") in turn, args going to the first.
func (f *fixture) tamper(tb testing.TB, query string, args ...any) {
	tb.Helper()
	for i, q := range strings.Split(query, ";\n") {
		if i > 0 {
			args = nil
		}
		if storetest.Tamper(tb, f.store, q, args...) == 0 {
			tb.Fatalf("%s changed nothing", q)
		}
	}
}

// TestTamperedDatabaseIsRefused edits a real SQLite file behind the
// store's back, one way per case, after a signed export: the chain walk
// must name the broken entry (the segment and its bucket for response
// edits, never a response), a fresh export must refuse to sign, and the
// public verifier must reject the bundle exported before the edit.
func TestTamperedDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	const answerEdit = `UPDATE answers SET value = CASE value WHEN 6 THEN 5 ELSE value + 1 END
 WHERE item_code = 'SPKP1' AND response_id = (SELECT id FROM responses WHERE ref = ?)`
	cases := []struct {
		name    string
		exclude bool // exclude response 4 before the export
		query   string
		ref     bool // bind the ref of response 3
		problem string
	}{
		{"one answer updated", false, answerEdit, true, "akar Merkle tidak cocok"},
		{"suggestion edited", false, `UPDATE responses SET suggestion = 'Pelayanan sangat baik' WHERE ref = ?`, true, "akar Merkle tidak cocok"},
		{"response deleted", false, `DELETE FROM answers WHERE response_id = (SELECT id FROM responses WHERE ref = ?);
 DELETE FROM responses WHERE id NOT IN (SELECT response_id FROM answers)`, true, "mencatat 1 respons, tersimpan 0"},
		{"response moved out of its segment", false, `UPDATE responses SET segment = NULL WHERE ref = ?`, true, "mencatat 1 respons, tersimpan 0"},
		{"response added to a segment", false, `INSERT INTO responses (ref, unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel, idempotency_key, salt, segment)
 SELECT 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0', unit_id, counter_id, service_id, questionnaire_id, submitted_at, local_day, channel, 'forged-key-000001', salt, segment FROM responses WHERE ref = ?`, true, "mencatat 1 respons, tersimpan 2"},
		{"exclusion reason edited", true, `UPDATE exclusions SET reason = 'Alasan lain'`, false, "pengecualian yang dicatat telah diubah"},
		{"exclusion deleted", true, `DELETE FROM exclusions`, false, "pengecualian yang dicatat tidak ada lagi"},
		{"exclusion without entry", false, `INSERT INTO exclusions (unit_id, response_id, reason, actor, created_at)
 SELECT unit_id, id, 'Diam-diam', 'X', '2025-04-01 02:00:00+00:00' FROM responses WHERE ref = ?`, true, "pengecualian disisipkan tanpa entri rantai"},
		{"segment root rewritten", false, `UPDATE chain SET root = '` + strings.Repeat("0", 64) + `' WHERE seq = 3`, false, "entri #3: hash entri tidak sesuai"},
		{"middle entry deleted", false, `DELETE FROM chain WHERE seq = 3`, false, "melompat dari 2 ke 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 8, 0)
			ctx := context.Background()
			if tc.exclude {
				if _, err := f.store.Exclude(ctx, f.unit.ID, []string{f.refs[4]}, "Uji", "Admin"); err != nil {
					t.Fatal(err)
				}
			}
			b, _ := f.export(t, testKey(1))
			if res := verify(t, f, testKey(1).Public(), b); !res.OK() {
				t.Fatalf("before tampering: %s", res.Problem)
			}
			var args []any
			if tc.ref {
				args = append(args, f.refs[3])
			}
			f.tamper(t, tc.query, args...)

			rep, err := VerifyChain(ctx, f.store, f.unit.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !strings.Contains(rep.Problem, tc.problem) {
				t.Fatalf("chain walk: broken at %d, %q; want a problem containing %q", rep.BrokenSeq, rep.Problem, tc.problem)
			}
			for _, ref := range f.refs {
				if strings.Contains(rep.Problem, ref) {
					t.Fatalf("the problem names response %s: %q", ref, rep.Problem)
				}
			}
			var buf bytes.Buffer
			_, err = WriteBundle(ctx, &buf, f.store, f.unit.ID, survey.Period{From: "2025-03-01", To: "2025-03-31"}, Options{BaseURL: "https://survei.contoh.go.id", Key: testKey(1), Now: func() time.Time { return clock }})
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Report.BrokenSeq != rep.BrokenSeq {
				t.Fatalf("export of the tampered data: %v, want a chain error at #%d", err, rep.BrokenSeq)
			}
			if res := verify(t, f, testKey(1).Public(), b); res.OK() {
				t.Fatal("the public verifier accepted a bundle whose data were changed on the server")
			}
		})
	}
}

// TestRowsCarryNoSharedChainValue: rows of one bucket (one segment) must
// not carry a value they share, which would group them by hour whatever
// the export does to the time columns; each row's hash is its own salted
// leaf, distinct from every other row's and from every chain entry's.
func TestRowsCarryNoSharedChainValue(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	at := time.Date(2025, 3, 10, 3, 0, 0, 0, time.UTC)
	for i := range 6 {
		in := survey.Input{Service: strconv.FormatInt(f.sv.Services[0].ID, 10), Answers: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
		for _, it := range f.sv.Questionnaire.Items() {
			in.Answers[it.Code] = "5"
		}
		r, err := f.sv.Validate(in, at.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.store.Submit(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := f.export(t, testKey(1))
	rows, err := csv.NewReader(bytes.NewReader(entries(t, b)[FileCSV])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	entriesByHash := map[string]bool{}
	es, err := f.store.ChainEntries(ctx, f.unit.ID, 0, 1<<62, 100)
	if err != nil || len(es) != 1 || es[0].Count != 6 {
		t.Fatalf("chain = %+v, %v; want one segment of 6", es, err)
	}
	for _, e := range es {
		entriesByHash[e.Hash], entriesByHash[e.Root] = true, true
	}
	col := slices.Index(rows[0], "rantai_hash")
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		h := row[col]
		if len(h) != 64 || seen[h] || entriesByHash[h] {
			t.Fatalf("row hash %q is shared with another row or a chain entry", h)
		}
		seen[h] = true
	}
	if len(seen) != 6 {
		t.Fatalf("%d rows, want 6", len(seen))
	}
}

// TestVerifyNamesFormatV1: a bundle exported before chain v2 (manifest
// format v1) is recognised as such: its signature and files are checked
// (a forged one is still refused), and the answer says why its rows cannot
// be matched; so is a v1 CSV alone.
func TestVerifyNamesFormatV1(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 0)
	b, _ := f.export(t, testKey(1))
	files := entries(t, b)
	old := bytes.Replace(files[FileManifest], []byte(`"format": "`+ManifestFormat+`"`), []byte(`"format": "`+ManifestFormatV1+`"`), 1)
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	files[FileManifest] = old
	files[FileSignature] = ed25519.Sign(testKey(1).priv, old)
	res := verify(t, f, testKey(1).Public(), rezip(t, names, files))
	if res.OK() || !strings.Contains(res.Problem, "berformat v1") || !strings.Contains(res.Problem, "Tanda tangan manifest dan SHA-256 setiap berkasnya SAH") ||
		!strings.Contains(res.Problem, "tidak mencatat rantai v1") {
		t.Fatalf("v1 bundle: %+v", res)
	}
	files[FileSignature] = ed25519.Sign(testKey(2).priv, old)
	if res := verify(t, f, testKey(1).Public(), rezip(t, names, files)); !strings.Contains(res.Problem, "tanda tangan manifest tidak sah") {
		t.Fatalf("v1 bundle signed by another key: %+v", res)
	}
	v1CSV := []byte("id,unit,tanggal,jam,saluran,layanan,loket,kuesioner,SPKP1,kontrol,saran,dikecualikan,alasan_pengecualian,rantai_seq,rantai_hash,rantai_acuan\n" +
		"1,1,2025-03-01,08:00,qr,2,1,spkp-spak-6@1,3,Tidak,,0,,1," + strings.Repeat("a", 64) + ",4\n")
	if res := verify(t, f, nil, v1CSV); !strings.Contains(res.Problem, "CSV ekspor berformat v1") {
		t.Fatalf("v1 CSV: %+v", res)
	}
}
