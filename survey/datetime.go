package survey

import (
	"fmt"
	"time"
)

// months are the Indonesian month names; monthAbbr their three-letter forms
// as printed on chart axes.
var (
	months    = [12]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	monthAbbr = [12]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}
)

// FormatDay prints a YYYY-MM-DD day the Indonesian way, "1 Desember 2026".
// Every date a person reads (console, PDF, CLI) prints through it or
// FormatTime; a string that is no such day is returned as it is.
func FormatDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// FormatDayShort prints a YYYY-MM-DD day as "1 Des", for chart axes.
func FormatDayShort(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d %s", t.Day(), monthAbbr[t.Month()-1])
}

// FormatTime prints an instant in a unit's zone (an IANA name; "" or an
// unknown one means WIB) the Indonesian way: "1 Desember 2026, 14.05 WITA".
// The zero time prints as "–".
func FormatTime(t time.Time, zone string) string {
	if t.IsZero() {
		return "–"
	}
	return FormatDay(t.In(ZoneLocation(knownZone(zone))).Format(time.DateOnly)) + ", " + FormatClock(t, zone)
}

// FormatClock prints the time of day of an instant in a unit's zone,
// "14.05 WITA" (a dot between hours and minutes, as Indonesian clocks read).
func FormatClock(t time.Time, zone string) string {
	zone = knownZone(zone)
	lt := t.In(ZoneLocation(zone))
	return fmt.Sprintf("%02d.%02d %s", lt.Hour(), lt.Minute(), ZoneAbbr(zone))
}

func knownZone(zone string) string {
	if ZoneAbbr(zone) == "" {
		return "Asia/Jakarta"
	}
	return zone
}
