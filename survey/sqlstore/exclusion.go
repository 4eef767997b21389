package sqlstore

import (
	"context"
	"fmt"
	"persepsi/survey"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"
)

// sqlChunk bounds the ids bound into one IN (…) list, well under every
// database's parameter limit.
const sqlChunk = 500

// Exclude takes responses of a unit, named by their public references, out
// of the statistics. In one transaction it records an exclusion per
// response, appends a chain event for each and rebuilds the unit's rollups
// for the affected days. Nothing is written when any reference is
// malformed, unknown, belongs to another unit or is already excluded; the
// *ValidationError names them.
func (s *Store) Exclude(ctx context.Context, unitID int64, refs []string, reason, actor string) ([]survey.Exclusion, error) {
	reason, actor, err := survey.CheckExclusion(refs, reason, actor)
	if err != nil {
		return nil, err
	}
	refs = uniqueRefs(refs)
	var out []survey.Exclusion
	err = s.change(ctx, ChangedSummaries, func(tx *gorm.DB) error {
		if _, err := s.lockedTx(ctx, tx, unitID); err != nil {
			return err
		}
		ids, days, err := checkExcludable(tx, unitID, refs)
		if err != nil {
			return err
		}
		out, err = s.excludeTx(tx, unitID, ids, refs, reason, actor)
		if err != nil {
			return err
		}
		return s.rebuildRollupsTx(tx, unitID, days)
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
func (s *Store) ExcludeCoached(ctx context.Context, unitID int64, p survey.Period, actor string) ([]survey.Exclusion, error) {
	actor, err := survey.CheckExclusionActor(actor)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var out []survey.Exclusion
	err = s.change(ctx, ChangedSummaries, func(tx *gorm.DB) error {
		if _, err := s.lockedTx(ctx, tx, unitID); err != nil {
			return err
		}
		if _, err := unitTx(tx, unitID); err != nil {
			return err
		}
		var rows []struct {
			ID       int64
			Ref      string
			LocalDay string
		}
		err := tx.Table("responses").Select("id, ref, local_day").
			Where("unit_id = ? AND local_day BETWEEN ? AND ? AND control = ?", unitID, p.From, p.To, survey.ControlCoached).
			Where("id NOT IN (SELECT response_id FROM exclusions WHERE unit_id = ?)", unitID).
			Order("ref").Find(&rows).Error
		if err != nil {
			return fmt.Errorf("storage: unable to find coached responses: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		refs := make([]string, len(rows))
		daySet := map[string]bool{}
		for i, r := range rows {
			ids[i], refs[i] = r.ID, r.Ref
			daySet[r.LocalDay] = true
		}
		out, err = s.excludeTx(tx, unitID, ids, refs, survey.CoachedReason, actor)
		if err != nil {
			return err
		}
		return s.rebuildRollupsTx(tx, unitID, sortedKeys(daySet))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkExcludable resolves references to ids (in the order of refs) and
// returns the local days of those responses, or a *ValidationError when any
// is unknown to the unit or already excluded.
func checkExcludable(tx *gorm.DB, unitID int64, refs []string) ([]int64, []string, error) {
	if _, err := unitTx(tx, unitID); err != nil {
		return nil, nil, err
	}
	type found struct {
		ID       int64
		LocalDay string
		Excluded bool
	}
	byRef := map[string]found{}
	for start := 0; start < len(refs); start += sqlChunk {
		chunk := refs[start:min(start+sqlChunk, len(refs))]
		var rows []struct {
			ID       int64
			Ref      string
			LocalDay string
			Excluded bool
		}
		if err := tx.Table("responses r").Select("r.id, r.ref, r.local_day, e.id IS NOT NULL AS excluded").
			Joins("LEFT JOIN exclusions e ON e.response_id = r.id").
			Where("r.unit_id = ? AND r.ref IN ?", unitID, chunk).Find(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("storage: unable to read responses: %w", err)
		}
		for _, r := range rows {
			byRef[r.Ref] = found{r.ID, r.LocalDay, r.Excluded}
		}
	}
	ve := &survey.ValidationError{}
	ids := make([]int64, len(refs))
	daySet := map[string]bool{}
	for i, ref := range refs {
		f, ok := byRef[ref]
		switch {
		case !ok:
			ve.Add("response", fmt.Sprintf("Respons %s tidak ada di unit ini.", ref))
		case f.Excluded:
			ve.Add("response", fmt.Sprintf("Respons %s sudah dikecualikan.", ref))
		default:
			ids[i] = f.ID
			daySet[f.LocalDay] = true
		}
	}
	if err := ve.OrNil(); err != nil {
		return nil, nil, err
	}
	return ids, sortedKeys(daySet), nil
}

// excludeTx inserts the exclusions and their chain events. The ids (with
// their references, index by index) are checked by the caller.
func (s *Store) excludeTx(tx *gorm.DB, unitID int64, ids []int64, refs []string, reason, actor string) ([]survey.Exclusion, error) {
	now := s.now().UTC().Truncate(time.Second)
	out := make([]survey.Exclusion, len(ids))
	for i, id := range ids {
		out[i] = survey.Exclusion{UnitID: unitID, ResponseID: id, ResponseRef: refs[i], Reason: reason, Actor: actor, CreatedAt: now}
	}
	if err := tx.CreateInBatches(out, 200).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to insert exclusions: %w", err)
	}
	ctx := tx.Statement.Context
	stx, err := s.lockedTx(ctx, tx, unitID)
	if err != nil {
		return nil, err
	}
	if err := chainExclusionsTx(ctx, stx, newChainTail(tailReader(ctx, stx)), out); err != nil {
		return nil, err
	}
	return out, nil
}

// chainExclusionsTx appends an exclusion entry for each of xs (ResponseRef
// set) and records its seq in xs.
func chainExclusionsTx(ctx context.Context, q querier, tail *chainTail, xs []survey.Exclusion) error {
	for i := range xs {
		e, err := tail.next(survey.ChainEntry{UnitID: xs[i].UnitID, Kind: survey.ChainExclusion, Count: 1, Root: xs[i].Digest(), RefID: xs[i].ID})
		if err != nil {
			return err
		}
		if err := appendChain(ctx, q, e); err != nil {
			return err
		}
		xs[i].Seq = e.Seq
	}
	return nil
}

// Exclusions lists every exclusion of a unit with the chain seq that
// records it, oldest first.
func (s *Store) Exclusions(ctx context.Context, unitID int64) ([]survey.Exclusion, error) {
	var rows []survey.Exclusion
	err := s.r.WithContext(ctx).Table("exclusions e").
		Select("e.*, c.seq AS seq, r.ref AS response_ref").
		// Not also "c.unit_id = e.unit_id": with it SQLite walks the unit's
		// whole chain by primary key (0.4 s at a million responses) instead
		// of the chain_ref index; exclusion ids are unique across units.
		Joins("JOIN chain c ON c.kind = ? AND c.ref_id = e.id", survey.ChainExclusion).
		Joins("JOIN responses r ON r.id = e.response_id").
		Where("e.unit_id = ?", unitID).Order("e.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list exclusions: %w", err)
	}
	return rows, nil
}

// unitTx reads a unit inside a transaction.
func unitTx(tx *gorm.DB, id int64) (*survey.Unit, error) {
	var u survey.Unit
	if err := tx.Take(&u, id).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	return &u, nil
}

func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func uniqueRefs(refs []string) []string {
	out := slices.Clone(refs)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
