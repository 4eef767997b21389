package survey

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
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

// RecordIssuedBundle adds a bundle and its files to the register, in one
// transaction.
func (s *Store) RecordIssuedBundle(ctx context.Context, b *IssuedBundle) error {
	if b.IssuedBy == "" || len(b.IssuedBy) > MaxIssuer {
		return errors.New("storage: an issued bundle needs an issuer of at most 200 bytes")
	}
	b.ID = 0
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.Create(b).Error
	})
	if err != nil {
		return fmt.Errorf("storage: unable to record issued bundle: %w", err)
	}
	return nil
}

// IssuedFileBySHA256 finds an issued file by its SHA-256 (lowercase hex) and
// returns the file and its bundle, or ErrNotFound.
func (s *Store) IssuedFileBySHA256(ctx context.Context, sum string) (*IssuedFile, *IssuedBundle, error) {
	db := s.r.WithContext(ctx)
	var f IssuedFile
	if err := db.Where("sha256 = ?", sum).Order("bundle_id").Take(&f).Error; err != nil {
		return nil, nil, notFound(err, "issued file")
	}
	var b IssuedBundle
	if err := db.Preload("Files").Take(&b, f.BundleID).Error; err != nil {
		return nil, nil, notFound(err, "issued bundle")
	}
	return &f, &b, nil
}
