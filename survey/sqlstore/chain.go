package sqlstore

import (
	"persepsi/survey"
)

// chainTail tracks the last entry of each unit touched by one transaction,
// so a batch reads each unit's tail once.
type chainTail struct {
	read func(unitID int64) (survey.ChainEntry, bool, error) // the stored tail
	last map[int64]survey.ChainEntry
}

func newChainTail(read func(unitID int64) (survey.ChainEntry, bool, error)) *chainTail {
	return &chainTail{read: read, last: map[int64]survey.ChainEntry{}}
}

// next completes e (a unit's next entry: seq, previous hash, hash) without
// writing it; the caller inserts it in the same transaction.
func (c *chainTail) next(e survey.ChainEntry) (survey.ChainEntry, error) {
	prev, ok := c.last[e.UnitID]
	if !ok {
		tail, found, err := c.read(e.UnitID)
		if err != nil {
			return survey.ChainEntry{}, err
		}
		prev = tail
		if !found {
			prev = survey.ChainEntry{UnitID: e.UnitID, Seq: 0, Hash: survey.GenesisHash}
		}
	}
	e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	e.Hash = e.ComputeHash()
	c.last[e.UnitID] = e
	return e, nil
}
