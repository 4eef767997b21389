package survey_test

import (
	"strings"
	"testing"

	"persepsi/survey"
)

const (
	followUpTextMsg = "Wajib diisi (paling banyak 1000 karakter)."
	deadlineMsg     = "Tenggat harus berupa tanggal (TTTT-BB-HH)."
	ownerMsg        = "Penanggung jawab wajib diisi (paling banyak 200 karakter)."
	statusMsg       = "Status tidak dikenal."
)

func TestFollowUpInputValidate(t *testing.T) {
	ok := survey.FollowUpInput{ID: "7", ItemCode: "SPKP3", Cause: "Antrean panjang", Action: "Tambah loket", Deadline: "2026-12-31", Owner: "Kasubag Umum", Status: "berjalan"}
	tests := []struct {
		name   string
		edit   func(*survey.FollowUpInput)
		want   func(*survey.FollowUpInput) // the cleaned input, from ok
		fields map[string]string
	}{
		{"valid", func(*survey.FollowUpInput) {}, func(*survey.FollowUpInput) {}, nil},
		{"cleaned", func(f *survey.FollowUpInput) {
			f.ItemCode, f.Deadline, f.Status = " SPKP3\n", "\t2026-12-31 ", " selesai "
			f.Cause, f.Action, f.Owner = " baris 1\n\tbaris 2\x00 ", "a\rb", " Budi\x00 S. "
		}, func(f *survey.FollowUpInput) {
			f.Status, f.Cause, f.Action, f.Owner = "selesai", "baris 1\n\tbaris 2", "ab", "Budi S."
		}, nil},
		{"no status is planned", func(f *survey.FollowUpInput) { f.Status = " " }, func(f *survey.FollowUpInput) { f.Status = "rencana" }, nil},
		// The item and the id are the store's to check against the unit.
		{"any item and id", func(f *survey.FollowUpInput) { f.ItemCode, f.ID = "NOPE", "x" }, func(f *survey.FollowUpInput) { f.ItemCode, f.ID = "NOPE", "x" }, nil},
		{"text at 1000", func(f *survey.FollowUpInput) { f.Cause = strings.Repeat(combining, 500) }, func(f *survey.FollowUpInput) { f.Cause = strings.Repeat(combining, 500) }, nil},
		{"RTL and emoji", func(f *survey.FollowUpInput) { f.Action, f.Owner = arabic+"\n"+family, rlo+arabic },
			func(f *survey.FollowUpInput) { f.Action, f.Owner = arabic+"\n"+family, rlo+arabic }, nil},
		{"no cause", func(f *survey.FollowUpInput) { f.Cause = "\n\t " }, nil, map[string]string{"cause": followUpTextMsg}},
		{"NUL action", func(f *survey.FollowUpInput) { f.Action = "\x00" }, nil, map[string]string{"action": followUpTextMsg}},
		{"cause at 1001", func(f *survey.FollowUpInput) { f.Cause = strings.Repeat(combining, 500) + "x" }, nil, map[string]string{"cause": followUpTextMsg}},
		{"action of emoji at 1001", func(f *survey.FollowUpInput) { f.Action = strings.Repeat(family, 143) }, nil, map[string]string{"action": followUpTextMsg}},
		{"no deadline", func(f *survey.FollowUpInput) { f.Deadline = "" }, nil, map[string]string{"deadline": deadlineMsg}},
		{"day-first deadline", func(f *survey.FollowUpInput) { f.Deadline = "31-12-2026" }, nil, map[string]string{"deadline": deadlineMsg}},
		{"impossible deadline", func(f *survey.FollowUpInput) { f.Deadline = "2026-02-30" }, nil, map[string]string{"deadline": deadlineMsg}},
		{"no owner", func(f *survey.FollowUpInput) { f.Owner = "\x00 " }, nil, map[string]string{"owner": ownerMsg}},
		{"owner at 201", func(f *survey.FollowUpInput) { f.Owner = strings.Repeat("ب", 201) }, nil, map[string]string{"owner": ownerMsg}},
		{"unknown status", func(f *survey.FollowUpInput) { f.Status = "Selesai" }, nil, map[string]string{"status": statusMsg}},
		{"status label", func(f *survey.FollowUpInput) { f.Status = "Direncanakan" }, nil, map[string]string{"status": statusMsg}},
		{"every rule", func(f *survey.FollowUpInput) {
			f.Cause, f.Action, f.Deadline, f.Owner, f.Status = huge, "", huge, huge, huge
		}, nil, map[string]string{"cause": followUpTextMsg, "action": followUpTextMsg, "deadline": deadlineMsg, "owner": ownerMsg, "status": statusMsg}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			got, err := in.Validate()
			checkFields(t, err, tc.fields)
			if tc.want != nil {
				want := ok
				tc.want(&want)
				if got != want {
					t.Errorf("Validate() = %+v, want %+v", got, want)
				}
			}
		})
	}
}
