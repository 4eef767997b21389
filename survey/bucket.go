package survey

import (
	"fmt"
	"time"
)

// DefaultBucket is the time bucket responses are stored in unless the
// store is configured otherwise: an hour, the finest time the exports show.
const DefaultBucket = time.Hour

// CheckBucket validates a time bucket: a whole number of minutes that
// divides an hour, or a whole number of hours that divides a day. Every
// Indonesian zone (WIB, WITA, WIT) is a whole number of hours from UTC, so
// such buckets start on the unit's local hours and never straddle a local
// day.
func CheckBucket(d time.Duration) error {
	switch {
	case d < time.Minute || d%time.Minute != 0:
		return fmt.Errorf("survey: time bucket %s is not a whole number of minutes", d)
	case d <= time.Hour && time.Hour%d != 0:
		return fmt.Errorf("survey: time bucket %s does not divide an hour", d)
	case d > time.Hour && (d%time.Hour != 0 || 24*time.Hour%d != 0):
		return fmt.Errorf("survey: time bucket %s is not a whole number of hours dividing a day", d)
	}
	return nil
}

// BucketStart returns the start (in UTC) of the bucket of length d holding
// t, counted from the local midnight of loc. d must pass CheckBucket.
func BucketStart(t time.Time, d time.Duration, loc *time.Location) time.Time {
	lt := t.In(loc)
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	off := lt.Sub(midnight)
	return midnight.Add(off - off%d).UTC()
}
