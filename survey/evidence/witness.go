package evidence

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"persepsi/survey"
)

// WitnessFormat names a witness record's JSON.
const WitnessFormat = "persepsi-witness-v1"

// WitnessRecord is what a witness keeps about one instance: the key it
// pinned on first contact, every checkpoint it accepted per unit (each one
// proven to extend the one before), and the alarms it raised. It is the
// file an evaluator gives `persepsi verify --witness` or uploads on /verify.
type WitnessRecord struct {
	Format    string                 `json:"format"`
	URL       string                 `json:"url"`
	Instance  Instance               `json:"instance"`
	Units     map[int64]*WitnessUnit `json:"units"`
	Alarms    []Alarm                `json:"alarms,omitempty"`
	CheckedAt time.Time              `json:"checked_at"`
}

// WitnessUnit holds a unit's accepted checkpoints, oldest first. Chain is
// the entry format those checkpoints were proven in (the first line of an
// entry header, "persepsi-chain-v2"); a record a witness wrote before chain
// v2 has none, and only such a unit may be upgraded. V1 keeps the v1
// checkpoints of a unit whose chain was upgraded to v2 (their seqs count v1
// entries, so they are kept apart from the v2 ones).
type WitnessUnit struct {
	Checkpoints []SignedCheckpoint `json:"checkpoints"`
	Chain       string             `json:"chain,omitempty"`
	V1          []SignedCheckpoint `json:"v1_checkpoints,omitempty"`
}

// Latest returns the unit's latest accepted checkpoint.
func (u *WitnessUnit) Latest() SignedCheckpoint { return u.Checkpoints[len(u.Checkpoints)-1] }

// At returns the accepted checkpoint at seq, if any.
func (u *WitnessUnit) At(seq int64) (SignedCheckpoint, bool) {
	i, ok := slices.BinarySearchFunc(u.Checkpoints, seq, func(c SignedCheckpoint, s int64) int { return int(c.Seq - s) })
	if !ok {
		return SignedCheckpoint{}, false
	}
	return u.Checkpoints[i], true
}

// Alarm kinds.
const (
	AlarmFork      = "fork"      // two heads for one seq, or a new head that does not extend the old
	AlarmRollback  = "rollback"  // the chain got shorter, or a unit's checkpoints vanished
	AlarmSignature = "signature" // a checkpoint whose signature does not hold
	AlarmKey       = "key"       // the instance now signs with another key
)

// Alarm is evidence that the instance's history was rewritten or its feed
// forged. Checkpoint is what the instance published, signed, when it is
// signed: with the accepted checkpoint at the same unit, it proves the
// misbehaviour to a third party.
type Alarm struct {
	Kind       string            `json:"kind"`
	Unit       int64             `json:"unit"`
	Seq        int64             `json:"seq"`
	Detail     string            `json:"detail"`
	Seen       time.Time         `json:"seen"`
	Checkpoint *SignedCheckpoint `json:"checkpoint,omitempty"`
}

// Source is how a witness reads an instance's transparency feed.
type Source interface {
	// Latest returns the feed of every unit's latest checkpoint.
	Latest(ctx context.Context) (Feed, error)
	// Since returns a unit's checkpoints after seq, oldest first (one page).
	Since(ctx context.Context, unit, seq int64) ([]SignedCheckpoint, error)
	// Proof returns the entries of a unit's chain after from up to to (one
	// page of at most MaxProofEntries).
	Proof(ctx context.Context, unit, from, to int64) (Proof, error)
}

// NewWitnessRecord starts the record of an instance not yet seen.
func NewWitnessRecord(url string) *WitnessRecord {
	return &WitnessRecord{Format: WitnessFormat, URL: url, Units: map[int64]*WitnessUnit{}}
}

// ParseWitnessRecord decodes a witness record.
func ParseWitnessRecord(b []byte) (*WitnessRecord, error) {
	var w WitnessRecord
	if err := json.Unmarshal(b, &w); err != nil || w.Format != WitnessFormat {
		return nil, verifyError("berkas saksi bukan catatan saksi Persepsi (" + WitnessFormat + ")")
	}
	if w.Units == nil {
		w.Units = map[int64]*WitnessUnit{}
	}
	return &w, nil
}

// Observation is what one Observe learned.
type Observation struct {
	// Grown lists, per unit, the old and new accepted seq.
	Grown []Growth
	// New are the alarms raised by this observation.
	New []Alarm
}

// Growth is one unit's accepted head moving forward. Upgraded marks a v1
// head (From) replaced by a chain v2 whose v1-head entry commits exactly it.
type Growth struct {
	Unit     int64
	From, To int64
	Upgraded bool
}

// Observe reads the instance's feed once: it checks every checkpoint's
// signature under the pinned key, proves that each unit's new head extends
// the accepted one, and raises an alarm for a fork or a rollback. Accepted
// checkpoints are added to the record; a unit with an alarm keeps its last
// good head, so the alarm stands until someone acts on it. The error is for
// a feed that could not be read at all (network, HTTP).
func (w *WitnessRecord) Observe(ctx context.Context, src Source, now time.Time) (Observation, error) {
	var obs Observation
	feed, err := src.Latest(ctx)
	if err != nil {
		return obs, err
	}
	w.CheckedAt = now.UTC().Truncate(time.Second)
	raise := func(a Alarm) {
		a.Seen = w.CheckedAt
		for _, old := range w.Alarms {
			if old.Kind == a.Kind && old.Unit == a.Unit && old.Seq == a.Seq && sameCheckpoint(old.Checkpoint, a.Checkpoint) {
				return
			}
		}
		w.Alarms = append(w.Alarms, a)
		obs.New = append(obs.New, a)
	}
	if w.Instance.PublicKey == "" {
		w.Instance = feed.Instance
	}
	pub, err := publicKeyOf(w.Instance)
	if err != nil {
		return obs, err
	}
	if feed.Instance.PublicKey != w.Instance.PublicKey {
		raise(Alarm{Kind: AlarmKey, Detail: fmt.Sprintf("instans kini menandatangani dengan kunci lain (sidik %s, tercatat %s)", short(feed.Instance.KeyFingerprint), short(w.Instance.KeyFingerprint))})
		return obs, nil
	}
	inFeed := map[int64]bool{}
	for _, cp := range feed.Checkpoints {
		inFeed[cp.Unit] = true
		g, a, err := w.accept(ctx, src, pub, cp)
		if err != nil {
			return obs, err
		}
		if a != nil {
			raise(*a)
		}
		if g.To > g.From || g.Upgraded {
			obs.Grown = append(obs.Grown, g)
		}
	}
	for unit, u := range w.Units {
		if !inFeed[unit] {
			raise(Alarm{Kind: AlarmRollback, Unit: unit, Seq: u.Latest().Seq, Detail: fmt.Sprintf("unit %d tidak lagi ada di umpan; kepala terakhir tercatat #%d", unit, u.Latest().Seq)})
		}
	}
	return obs, nil
}

// accept checks one unit's latest checkpoint against the record.
func (w *WitnessRecord) accept(ctx context.Context, src Source, pub ed25519.PublicKey, cp SignedCheckpoint) (Growth, *Alarm, error) {
	g := Growth{Unit: cp.Unit}
	if !cp.Verify(pub) {
		return g, &Alarm{Kind: AlarmSignature, Unit: cp.Unit, Seq: cp.Seq, Detail: fmt.Sprintf("titik periksa unit %d #%d tidak ditandatangani kunci instans", cp.Unit, cp.Seq)}, nil
	}
	u := w.Units[cp.Unit]
	if u == nil {
		u = &WitnessUnit{Checkpoints: []SignedCheckpoint{cp}}
		w.Units[cp.Unit] = u
		g.To = cp.Seq
		return g, nil, w.learnFormat(ctx, src, u)
	}
	last := u.Latest()
	g.From, g.To = last.Seq, last.Seq
	signed := &cp
	var alarm *Alarm
	if old, ok := u.At(cp.Seq); ok && old.Hash != cp.Hash {
		alarm = &Alarm{Kind: AlarmFork, Unit: cp.Unit, Seq: cp.Seq, Checkpoint: signed,
			Detail: fmt.Sprintf("unit %d: dua kepala berbeda untuk #%d (tercatat %s, kini %s)", cp.Unit, cp.Seq, short(old.Hash), short(cp.Hash))}
	}
	var hashes map[int64]string
	switch {
	case alarm != nil:
	case cp.Seq < last.Seq:
		alarm = &Alarm{Kind: AlarmRollback, Unit: cp.Unit, Seq: cp.Seq, Checkpoint: signed,
			Detail: fmt.Sprintf("unit %d: rantai mundur dari #%d ke #%d (entri terakhir dihapus)", cp.Unit, last.Seq, cp.Seq)}
	case cp.Seq == last.Seq:
		return g, nil, w.learnFormat(ctx, src, u)
	default:
		var problem string
		var err error
		if hashes, problem, err = w.prove(ctx, src, cp.Unit, last, cp); err != nil {
			return g, nil, err
		}
		if problem != "" {
			alarm = &Alarm{Kind: AlarmFork, Unit: cp.Unit, Seq: cp.Seq, Checkpoint: signed,
				Detail: fmt.Sprintf("unit %d: kepala baru #%d tidak melanjutkan kepala tercatat #%d: %s", cp.Unit, cp.Seq, last.Seq, problem)}
		}
	}
	if alarm != nil {
		if u.Chain != "" || u.V1 != nil {
			return g, alarm, nil
		}
		// A record from before chain v2: the new chain may be the upgrade
		// of the recorded v1 chain rather than a rewrite of it.
		up, a, err := w.upgrade(ctx, src, last, cp)
		if err != nil || a != nil || up == nil {
			return g, cmp.Or(a, alarm), err
		}
		hashes, last = up, SignedCheckpoint{}
		u.V1, u.Checkpoints, u.Chain = u.Checkpoints, nil, survey.ChainFormat
		g.Upgraded = true
	}
	between, err := w.between(ctx, src, pub, cp.Unit, last.Seq, cp.Seq)
	if err != nil {
		return g, nil, err
	}
	for _, c := range between {
		if hashes[c.Seq] != c.Hash {
			return g, &Alarm{Kind: AlarmFork, Unit: cp.Unit, Seq: c.Seq, Checkpoint: &c,
				Detail: fmt.Sprintf("unit %d: titik periksa #%d tidak berada pada rantai yang dibuktikan", cp.Unit, c.Seq)}, nil
		}
		u.Checkpoints = append(u.Checkpoints, c)
	}
	if len(u.Checkpoints) == 0 || u.Latest().Seq != cp.Seq {
		u.Checkpoints = append(u.Checkpoints, cp)
	}
	u.Chain = survey.ChainFormat
	g.To = cp.Seq
	return g, nil, nil
}

// learnFormat records the entry format of a unit's latest accepted
// checkpoint, from the header of the entry it names, so that a unit this
// build has seen in chain v2 can never be "upgraded" again by a forged
// v1-head entry. A header that does not hash to the checkpoint teaches
// nothing (the next growth proves it or raises the alarm).
func (w *WitnessRecord) learnFormat(ctx context.Context, src Source, u *WitnessUnit) error {
	last := u.Latest()
	if u.Chain != "" || last.Seq < 1 {
		return nil
	}
	p, err := src.Proof(ctx, last.Unit, last.Seq-1, last.Seq)
	if err != nil || len(p.Entries) != 1 {
		return err
	}
	e := p.Entries[0]
	sum := sha256.Sum256([]byte(e.Header))
	if l, err := survey.ParseChainHeader([]byte(e.Header)); err == nil && l.Seq == last.Seq && l.UnitID == last.Unit && hex.EncodeToString(sum[:]) == last.Hash {
		u.Chain = survey.ChainFormat
	}
	return nil
}

// upgrade checks whether cp heads a chain v2 that replaced the v1 chain
// whose head the witness recorded as last (migration 0031): the proof from
// the v2 chain's genesis to cp must hold, and its entry 1 must be the
// v1-head entry committing exactly last (same v1 seq, same hash). It
// returns the proven hashes by seq when it is that upgrade; nil and no
// alarm when entry 1 is no v1-head (the caller's alarm stands); a rollback
// when the v1-head names an earlier v1 seq than recorded, a fork when it
// names another v1 head (a later one included: the v1 entries in between
// were dropped by the upgrade, so nothing proves they extend the recorded
// head).
func (w *WitnessRecord) upgrade(ctx context.Context, src Source, last, cp SignedCheckpoint) (map[int64]string, *Alarm, error) {
	hashes, problem, err := w.prove(ctx, src, cp.Unit, SignedCheckpoint{Hash: survey.GenesisHash}, cp)
	if err != nil || problem != "" {
		return nil, nil, err
	}
	first, err := src.Proof(ctx, cp.Unit, 0, 1)
	if err != nil || len(first.Entries) != 1 || first.Entries[0].Hash != hashes[1] {
		return nil, nil, err
	}
	head, err := survey.ParseChainHeader([]byte(first.Entries[0].Header))
	if err != nil || head.Kind != survey.ChainV1Head {
		return nil, nil, nil
	}
	signed := &cp
	switch {
	case head.Count == last.Seq && head.Root == last.Hash:
		return hashes, nil, nil
	case head.Count < last.Seq:
		return nil, &Alarm{Kind: AlarmRollback, Unit: cp.Unit, Seq: cp.Seq, Checkpoint: signed,
			Detail: fmt.Sprintf("unit %d: rantai ditingkatkan ke format v2, tetapi kepala v1 yang dicatatnya (#%d) lebih pendek dari kepala v1 tercatat #%d (entri terakhir dihapus)", cp.Unit, head.Count, last.Seq)}, nil
	}
	return nil, &Alarm{Kind: AlarmFork, Unit: cp.Unit, Seq: cp.Seq, Checkpoint: signed,
		Detail: fmt.Sprintf("unit %d: rantai ditingkatkan ke format v2, tetapi kepala v1 yang dicatatnya (#%d, %s) bukan kepala v1 tercatat (#%d, %s); entri v1 di antaranya tidak lagi dapat dibuktikan", cp.Unit, head.Count, short(head.Root), last.Seq, short(last.Hash))}, nil
}

// prove fetches the consistency proof from the accepted head to cp, page by
// page, and returns the hash at every seq it covers.
func (w *WitnessRecord) prove(ctx context.Context, src Source, unit int64, last, cp SignedCheckpoint) (map[int64]string, string, error) {
	hashes := map[int64]string{}
	seq, hash := last.Seq, last.Hash
	for seq < cp.Seq {
		p, err := src.Proof(ctx, unit, seq, cp.Seq)
		if err != nil {
			return nil, "", err
		}
		if len(p.Entries) == 0 {
			return nil, fmt.Sprintf("server tidak memberikan entri setelah #%d", seq), nil
		}
		var problem string
		if seq, hash, problem = Extend(unit, seq, hash, p.Entries); problem != "" {
			return nil, problem, nil
		}
		for _, e := range p.Entries {
			hashes[e.Seq] = e.Hash
		}
	}
	if seq != cp.Seq || hash != cp.Hash {
		return nil, fmt.Sprintf("bukti berakhir di #%d dengan hash %s, bukan kepala yang diterbitkan", seq, short(hash)), nil
	}
	return hashes, "", nil
}

// between fetches a unit's signed checkpoints after from and before to.
func (w *WitnessRecord) between(ctx context.Context, src Source, pub ed25519.PublicKey, unit, from, to int64) ([]SignedCheckpoint, error) {
	var out []SignedCheckpoint
	for seq := from; ; {
		page, err := src.Since(ctx, unit, seq)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return out, nil
		}
		for _, c := range page {
			if c.Seq <= seq || c.Seq >= to {
				return out, nil
			}
			if c.Verify(pub) {
				out = append(out, c)
			}
			seq = c.Seq
		}
	}
}

func sameCheckpoint(a, b *SignedCheckpoint) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Seq == b.Seq && a.Hash == b.Hash
}

func publicKeyOf(in Instance) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(in.PublicKey)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, verifyError("umpan tidak memuat kunci publik Ed25519 yang sah")
	}
	return ed25519.PublicKey(b), nil
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}
