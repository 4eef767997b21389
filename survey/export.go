package survey

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Record is a stored response with the chain entry that recorded it and,
// when it is excluded, its exclusion. Exports are built from records.
type Record struct {
	Response
	Seq       int64
	Hash      string
	Exclusion *Exclusion
}

// recordPage bounds how many responses one read loads, so an export of a
// million responses holds a page, not the period, in memory.
const recordPage = 2000

// EachRecord calls fn for every response of the unit whose local day lies
// in the period, by local day then id. An exclusion counts only when
// its chain entry is at or before asOfSeq (0: every exclusion), so an export
// can be rebuilt exactly as it was at a past chain position. Records passed
// to fn are reused: fn must copy what it keeps.
func (s *Store) EachRecord(ctx context.Context, unitID int64, p Period, asOfSeq int64, fn func(*Record) error) error {
	if err := p.Validate(); err != nil {
		return err
	}
	db := s.r.WithContext(ctx)
	excl, err := s.Exclusions(ctx, unitID)
	if err != nil {
		return err
	}
	byResp := make(map[int64]*Exclusion, len(excl))
	for i := range excl {
		if asOfSeq == 0 || excl[i].Seq <= asOfSeq {
			byResp[excl[i].ResponseID] = &excl[i]
		}
	}
	var days []string
	if err := db.Table("responses").Distinct("local_day").Where("unit_id = ? AND local_day BETWEEN ? AND ?", unitID, p.From, p.To).
		Order("local_day").Pluck("local_day", &days).Error; err != nil {
		return fmt.Errorf("storage: unable to list days: %w", err)
	}
	rec := &Record{}
	for _, day := range days {
		var after int64
		for {
			var page []Response
			if err := db.Where("unit_id = ? AND local_day = ? AND id > ?", unitID, day, after).Order("id").Limit(recordPage).Find(&page).Error; err != nil {
				return fmt.Errorf("storage: unable to read responses: %w", err)
			}
			if len(page) == 0 {
				break
			}
			after = page[len(page)-1].ID
			ids := make([]int64, len(page))
			for i := range page {
				ids[i] = page[i].ID
			}
			answers, err := answersOf(db, ids)
			if err != nil {
				return err
			}
			var chain []ChainEntry
			// No unit_id condition: a response id is unique, and with it
			// SQLite would walk the unit's whole chain by primary key
			// instead of using chain_ref (200 ms a page at 100k entries).
			if err := db.Where("kind = ? AND ref_id IN ?", ChainResponse, ids).Find(&chain).Error; err != nil {
				return fmt.Errorf("storage: unable to read chain: %w", err)
			}
			byRef := make(map[int64]*ChainEntry, len(chain))
			for i := range chain {
				byRef[chain[i].RefID] = &chain[i]
			}
			for i := range page {
				*rec = Record{Response: page[i], Exclusion: byResp[page[i].ID]}
				rec.Answers = answers[page[i].ID]
				if e := byRef[page[i].ID]; e != nil {
					rec.Seq, rec.Hash = e.Seq, e.Hash
				}
				if err := fn(rec); err != nil {
					return err
				}
			}
			if len(page) < recordPage {
				break
			}
		}
	}
	return nil
}

// answersOf loads the answers of the given responses, by response id.
func answersOf(db *gorm.DB, ids []int64) (map[int64][]Answer, error) {
	out := make(map[int64][]Answer, len(ids))
	for start := 0; start < len(ids); start += sqlChunk {
		var as []Answer
		if err := db.Where("response_id IN ?", ids[start:min(start+sqlChunk, len(ids))]).Order("response_id, item_code").Find(&as).Error; err != nil {
			return nil, fmt.Errorf("storage: unable to read answers: %w", err)
		}
		for _, a := range as {
			out[a.ResponseID] = append(out[a.ResponseID], a)
		}
	}
	return out, nil
}

// ChainHead returns the last entry of a unit's chain, or ErrNotFound when
// the chain is empty.
func (s *Store) ChainHead(ctx context.Context, unitID int64) (ChainEntry, error) {
	var e ChainEntry
	if err := s.r.WithContext(ctx).Where("unit_id = ?", unitID).Order("seq DESC").Take(&e).Error; err != nil {
		return ChainEntry{}, notFound(err, "chain")
	}
	return e, nil
}

// ChainEntryAt returns the entry of a unit's chain at seq.
func (s *Store) ChainEntryAt(ctx context.Context, unitID, seq int64) (ChainEntry, error) {
	var e ChainEntry
	if err := s.r.WithContext(ctx).Where("unit_id = ? AND seq = ?", unitID, seq).Take(&e).Error; err != nil {
		return ChainEntry{}, notFound(err, "chain")
	}
	return e, nil
}

// EachChainEvent calls fn for every entry of a unit's chain in seq order,
// with the digest the referenced event has now: the digest of the stored
// response or exclusion, or "" when it is gone or the kind is unknown. A
// chain check compares it with the entry's recorded digest.
func (s *Store) EachChainEvent(ctx context.Context, unitID int64, fn func(e ChainEntry, current string) error) error {
	db := s.r.WithContext(ctx)
	var after int64
	for {
		var page []ChainEntry
		if err := db.Where("unit_id = ? AND seq > ?", unitID, after).Order("seq").Limit(recordPage).Find(&page).Error; err != nil {
			return fmt.Errorf("storage: unable to read chain: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].Seq
		var respIDs, exclIDs []int64
		for _, e := range page {
			switch e.Kind {
			case ChainResponse:
				respIDs = append(respIDs, e.RefID)
			case ChainExclusion:
				exclIDs = append(exclIDs, e.RefID)
			}
		}
		digests := map[string]map[int64]string{ChainResponse: {}, ChainExclusion: {}}
		if len(respIDs) > 0 {
			var rs []Response
			if err := db.Where("id IN ?", respIDs).Find(&rs).Error; err != nil {
				return fmt.Errorf("storage: unable to read responses: %w", err)
			}
			answers, err := answersOf(db, respIDs)
			if err != nil {
				return err
			}
			for i := range rs {
				rs[i].Answers = answers[rs[i].ID]
				digests[ChainResponse][rs[i].ID] = rs[i].Digest()
			}
		}
		if len(exclIDs) > 0 {
			var xs []Exclusion
			if err := db.Where("id IN ?", exclIDs).Find(&xs).Error; err != nil {
				return fmt.Errorf("storage: unable to read exclusions: %w", err)
			}
			for i := range xs {
				digests[ChainExclusion][xs[i].ID] = xs[i].Digest()
			}
		}
		for _, e := range page {
			if err := fn(e, digests[e.Kind][e.RefID]); err != nil {
				return err
			}
		}
		if len(page) < recordPage {
			return nil
		}
	}
}

// PeriodQuestionnaires returns the questionnaire versions the unit's
// responses in the period were given on, oldest version first, or the
// unit's current questionnaire when the period has no response.
func (s *Store) PeriodQuestionnaires(ctx context.Context, u *Unit, p Period) ([]*Questionnaire, error) {
	var ids []int64
	if err := s.r.WithContext(ctx).Table("responses").Distinct("questionnaire_id").
		Where("unit_id = ? AND local_day BETWEEN ? AND ?", u.ID, p.From, p.To).Order("questionnaire_id").
		Pluck("questionnaire_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list questionnaires of a period: %w", err)
	}
	if len(ids) == 0 {
		ids = []int64{u.QuestionnaireID}
	}
	qs := make([]*Questionnaire, 0, len(ids))
	for _, id := range ids {
		q, err := s.Questionnaire(id)
		if err != nil {
			return nil, fmt.Errorf("storage: questionnaire %d of unit %d is not loaded", id, u.ID)
		}
		qs = append(qs, q)
	}
	return qs, nil
}
