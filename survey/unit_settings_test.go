package survey_test

import (
	"math"
	"testing"

	"persepsi/survey"
)

const populationMsg = "Jumlah populasi harus bilangan bulat 0 sampai 1.000.000.000."

func TestCheckPopulation(t *testing.T) {
	p := survey.Period{From: "2026-01-01", To: "2026-06-30"}
	tests := []struct {
		name   string
		p      survey.Period
		n      int64
		fields map[string]string
	}{
		{"zero removes", p, 0, nil},
		{"some", p, 1234, nil},
		{"the most", p, 1_000_000_000, nil},
		{"negative", p, -1, map[string]string{"population": populationMsg}},
		{"too many", p, 1_000_000_001, map[string]string{"population": populationMsg}},
		{"most negative", p, math.MinInt64, map[string]string{"population": populationMsg}},
		// A bad period is reported alone: N is not checked against it.
		{"bad period", survey.Period{From: "2026-06-30", To: "2026-01-01"}, -1, map[string]string{"to": "Tanggal akhir tidak boleh sebelum tanggal awal."}},
		{"NUL period", survey.Period{From: "2026-01-01\x00", To: "٢٠٢٦-٠١-٠١"}, 5, map[string]string{
			"from": "Tanggal awal harus berbentuk TTTT-BB-HH.", "to": "Tanggal akhir harus berbentuk TTTT-BB-HH."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFields(t, survey.CheckPopulation(tc.p, tc.n), tc.fields)
		})
	}
}

func TestSettingsValidate(t *testing.T) {
	ok := survey.Settings{Thresholds: survey.DefaultThresholds(), MinGroup: 5, MinRespondents: 30}
	const (
		urlMsg       = "Isi alamat lengkap yang diawali http:// atau https://, mis. https://survei.contoh.go.id."
		minGroupMsg  = "Ukuran kelompok minimum harus 1 sampai 100."
		minRespMsg   = "Jumlah responden minimum untuk status memenuhi harus 2 sampai 10.000."
		thresholdMsg = "Batas harus antara 1 dan 4 (skala 4)."
	)
	tests := []struct {
		name    string
		edit    func(*survey.Settings)
		baseURL string // as returned
		fields  map[string]string
	}{
		{"defaults", func(*survey.Settings) {}, "", nil},
		{"bounds", func(st *survey.Settings) { st.MinGroup, st.MinRespondents = 1, 10_000 }, "", nil},
		{"other bounds", func(st *survey.Settings) { st.MinGroup, st.MinRespondents = 100, 2 }, "", nil},
		{"base URL trimmed", func(st *survey.Settings) { st.BaseURL = " https://survei.contoh.go.id/ " }, "https://survei.contoh.go.id", nil},
		{"no thresholds", func(st *survey.Settings) { st.Thresholds = nil }, "", nil},
		{"threshold bounds", func(st *survey.Settings) { st.Thresholds[0].Min, st.Thresholds[1].Min = 1, 4 }, "", nil},
		{"bad base URL", func(st *survey.Settings) { st.BaseURL = "survei.contoh.go.id" }, "", map[string]string{survey.SettingBaseURL: urlMsg}},
		{"base URL with NUL", func(st *survey.Settings) { st.BaseURL = "https://a\x00b" }, "", map[string]string{survey.SettingBaseURL: urlMsg}},
		{"min group 0", func(st *survey.Settings) { st.MinGroup = 0 }, "", map[string]string{"min_group": minGroupMsg}},
		{"min group 101", func(st *survey.Settings) { st.MinGroup = 101 }, "", map[string]string{"min_group": minGroupMsg}},
		{"min respondents 1", func(st *survey.Settings) { st.MinRespondents = 1 }, "", map[string]string{"min_respondents": minRespMsg}},
		{"min respondents 10001", func(st *survey.Settings) { st.MinRespondents = 10_001 }, "", map[string]string{"min_respondents": minRespMsg}},
		{"threshold below 1", func(st *survey.Settings) { st.Thresholds[0].Min = 0.99 }, "", map[string]string{"ipak_wbk": thresholdMsg}},
		{"threshold above 4", func(st *survey.Settings) { st.Thresholds[3].Min = 4.01 }, "", map[string]string{"ipkp_wbbm": thresholdMsg}},
		{"threshold NaN", func(st *survey.Settings) { st.Thresholds[2].Min = math.NaN() }, "", map[string]string{"ipkp_wbk": thresholdMsg}},
		{"threshold infinite", func(st *survey.Settings) { st.Thresholds[1].Min = math.Inf(1) }, "", map[string]string{"ipak_wbbm": thresholdMsg}},
		{"every rule", func(st *survey.Settings) {
			st.BaseURL, st.MinGroup, st.MinRespondents, st.Thresholds[0].Min = "ftp://x", -1, 0, math.Inf(-1)
		}, "", map[string]string{survey.SettingBaseURL: urlMsg, "min_group": minGroupMsg, "min_respondents": minRespMsg, "ipak_wbk": thresholdMsg}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			in.Thresholds = survey.DefaultThresholds()
			tc.edit(&in)
			got, err := in.Validate()
			checkFields(t, err, tc.fields)
			if got.BaseURL != tc.baseURL {
				t.Errorf("BaseURL = %q, want %q", got.BaseURL, tc.baseURL)
			}
		})
	}
}
