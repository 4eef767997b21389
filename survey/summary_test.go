package survey_test

import (
	"testing"

	"persepsi/survey"
)

func TestPeriodValidateSeries(t *testing.T) {
	const (
		fromMsg  = "Tanggal awal harus berbentuk TTTT-BB-HH."
		toMsg    = "Tanggal akhir harus berbentuk TTTT-BB-HH."
		orderMsg = "Tanggal akhir tidak boleh sebelum tanggal awal."
		longMsg  = "Rentang deret harian paling panjang 731 hari."
	)
	tests := []struct {
		name   string
		p      survey.Period
		fields map[string]string
	}{
		{"one day", survey.Period{From: "2026-12-01", To: "2026-12-01"}, nil},
		// 2024-01-01 to 2025-12-31 is 731 days (2024 is a leap year).
		{"731 days", survey.Period{From: "2024-01-01", To: "2025-12-31"}, nil},
		{"732 days", survey.Period{From: "2024-01-01", To: "2026-01-01"}, map[string]string{"to": longMsg}},
		{"reversed", survey.Period{From: "2026-12-02", To: "2026-12-01"}, map[string]string{"to": orderMsg}},
		{"malformed", survey.Period{From: "1/12/2026", To: "2026-12-1"}, map[string]string{"from": fromMsg, "to": toMsg}},
		{"empty", survey.Period{}, map[string]string{"from": fromMsg, "to": toMsg}},
		{"NUL and RTL", survey.Period{From: "2026-12-01\x00", To: "\u202e2026-12-01"}, map[string]string{"from": fromMsg, "to": toMsg}},
		{"huge", survey.Period{From: huge, To: huge}, map[string]string{"from": fromMsg, "to": toMsg}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFields(t, tc.p.ValidateSeries(), tc.fields)
			// Validate alone knows no length limit.
			if tc.fields["to"] == longMsg {
				checkFields(t, tc.p.Validate(), nil)
			}
		})
	}
}
