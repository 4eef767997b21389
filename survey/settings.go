package survey

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// settingBaseURL is the settings key of the instance's public address.
const settingBaseURL = "base_url"

// CheckBaseURL validates a public address: an absolute http(s) URL with a
// host, no query or fragment. It returns the address without a trailing
// slash, or a *ValidationError on field "base_url".
func CheckBaseURL(raw string) (string, error) {
	s := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", &ValidationError{Fields: map[string]string{settingBaseURL: "Isi alamat lengkap yang diawali http:// atau https://, mis. https://survei.contoh.go.id."}}
	}
	return s, nil
}

// IsLoopbackURL reports whether an address points at the machine that opens
// it (localhost, 127.0.0.0/8, ::1, or the unspecified 0.0.0.0 and ::): such
// an address works on the server itself and nowhere else, so a respondent's
// phone or an evaluator cannot reach it. An unparsable address counts as
// loopback: it is no public address either.
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return true
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// SetBaseURL records the instance's public address alone (what `serve
// --base-url` does); "" removes it. Other settings are left as they are.
func (s *Store) SetBaseURL(ctx context.Context, raw string) error {
	b := ""
	if strings.TrimSpace(raw) != "" {
		var err error
		if b, err = CheckBaseURL(raw); err != nil {
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
		return tx.Where("key = ?", settingBaseURL).Delete(&settingRow{}).Error
	}
	return upsertSettings(tx, []settingRow{{Key: settingBaseURL, Value: b, UpdatedAt: now}})
}

func upsertSettings(tx *gorm.DB, rows []settingRow) error {
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"}),
	}).Create(&rows).Error
}
