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
	// V1Head is the entry recording the head of the unit's v1 chain (seq 0
	// when the unit never had one).
	V1Head survey.ChainEntry
	// BrokenSeq is the first seq that fails, 0 when the chain is intact.
	BrokenSeq int64
	// Problem says, in Bahasa Indonesia, what is wrong at BrokenSeq: the
	// entry and, for a segment, its time bucket; never a response.
	Problem string
}

// OK reports whether the chain is intact.
func (r ChainReport) OK() bool { return r.BrokenSeq == 0 }

// ChainError is the error of an export refused because its unit's chain is
// broken.
type ChainError struct{ Report ChainReport }

func (e *ChainError) Error() string {
	return fmt.Sprintf("evidence: rantai hash unit %d rusak pada entri #%d: %s", e.Report.UnitID, e.Report.BrokenSeq, e.Report.Problem)
}

var errStop = errors.New("evidence: stop")

// VerifyChain walks a unit's chain (format v2) from the first entry and
// names the first entry that breaks it: a gap in the numbering, a previous
// hash that is not the hash before it, a hash that does not cover its
// fields, a segment whose responses no longer give its count and Merkle
// root (an answer or a suggestion edited, a response deleted, moved or
// added), or an exclusion that was changed or deleted. Last, every sealed
// response and every exclusion must be accounted for by an entry. The
// export, `persepsi verify` and the public /verify all call it.
func VerifyChain(ctx context.Context, store Store, unitID int64) (ChainReport, error) {
	rep := ChainReport{UnitID: unitID}
	u, err := store.Unit(ctx, unitID)
	if err != nil {
		return rep, err
	}
	prev := survey.ChainEntry{Hash: survey.GenesisHash}
	var sealed, exclusions int64
	cov, err := store.EachChainEntry(ctx, unitID, func(e survey.ChainEntry, now survey.ChainState) error {
		if p := entryProblem(u, prev, e, now); p != "" {
			rep.Problem, rep.BrokenSeq = p, e.Seq
			if e.Seq != prev.Seq+1 {
				rep.BrokenSeq = prev.Seq + 1
			}
			return errStop
		}
		switch e.Kind {
		case survey.ChainSegment:
			sealed += e.Count
		case survey.ChainExclusion:
			exclusions++
		case survey.ChainV1Head:
			rep.V1Head = e
		}
		rep.Entries++
		rep.Head = e
		prev = e
		return nil
	})
	if errors.Is(err, errStop) {
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	switch {
	case cov.Sealed != sealed:
		rep.Problem = fmt.Sprintf("%d respons tercatat sebagai tersegel, tetapi segmen rantai hanya memuat %d (respons disisipkan atau dipindahkan)", cov.Sealed, sealed)
	case cov.Exclusions != exclusions:
		rep.Problem = fmt.Sprintf("ada %d pengecualian tersimpan, tetapi rantai hanya mencatat %d (pengecualian disisipkan tanpa entri rantai)", cov.Exclusions, exclusions)
	}
	if rep.Problem != "" {
		rep.BrokenSeq = prev.Seq + 1
	}
	return rep, nil
}

// entryProblem checks one entry against the one before it and the state
// the stored data give it.
func entryProblem(u *survey.Unit, prev, e survey.ChainEntry, now survey.ChainState) string {
	switch {
	case e.Seq != prev.Seq+1:
		return fmt.Sprintf("nomor urut melompat dari %d ke %d (entri hilang)", prev.Seq, e.Seq)
	case e.PrevHash != prev.Hash:
		return fmt.Sprintf("entri #%d: hash sebelumnya tidak sama dengan hash entri sebelumnya", e.Seq)
	case e.ComputeHash() != e.Hash:
		return fmt.Sprintf("entri #%d: hash entri tidak sesuai dengan isinya", e.Seq)
	}
	switch e.Kind {
	case survey.ChainSegment:
		where := fmt.Sprintf("segmen #%d (jam %s)", e.Seq, survey.FormatTime(e.Bucket, u.TimeZone))
		switch {
		case now.Count != e.Count:
			return fmt.Sprintf("%s mencatat %d respons, tersimpan %d (respons dihapus, dipindahkan atau disisipkan)", where, e.Count, now.Count)
		case now.Root != e.Root:
			return fmt.Sprintf("%s: akar Merkle tidak cocok dengan respons tersimpan (jawaban, saran atau isian lain diubah)", where)
		}
	case survey.ChainExclusion:
		switch {
		case now.Root == "":
			return fmt.Sprintf("entri #%d: pengecualian yang dicatat tidak ada lagi", e.Seq)
		case now.Root != e.Root:
			return fmt.Sprintf("entri #%d: pengecualian yang dicatat telah diubah", e.Seq)
		}
	case survey.ChainV1Head:
		if prev.Seq != 0 {
			return fmt.Sprintf("entri #%d: kepala rantai v1 hanya boleh menjadi entri pertama", e.Seq)
		}
	default:
		return fmt.Sprintf("entri #%d: jenis entri %q tidak dikenal", e.Seq, e.Kind)
	}
	return ""
}
