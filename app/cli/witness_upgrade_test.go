package cli

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/evidence"
)

// v1HeadHash is the hash a unit's v1 chain ended with at seq (an entry of
// format v1, docs/EVIDENCE.md §1.6).
func v1HeadHash(seq int64, tag string) string {
	digest := sha256.Sum256([]byte(tag))
	sum := sha256.Sum256(fmt.Appendf(nil, "persepsi-chain-v1\n1\n%d\nresponse\n%d\n%x\n%s", seq, seq, digest, strings.Repeat("ab", 32)))
	return hex.EncodeToString(sum[:])
}

// upgraded makes the fixture's empty chain what migration 0031 leaves of a
// v1 chain ending at (seq, hash): entry 1 of kind v1-head committing it;
// later responses are sealed after it.
func (f *instanceFixture) upgraded(t *testing.T, seq int64, hash string) {
	t.Helper()
	e := survey.ChainEntry{UnitID: f.unit.ID, Seq: 1, Kind: survey.ChainV1Head, Count: seq, Root: hash, PrevHash: survey.GenesisHash}
	e.Hash = e.ComputeHash()
	sqlExec(t, f.attacker(t), `INSERT INTO chain (unit_id, seq, kind, count, root, prev_hash, hash) VALUES (?, 1, ?, ?, ?, ?, ?)`,
		e.UnitID, e.Kind, e.Count, e.Root, e.PrevHash, e.Hash)
}

// v1Record writes the record a witness kept of the instance before chain
// v2: the pinned key and the unit's signed v1 checkpoints, no chain format.
func (f *instanceFixture) v1Record(t *testing.T, state string, heads ...int64) {
	t.Helper()
	pub := f.key.Public()
	rec := evidence.NewWitnessRecord(f.url)
	rec.Instance = evidence.Instance{BaseURL: f.url, PublicKey: base64.StdEncoding.EncodeToString(pub), KeyFingerprint: evidence.Fingerprint(pub)}
	u := &evidence.WitnessUnit{}
	for i, seq := range heads {
		at := time.Date(2026, 2, 1, 1+i, 0, 0, 0, time.UTC)
		u.Checkpoints = append(u.Checkpoints, evidence.SignCheckpoint(f.key, survey.Checkpoint{UnitID: f.unit.ID, Seq: seq, Hash: v1HeadHash(seq, "v1"), PublishedAt: at}))
	}
	rec.Units[f.unit.ID] = u
	if err := saveWitnessRecord(filepath.Join(state, witnessFileName(f.url)), rec); err != nil {
		t.Fatal(err)
	}
}

// TestWitnessAcceptsTheV1Upgrade: a witness that recorded a unit's v1 chain
// (#12, then #40) sees the upgraded chain (v2 #2, far below #40) as the
// upgrade it is, because its entry 1 commits exactly the recorded v1 head;
// it then follows the v2 chain, and a bundle verifies against its record.
func TestWitnessAcceptsTheV1Upgrade(t *testing.T) {
	t.Parallel()
	f := newInstance(t)
	state := t.TempDir()
	f.v1Record(t, state, 12, 40)
	f.upgraded(t, 40, v1HeadHash(40, "v1"))
	f.submit(t, 5, "5")
	f.publish(t)
	before := f.snapshot(t, state)
	if _, with := f.exportAndVerify(t, before); !strings.HasPrefix(with, "SAH") || !strings.Contains(with, "kepala v1 #40 yang dicatat saksi") {
		t.Fatalf("a bundle of the upgraded chain with the v1 record:\n%s", with)
	}
	expectWitness(t, f, state, 0, `unit 1: rantai ditingkatkan ke format v2; kepala v1 terakhir yang tercatat cocok \(v1 #40, kini v2 #2\)\nOK .*1 unit konsisten`)
	f.submit(t, 3, "4")
	f.publish(t)
	expectWitness(t, f, state, 0, `unit 1: #2 → #3, terbukti melanjutkan`)
	rec, err := loadWitnessRecord(filepath.Join(state, witnessFileName(f.url)), f.url)
	if err != nil {
		t.Fatal(err)
	}
	u := rec.Units[f.unit.ID]
	if len(u.V1) != 2 || u.V1[1].Seq != 40 || len(u.Checkpoints) != 2 || u.Checkpoints[0].Seq != 2 || u.Chain != survey.ChainFormat {
		t.Fatalf("record after the upgrade: v1 %+v, v2 %+v, chain %q", u.V1, u.Checkpoints, u.Chain)
	}
	if _, with := f.exportAndVerify(t, state); !strings.HasPrefix(with, "SAH") || !strings.Contains(with, "Sesuai catatan saksi") {
		t.Fatalf("a bundle of the upgraded chain with the witness:\n%s", with)
	}
}

// TestWitnessRefusesAForgedUpgrade: a v1-head entry that names another v1
// head than the recorded one is a fork, one with an earlier v1 seq a
// rollback, and a unit this build saw in chain v2 is never "upgraded" by a
// v1-head entry committing its recorded v2 head.
func TestWitnessRefusesAForgedUpgrade(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		seq  int64
		tag  string
		want string
	}{
		{"other hash", 40, "rewritten", `PERCABANGAN .*kepala v1 yang dicatatnya \(#40, [0-9a-f]{16}\) bukan kepala v1 tercatat \(#40,`},
		{"later v1 head", 41, "v1", `PERCABANGAN .*\(#41, [0-9a-f]{16}\) bukan kepala v1 tercatat \(#40,`},
		{"shorter", 39, "v1", `RANTAI MUNDUR .*kepala v1 yang dicatatnya \(#39\) lebih pendek dari kepala v1 tercatat #40`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newInstance(t)
			state := t.TempDir()
			f.v1Record(t, state, 40)
			f.upgraded(t, c.seq, v1HeadHash(c.seq, c.tag))
			f.submit(t, 3, "5")
			f.publish(t)
			if _, with := f.exportAndVerify(t, f.snapshot(t, state)); !strings.HasPrefix(with, "TIDAK SAH") {
				t.Fatalf("a bundle of a forged upgrade with the v1 record:\n%s", with)
			}
			expectWitness(t, f, state, exitAlarm, c.want)
			expectWitness(t, f, state, exitAlarm, c.want)
		})
	}
	t.Run("v2 record", func(t *testing.T) {
		t.Parallel()
		f := newInstance(t)
		state := t.TempDir()
		f.submit(t, 4, "5")
		f.publish(t)
		expectWitness(t, f, state, 0, `dicatat pertama kali pada #1`)
		head, err := f.store.ChainHead(t.Context(), f.unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The whole history replaced by an "upgrade" of the recorded head.
		db := f.attacker(t)
		sqlExec(t, db, `DELETE FROM chain`)
		sqlExec(t, db, `DELETE FROM checkpoints`)
		sqlExec(t, db, `UPDATE responses SET segment = NULL`)
		f.upgraded(t, head.Seq, head.Hash)
		f.submit(t, 2, "1")
		f.publish(t)
		expectWitness(t, f, state, exitAlarm, `PERCABANGAN .*kepala baru #2 tidak melanjutkan kepala tercatat #1`)
	})
}
