package sqlstore

import (
	"time"
)

// coarseUTC truncates t to the bucket in UTC, capped at an hour: the
// writer's own guarantee that nothing finer than the bucket (or, for longer
// buckets, than an hour) is stored whatever the caller passed. For buckets
// of up to an hour it equals BucketStart in every Indonesian zone.
func coarseUTC(t time.Time, d time.Duration) time.Time {
	return t.UTC().Truncate(min(d, time.Hour))
}
