package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"persepsi/survey"

	"gorm.io/gorm"
)

// RecordIssuedBundle adds a bundle and its files to the register, in one
// transaction.
func (s *Store) RecordIssuedBundle(ctx context.Context, b *survey.IssuedBundle) error {
	if b.IssuedBy == "" || len(b.IssuedBy) > survey.MaxIssuer {
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
func (s *Store) IssuedFileBySHA256(ctx context.Context, sum string) (*survey.IssuedFile, *survey.IssuedBundle, error) {
	db := s.r.WithContext(ctx)
	var f survey.IssuedFile
	if err := db.Where("sha256 = ?", sum).Order("bundle_id").Take(&f).Error; err != nil {
		return nil, nil, notFound(err, "issued file")
	}
	var b survey.IssuedBundle
	if err := db.Preload("Files").Take(&b, f.BundleID).Error; err != nil {
		return nil, nil, notFound(err, "issued bundle")
	}
	return &f, &b, nil
}
