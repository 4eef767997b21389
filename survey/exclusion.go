package survey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ChainExclusion is the chain kind of an exclusion event.
const ChainExclusion = "exclusion"

// ControlCoached is the control answer that signals coaching: an official
// steered the respondent towards good answers.
const ControlCoached = "Ya"

// CoachedReason is the reason recorded by ExcludeCoached.
const CoachedReason = "Responden menyatakan diarahkan petugas (pertanyaan kontrol dijawab \"Ya\")"

// Limits on exclusion text, in characters.
const (
	MaxExclusionReason = 500
	MaxExclusionActor  = 100
)

// Exclusion takes one response out of the statistics without deleting it:
// who decided, when and why. Seq is the chain entry that records it.
type Exclusion struct {
	ID         int64
	UnitID     int64
	ResponseID int64
	Reason     string
	Actor      string
	CreatedAt  time.Time
	Seq        int64 `gorm:"->"`
}

// Canonical returns the exclusion's canonical encoding, the bytes its chain
// digest covers, in the style of Response.Canonical.
func (e *Exclusion) Canonical() []byte {
	var b strings.Builder
	b.WriteString("persepsi-exclusion-v1\n")
	fmt.Fprintf(&b, "id=%d\nunit=%d\nresponse=%d\n", e.ID, e.UnitID, e.ResponseID)
	fmt.Fprintf(&b, "reason=%s\nactor=%s\n", strconv.Quote(e.Reason), strconv.Quote(e.Actor))
	fmt.Fprintf(&b, "created_at=%s\n", e.CreatedAt.UTC().Format(time.RFC3339))
	return []byte(b.String())
}

// Digest returns hex(SHA-256(Canonical())).
func (e *Exclusion) Digest() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// sqlChunk bounds the ids bound into one IN (…) list, well under every
// database's parameter limit.
const sqlChunk = 500

// Exclude takes responses of a unit out of the statistics. In one
// transaction it records an exclusion per response, appends a chain event
// for each and rebuilds the unit's rollups for the affected days. Nothing
// is written when any id is unknown, belongs to another unit or is already
// excluded; the *ValidationError names them.
func (s *Store) Exclude(ctx context.Context, unitID int64, responseIDs []int64, reason, actor string) ([]Exclusion, error) {
	reason, actor = cleanLine(reason), cleanLine(actor)
	ve := &ValidationError{}
	if reason == "" || utf8.RuneCountInString(reason) > MaxExclusionReason {
		ve.add("reason", fmt.Sprintf("Alasan wajib diisi (paling banyak %d karakter).", MaxExclusionReason))
	}
	if actor == "" || utf8.RuneCountInString(actor) > MaxExclusionActor {
		ve.add("actor", fmt.Sprintf("Nama pemutus wajib diisi (paling banyak %d karakter).", MaxExclusionActor))
	}
	if len(responseIDs) == 0 {
		ve.add("response", "Sebutkan paling sedikit satu respons.")
	}
	if err := ve.orNil(); err != nil {
		return nil, err
	}
	ids := uniqueIDs(responseIDs)
	var out []Exclusion
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		days, err := checkExcludable(tx, unitID, ids)
		if err != nil {
			return err
		}
		out, err = s.excludeTx(tx, unitID, ids, reason, actor)
		if err != nil {
			return err
		}
		return s.RebuildRollupsTx(tx, unitID, days)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExcludeCoached applies the coaching policy: every response of the unit
// whose local day lies in the period and whose control answer is
// ControlCoached, and that is not excluded yet, is excluded with
// CoachedReason. Running it twice excludes nothing the second time.
func (s *Store) ExcludeCoached(ctx context.Context, unitID int64, p Period, actor string) ([]Exclusion, error) {
	actor = cleanLine(actor)
	if actor == "" || utf8.RuneCountInString(actor) > MaxExclusionActor {
		return nil, &ValidationError{Fields: map[string]string{"actor": fmt.Sprintf("Nama pemutus wajib diisi (paling banyak %d karakter).", MaxExclusionActor)}}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var out []Exclusion
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := unitTx(tx, unitID); err != nil {
			return err
		}
		var rows []struct {
			ID       int64
			LocalDay string
		}
		err := tx.Table("responses").Select("id, local_day").
			Where("unit_id = ? AND local_day BETWEEN ? AND ? AND control = ?", unitID, p.From, p.To, ControlCoached).
			Where("id NOT IN (SELECT response_id FROM exclusions WHERE unit_id = ?)", unitID).
			Order("id").Find(&rows).Error
		if err != nil {
			return fmt.Errorf("storage: unable to find coached responses: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		daySet := map[string]bool{}
		for i, r := range rows {
			ids[i] = r.ID
			daySet[r.LocalDay] = true
		}
		out, err = s.excludeTx(tx, unitID, ids, CoachedReason, actor)
		if err != nil {
			return err
		}
		return s.RebuildRollupsTx(tx, unitID, sortedKeys(daySet))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkExcludable returns the local days of the given responses, or a
// *ValidationError when any is unknown to the unit or already excluded.
func checkExcludable(tx *gorm.DB, unitID int64, ids []int64) ([]string, error) {
	if _, err := unitTx(tx, unitID); err != nil {
		return nil, err
	}
	found := map[int64]string{}
	excluded := map[int64]bool{}
	for start := 0; start < len(ids); start += sqlChunk {
		chunk := ids[start:min(start+sqlChunk, len(ids))]
		var rows []struct {
			ID       int64
			LocalDay string
		}
		if err := tx.Table("responses").Select("id, local_day").Where("unit_id = ? AND id IN ?", unitID, chunk).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("storage: unable to read responses: %w", err)
		}
		for _, r := range rows {
			found[r.ID] = r.LocalDay
		}
		var done []int64
		if err := tx.Table("exclusions").Where("response_id IN ?", chunk).Pluck("response_id", &done).Error; err != nil {
			return nil, fmt.Errorf("storage: unable to read exclusions: %w", err)
		}
		for _, id := range done {
			excluded[id] = true
		}
	}
	ve := &ValidationError{}
	daySet := map[string]bool{}
	for _, id := range ids {
		day, ok := found[id]
		switch {
		case !ok:
			ve.add("response", fmt.Sprintf("Respons %d tidak ada di unit ini.", id))
		case excluded[id]:
			ve.add("response", fmt.Sprintf("Respons %d sudah dikecualikan.", id))
		default:
			daySet[day] = true
		}
	}
	if err := ve.orNil(); err != nil {
		return nil, err
	}
	return sortedKeys(daySet), nil
}

// excludeTx inserts the exclusions and their chain events. The ids are
// checked by the caller.
func (s *Store) excludeTx(tx *gorm.DB, unitID int64, ids []int64, reason, actor string) ([]Exclusion, error) {
	now := s.now().UTC().Truncate(time.Second)
	out := make([]Exclusion, len(ids))
	for i, id := range ids {
		out[i] = Exclusion{UnitID: unitID, ResponseID: id, Reason: reason, Actor: actor, CreatedAt: now}
	}
	if err := tx.CreateInBatches(out, 200).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to insert exclusions: %w", err)
	}
	st, err := s.ws.bind(tx.Statement.Context, tx)
	if err != nil {
		return nil, err
	}
	tail := newChainTail(st.tail, now)
	for i := range out {
		e, err := tail.next(unitID, ChainExclusion, out[i].ID, out[i].Digest())
		if err != nil {
			return nil, err
		}
		if err := st.appendChain(e); err != nil {
			return nil, err
		}
		out[i].Seq = e.Seq
	}
	return out, nil
}

// Exclusions lists every exclusion of a unit with the chain seq that
// records it, oldest first.
func (s *Store) Exclusions(ctx context.Context, unitID int64) ([]Exclusion, error) {
	var rows []Exclusion
	err := s.r.WithContext(ctx).Table("exclusions e").
		Select("e.*, c.seq AS seq").
		// Not also "c.unit_id = e.unit_id": with it SQLite walks the unit's
		// whole chain by primary key (0.4 s at a million responses) instead
		// of the chain_ref index; exclusion ids are unique across units.
		Joins("JOIN chain c ON c.kind = ? AND c.ref_id = e.id", ChainExclusion).
		Where("e.unit_id = ?", unitID).Order("e.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list exclusions: %w", err)
	}
	return rows, nil
}

// unitTx reads a unit inside a transaction.
func unitTx(tx *gorm.DB, id int64) (*Unit, error) {
	var u Unit
	if err := tx.Take(&u, id).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	return &u, nil
}

// checkDayRange validates a period of local days given as YYYY-MM-DD.
func checkDayRange(fromDay, toDay string) error {
	ve := &ValidationError{}
	from, err1 := time.Parse(time.DateOnly, fromDay)
	to, err2 := time.Parse(time.DateOnly, toDay)
	if err1 != nil {
		ve.add("from", "Tanggal awal harus berbentuk TTTT-BB-HH.")
	}
	if err2 != nil {
		ve.add("to", "Tanggal akhir harus berbentuk TTTT-BB-HH.")
	}
	if err1 == nil && err2 == nil && to.Before(from) {
		ve.add("to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
	}
	return ve.orNil()
}

func uniqueIDs(ids []int64) []int64 {
	out := append([]int64(nil), ids...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	n := 0
	for i, id := range out {
		if i == 0 || id != out[n-1] {
			out[n] = id
			n++
		}
	}
	return out[:n]
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
