package survey_test

import (
	"fmt"
	"strings"
	"testing"

	"persepsi/survey"
)

const (
	reasonMsg     = "Alasan wajib diisi (paling banyak 500 karakter)."
	actorMsg      = "Nama pemutus wajib diisi (paling banyak 100 karakter)."
	noResponseMsg = "Sebutkan paling sedikit satu respons."
)

func badRefMsg(ref string) string {
	return fmt.Sprintf("%q bukan acuan respons (32 karakter heksadesimal).", ref)
}

func TestCheckExclusion(t *testing.T) {
	ref := strings.Repeat("0a", 16)
	tests := []struct {
		name              string
		refs              []string
		reason, actor     string
		wantReason, wantA string
		fields            map[string]string
	}{
		{"valid", []string{ref}, "Diisi petugas", "Kepala Unit", "Diisi petugas", "Kepala Unit", nil},
		{"cleaned", []string{ref, ref}, " Diisi\x00petugas\n", "\tBudi  S. ", "Diisi petugas", "Budi S.", nil},
		{"reason at 500", []string{ref}, strings.Repeat(combining, 250), "A", strings.Repeat(combining, 250), "A", nil},
		{"reason at 501", []string{ref}, strings.Repeat(combining, 250) + "x", "A", "", "", map[string]string{"reason": reasonMsg}},
		{"actor at 100", []string{ref}, "R", strings.Repeat("ب", 100), "R", strings.Repeat("ب", 100), nil},
		{"actor emoji at 105", []string{ref}, "R", strings.Repeat(family, 15), "", "", map[string]string{"actor": actorMsg}},
		{"RTL", []string{ref}, rlo + arabic, arabic, rlo + arabic, arabic, nil},
		{"no reason", []string{ref}, "", "A", "", "", map[string]string{"reason": reasonMsg}},
		{"NUL reason", []string{ref}, "\x00", "A", "", "", map[string]string{"reason": reasonMsg}},
		{"no actor", []string{ref}, "R", " ", "", "", map[string]string{"actor": actorMsg}},
		{"huge texts", []string{ref}, huge, huge, "", "", map[string]string{"reason": reasonMsg, "actor": actorMsg}},
		{"no refs", nil, "R", "A", "", "", map[string]string{"response": noResponseMsg}},
		{"upper-case ref", []string{strings.ToUpper(ref)}, "R", "A", "", "", map[string]string{"response": badRefMsg(strings.ToUpper(ref))}},
		{"short ref", []string{ref[:31]}, "R", "A", "", "", map[string]string{"response": badRefMsg(ref[:31])}},
		// The first malformed reference is the one named; NUL and invalid
		// UTF-8 are quoted, not written raw into the message.
		{"first bad ref named", []string{ref, "x\x00y", "\xff"}, "R", "A", "", "", map[string]string{"response": `"x\x00y" bukan acuan respons (32 karakter heksadesimal).`}},
		{"ref with newline", []string{ref + "\n"}, "R", "A", "", "", map[string]string{"response": badRefMsg(ref + "\n")}},
		{"every rule", []string{"nope"}, "", "", "", "", map[string]string{"reason": reasonMsg, "actor": actorMsg, "response": badRefMsg("nope")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reason, actor, err := survey.CheckExclusion(tc.refs, tc.reason, tc.actor)
			checkFields(t, err, tc.fields)
			if err == nil && (reason != tc.wantReason || actor != tc.wantA) {
				t.Errorf("reason, actor = %q, %q, want %q, %q", reason, actor, tc.wantReason, tc.wantA)
			}
		})
	}
}

func TestCheckExclusionActor(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Kepala Unit", "Kepala Unit"},
		{" a\x00b ", "a b"},
		{strings.Repeat(combining, 50), strings.Repeat(combining, 50)},
		{rlo + arabic, rlo + arabic},
		{"", ""},
		{"\x00\n", ""},
		{strings.Repeat("a", 101), ""},
		{strings.Repeat(family, 15), ""},
		{huge, ""},
	} {
		got, err := survey.CheckExclusionActor(tc.in)
		var want map[string]string
		if tc.want == "" {
			want = map[string]string{"actor": actorMsg}
		}
		checkFields(t, err, want)
		if err == nil && got != tc.want {
			t.Errorf("CheckExclusionActor(%.20q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
