package survey_test

import (
	"strings"
	"testing"

	"persepsi/survey"
)

const (
	unitNameMsg    = "Nama unit wajib diisi (paling banyak 200 karakter)."
	agencyMsg      = "Nama instansi paling banyak 200 karakter."
	tzMsg          = "Zona waktu harus Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)."
	serviceNameMsg = "Nama layanan wajib diisi (paling banyak 200 karakter)."
	counterNameMsg = "Nama loket wajib diisi (paling banyak 100 karakter)."
)

func TestNewUnitValidate(t *testing.T) {
	ok := survey.NewUnit{Name: "Kantor Imigrasi Kelas I", Agency: "Kemenkum", TimeZone: "Asia/Jakarta", Questionnaire: "anything@9"}
	tests := []struct {
		name       string
		edit       func(*survey.NewUnit)
		wantName   string // the cleaned name, when valid
		wantAgency string
		fields     map[string]string
	}{
		{"valid", func(*survey.NewUnit) {}, ok.Name, ok.Agency, nil},
		{"cleaned", func(u *survey.NewUnit) { u.Name, u.Agency = " A\x00 B\n", "\tX  Y " }, "A B", "X Y", nil},
		{"no agency", func(u *survey.NewUnit) { u.Agency = "" }, ok.Name, "", nil},
		{"WITA", func(u *survey.NewUnit) { u.TimeZone = "Asia/Makassar" }, ok.Name, ok.Agency, nil},
		{"WIT", func(u *survey.NewUnit) { u.TimeZone = "Asia/Jayapura" }, ok.Name, ok.Agency, nil},
		{"empty name", func(u *survey.NewUnit) { u.Name = "" }, "", "", map[string]string{"name": unitNameMsg}},
		{"blank name", func(u *survey.NewUnit) { u.Name = " \t\n" }, "", "", map[string]string{"name": unitNameMsg}},
		{"NUL name", func(u *survey.NewUnit) { u.Name = "\x00\x00" }, "", "", map[string]string{"name": unitNameMsg}},
		{"invalid UTF-8 name", func(u *survey.NewUnit) { u.Name = "\xff\xfe" }, "", "", map[string]string{"name": unitNameMsg}},
		{"name of 200", func(u *survey.NewUnit) { u.Name = strings.Repeat("é", 200) }, strings.Repeat("é", 200), ok.Agency, nil},
		{"name of 201", func(u *survey.NewUnit) { u.Name = strings.Repeat("a", 201) }, "", "", map[string]string{"name": unitNameMsg}},
		// 100 letters with a combining accent are 200 code points: the limit.
		{"combining at 200", func(u *survey.NewUnit) { u.Name = strings.Repeat(combining, 100) }, strings.Repeat(combining, 100), ok.Agency, nil},
		{"combining at 202", func(u *survey.NewUnit) { u.Name = strings.Repeat(combining, 101) }, "", "", map[string]string{"name": unitNameMsg}},
		{"emoji at 196", func(u *survey.NewUnit) { u.Name = strings.Repeat(family, 28) }, strings.Repeat(family, 28), ok.Agency, nil},
		{"emoji at 203", func(u *survey.NewUnit) { u.Name = strings.Repeat(family, 29) }, "", "", map[string]string{"name": unitNameMsg}},
		{"RTL", func(u *survey.NewUnit) { u.Name, u.Agency = rlo+arabic, arabic }, rlo + arabic, arabic, nil},
		{"huge name", func(u *survey.NewUnit) { u.Name = huge }, "", "", map[string]string{"name": unitNameMsg}},
		{"agency of 201", func(u *survey.NewUnit) { u.Agency = strings.Repeat("ب", 201) }, "", "", map[string]string{"agency": agencyMsg}},
		{"unknown zone", func(u *survey.NewUnit) { u.TimeZone = "Asia/Tokyo" }, "", "", map[string]string{"tz": tzMsg}},
		{"no zone", func(u *survey.NewUnit) { u.TimeZone = "" }, "", "", map[string]string{"tz": tzMsg}},
		{"every rule", func(u *survey.NewUnit) { u.Name, u.Agency, u.TimeZone = "", huge, "UTC" }, "", "",
			map[string]string{"name": unitNameMsg, "agency": agencyMsg, "tz": tzMsg}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			got, err := in.Validate()
			checkFields(t, err, tc.fields)
			if err == nil && (got.Name != tc.wantName || got.Agency != tc.wantAgency || got.TimeZone != in.TimeZone || got.Questionnaire != in.Questionnaire) {
				t.Errorf("Validate() = %+v, want name %q, agency %q and the rest as given", got, tc.wantName, tc.wantAgency)
			}
		})
	}
}

func TestCheckServiceAndCounterName(t *testing.T) {
	tests := []struct {
		name, in string
		limit    int // the field's limit: 200 for a service, 100 for a counter
		want     string
	}{
		{"plain", "Paspor", 200, "Paspor"},
		{"cleaned", " Paspor\x00baru \n", 200, "Paspor baru"},
		{"empty", "", 200, ""},
		{"NUL only", "\x00", 200, ""},
		{"noncharacter only", "\ufffe\uffff", 200, ""},
		{"at the limit", strings.Repeat("x", 200), 200, strings.Repeat("x", 200)},
		{"over the limit", strings.Repeat("x", 201), 200, ""},
		{"counter at the limit", strings.Repeat(combining, 50), 100, strings.Repeat(combining, 50)},
		{"counter combining over", strings.Repeat(combining, 50) + "e", 100, ""},
		{"counter emoji at 98", strings.Repeat(family, 14), 100, strings.Repeat(family, 14)},
		{"counter emoji at 105", strings.Repeat(family, 15), 100, ""},
		{"RTL", rlo + arabic, 100, rlo + arabic},
		{"huge", huge, 100, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check, msg := survey.CheckServiceName, serviceNameMsg
			if tc.limit == 100 {
				check, msg = survey.CheckCounterName, counterNameMsg
			}
			got, err := check(tc.in)
			var want map[string]string
			if tc.want == "" {
				want = map[string]string{"name": msg}
			}
			checkFields(t, err, want)
			if got != tc.want {
				t.Errorf("name = %q, want %q", got, tc.want)
			}
		})
	}
	// A counter's limit is half a service's: 101 characters pass as a
	// service name only.
	name := strings.Repeat("x", 101)
	if _, err := survey.CheckServiceName(name); err != nil {
		t.Errorf("service name of 101: %v", err)
	}
	if _, err := survey.CheckCounterName(name); err == nil {
		t.Error("counter name of 101 accepted")
	}
}
