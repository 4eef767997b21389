package evidence

import (
	"context"
	"errors"
	"fmt"

	"persepsi/survey"
)

// ChainReport is the outcome of VerifyChain.
type ChainReport struct {
	UnitID  int64
	Entries int64
	// Head is the last entry checked.
	Head survey.ChainEntry
	// BrokenSeq is the first seq that fails, 0 when the chain is intact.
	BrokenSeq int64
	// Problem says, in Bahasa Indonesia, what is wrong at BrokenSeq.
	Problem string
}

// OK reports whether the chain is intact.
func (r ChainReport) OK() bool { return r.BrokenSeq == 0 }

var errStop = errors.New("evidence: stop")

// VerifyChain walks a unit's chain from the first entry and names the first
// seq that breaks it: a gap in the numbering, a previous hash that is not
// the hash before it, a hash that does not cover its fields, or a digest
// that no longer matches the stored response or exclusion (an edit, or a
// deletion).
func VerifyChain(ctx context.Context, store *survey.Store, unitID int64) (ChainReport, error) {
	rep := ChainReport{UnitID: unitID}
	prev := survey.ChainEntry{Hash: survey.GenesisHash}
	err := store.EachChainEvent(ctx, unitID, func(e survey.ChainEntry, current string) error {
		switch {
		case e.Seq != prev.Seq+1:
			rep.Problem = fmt.Sprintf("nomor urut melompat dari %d ke %d (entri hilang)", prev.Seq, e.Seq)
			rep.BrokenSeq = prev.Seq + 1
		case e.PrevHash != prev.Hash:
			rep.Problem = "hash sebelumnya tidak sama dengan hash entri sebelumnya"
		case e.ComputeHash() != e.Hash:
			rep.Problem = "hash entri tidak sesuai dengan isinya"
		case current == "":
			rep.Problem = fmt.Sprintf("data yang dicatat (%s %d) tidak ada lagi", e.Kind, e.RefID)
		case current != e.Digest:
			rep.Problem = fmt.Sprintf("data yang dicatat (%s %d) telah diubah", e.Kind, e.RefID)
		}
		if rep.Problem != "" {
			if rep.BrokenSeq == 0 {
				rep.BrokenSeq = e.Seq
			}
			return errStop
		}
		rep.Entries++
		rep.Head = e
		prev = e
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return rep, err
	}
	return rep, nil
}
