package survey

import (
	"time"
)

// IssuedBundle is one entry of the register of evidence bundles the
// instance issued: unit, period, chain position, when, by whom, and the
// fingerprint of the zip and of every file in it.
type IssuedBundle struct {
	ID         int64
	UnitID     int64
	PeriodFrom string
	PeriodTo   string
	HeadSeq    int64
	HeadHash   string
	// AnonK is the k the rows were rendered with (k-anonymity).
	AnonK int
	// Responses is how many responses the bundle's data holds.
	Responses int64
	IssuedAt  time.Time
	IssuedBy  string
	Files     []IssuedFile `gorm:"foreignKey:BundleID"`
}

// IssuedFile is one fingerprinted file of an issued bundle.
type IssuedFile struct {
	BundleID int64  `gorm:"primaryKey;autoIncrement:false"`
	Name     string `gorm:"primaryKey"`
	Size     int64
	SHA256   string `gorm:"column:sha256"`
}

// MaxIssuer bounds the recorded issuer name, in bytes.
const MaxIssuer = 200
