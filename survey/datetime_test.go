package survey_test

import (
	"testing"
	"time"

	"persepsi/survey"
)

func TestIndonesianDates(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-01": "1 Desember 2026",
		"2025-03-31": "31 Maret 2025",
		"2024-02-29": "29 Februari 2024",
		"kemarin":    "kemarin",
	} {
		if got := survey.FormatDay(in); got != want {
			t.Errorf("FormatDay(%q) = %q, want %q", in, got, want)
		}
	}
	if got := survey.FormatDayShort("2026-08-17"); got != "17 Agu" {
		t.Errorf("FormatDayShort = %q", got)
	}
	// 21:05 UTC on 30 November is already 1 December in every Indonesian
	// zone: 04.05 WIB, 05.05 WITA, 06.05 WIT.
	at := time.Date(2026, 11, 30, 21, 5, 0, 0, time.UTC)
	for zone, want := range map[string]string{
		"Asia/Jakarta":  "1 Desember 2026, 04.05 WIB",
		"Asia/Makassar": "1 Desember 2026, 05.05 WITA",
		"Asia/Jayapura": "1 Desember 2026, 06.05 WIT",
		"":              "1 Desember 2026, 04.05 WIB",
	} {
		if got := survey.FormatTime(at, zone); got != want {
			t.Errorf("FormatTime(%s) = %q, want %q", zone, got, want)
		}
	}
	if got := survey.FormatClock(at, "Asia/Makassar"); got != "05.05 WITA" {
		t.Errorf("FormatClock = %q", got)
	}
	if got := survey.FormatTime(time.Time{}, "Asia/Jakarta"); got != "–" {
		t.Errorf("zero time: %q", got)
	}
}
