package survey

import (
	"time"
)

// Checkpoint is a chain head the instance published on its transparency
// feed: a unit's chain reached Seq with Hash by PublishedAt. PublishedAt is
// the scheduled publication time (a whole interval), never a response's
// time, so the feed reveals no more about timing than the interval does.
type Checkpoint struct {
	UnitID      int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq         int64 `gorm:"primaryKey;autoIncrement:false"`
	Hash        string
	PublishedAt time.Time
}

// TableName maps Checkpoint to the checkpoints table.
func (Checkpoint) TableName() string { return "checkpoints" }
