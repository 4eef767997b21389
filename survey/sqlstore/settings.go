package sqlstore

import (
	"context"
	"fmt"
	"persepsi/survey"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SetBaseURL records the instance's public address alone (what `serve
// --base-url` does); "" removes it. Other settings are left as they are.
func (s *Store) SetBaseURL(ctx context.Context, raw string) error {
	b := ""
	if strings.TrimSpace(raw) != "" {
		var err error
		if b, err = survey.CheckBaseURL(raw); err != nil {
			return err
		}
	}
	if err := putBaseURL(s.w.WithContext(ctx), b, s.now().UTC()); err != nil {
		return fmt.Errorf("storage: unable to save the public address: %w", err)
	}
	return nil
}

// putBaseURL stores the public address, or deletes it when empty.
func putBaseURL(tx *gorm.DB, b string, now time.Time) error {
	if b == "" {
		return tx.Where("key = ?", survey.SettingBaseURL).Delete(&settingRow{}).Error
	}
	return upsertSettings(tx, []settingRow{{Key: survey.SettingBaseURL, Value: b, UpdatedAt: now}})
}

func upsertSettings(tx *gorm.DB, rows []settingRow) error {
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"}),
	}).Create(&rows).Error
}
