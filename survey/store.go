package survey

import (
	"log/slog"
	"time"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Logger receives GORM's slow-query and error reports.
	Logger *slog.Logger
	// Now is the clock; tests inject a fixed one.
	Now func() time.Time
	// ReadConns bounds the read-only pool (default 4).
	ReadConns int
	// BatchMax bounds how many submissions one write transaction carries
	// (default 256).
	BatchMax int
	// Bucket is the time bucket responses are stored and committed in
	// (default DefaultBucket); it must pass CheckBucket.
	Bucket time.Duration
	// PasswordCost is the argon2id cost of new password hashes (default
	// DefaultPasswordCost). Tests lower it; production never sets it.
	PasswordCost PasswordCost
}
