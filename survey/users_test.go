package survey_test

import (
	"strings"
	"testing"
	"time"

	"persepsi/survey"
)

const (
	usernameMsg = "Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."
	passwordMsg = "Kata sandi paling sedikit 10 karakter."
	roleMsg     = "Peran tidak dikenal."
	newSameMsg  = "Kata sandi baru harus berbeda dari yang lama."
	tokenName   = "Nama token paling banyak 100 karakter."
	tokenLife   = "Masa berlaku token 1 jam sampai 2 tahun."
)

func TestNewUserValidate(t *testing.T) {
	ok := survey.NewUser{Username: "budi.s", Password: "rahasia-sekali", Role: survey.RoleViewer, Units: []int64{1, 999}}
	tests := []struct {
		name     string
		edit     func(*survey.NewUser)
		username string // normalized, when valid
		fields   map[string]string
	}{
		{"valid", func(*survey.NewUser) {}, "budi.s", nil},
		{"normalized", func(u *survey.NewUser) { u.Username = "  Budi_S-2 \n" }, "budi_s-2", nil},
		{"3 characters", func(u *survey.NewUser) { u.Username = "abc" }, "abc", nil},
		{"64 characters", func(u *survey.NewUser) { u.Username = "a" + strings.Repeat("9", 63) }, "a" + strings.Repeat("9", 63), nil},
		{"every role", func(u *survey.NewUser) { u.Role = survey.RoleAdmin }, "budi.s", nil},
		{"kepala unit", func(u *survey.NewUser) { u.Role = survey.RoleKepalaUnit }, "budi.s", nil},
		{"2 characters", func(u *survey.NewUser) { u.Username = "ab" }, "", map[string]string{"username": usernameMsg}},
		{"65 characters", func(u *survey.NewUser) { u.Username = strings.Repeat("a", 65) }, "", map[string]string{"username": usernameMsg}},
		{"starts with a dot", func(u *survey.NewUser) { u.Username = ".budi" }, "", map[string]string{"username": usernameMsg}},
		{"inner space", func(u *survey.NewUser) { u.Username = "budi s" }, "", map[string]string{"username": usernameMsg}},
		{"accented", func(u *survey.NewUser) { u.Username = "andré" }, "", map[string]string{"username": usernameMsg}},
		{"combining", func(u *survey.NewUser) { u.Username = "andre\u0301" }, "", map[string]string{"username": usernameMsg}},
		// Go lowers İ (U+0130) and the Kelvin sign (U+212A) to ASCII i and k,
		// so these are the ASCII names they look like; sign-in normalizes alike.
		{"dotted capital I", func(u *survey.NewUser) { u.Username = "İbrahim" }, "ibrahim", nil},
		{"Kelvin sign", func(u *survey.NewUser) { u.Username = "\u212aelvin" }, "kelvin", nil},
		{"emoji", func(u *survey.NewUser) { u.Username = "budi" + family }, "", map[string]string{"username": usernameMsg}},
		{"RTL", func(u *survey.NewUser) { u.Username = arabic }, "", map[string]string{"username": usernameMsg}},
		{"NUL", func(u *survey.NewUser) { u.Username = "bu\x00di" }, "", map[string]string{"username": usernameMsg}},
		{"trailing newline inside", func(u *survey.NewUser) { u.Username = "budi\nx" }, "", map[string]string{"username": usernameMsg}},
		{"huge", func(u *survey.NewUser) { u.Username = huge }, "", map[string]string{"username": usernameMsg}},
		{"short password", func(u *survey.NewUser) { u.Password = "123456789" }, "", map[string]string{"password": passwordMsg}},
		{"unknown role", func(u *survey.NewUser) { u.Role = "root" }, "", map[string]string{"role": roleMsg}},
		{"no role", func(u *survey.NewUser) { u.Role = "" }, "", map[string]string{"role": roleMsg}},
		{"every rule", func(u *survey.NewUser) { u.Username, u.Password, u.Role = "", "", "Admin" }, "",
			map[string]string{"username": usernameMsg, "password": passwordMsg, "role": roleMsg}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.edit(&in)
			got, err := in.Validate()
			checkFields(t, err, tc.fields)
			if err == nil && (got.Username != tc.username || got.Password != in.Password || got.Role != in.Role || len(got.Units) != 2) {
				t.Errorf("Validate() = %+v, want username %q and the rest as given", got, tc.username)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, pw string
		ok       bool
	}{
		{"10 ASCII", "0123456789", true},
		{"9 ASCII", "012345678", false},
		{"empty", "", false},
		// Characters are code points, and nothing is cleaned: spaces, NUL,
		// combining marks and joiners all count.
		{"10 spaces", strings.Repeat(" ", 10), true},
		{"NULs", strings.Repeat("\x00", 10), true},
		{"5 combined letters", strings.Repeat(combining, 5), true},
		{"one family and 2", family + "ab", false},
		{"one family and 3", family + "abc", true},
		{"RTL", rlo + "كلمة السر", true},
		// The upper bound is bytes: 256 four-byte emoji are 1,024 bytes,
		// 257 are too many though only 257 characters.
		{"1024 bytes", strings.Repeat("😀", 256), true},
		{"1028 bytes", strings.Repeat("😀", 257), false},
		{"1025 ASCII", strings.Repeat("a", 1025), false},
		{"invalid UTF-8", strings.Repeat("\xff", 10), true}, // each bad byte counts as one RuneError
		{"huge", huge, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := map[string]string{"password": passwordMsg}
			if tc.ok {
				want = nil
			}
			checkFields(t, survey.CheckPassword(tc.pw), want)
		})
	}
}

func TestCheckNewPassword(t *testing.T) {
	tests := []struct {
		name, current, next string
		fields              map[string]string
	}{
		{"valid", "lama-sekali", "baru-sekali", nil},
		{"too short", "lama-sekali", "pendek", map[string]string{"new": passwordMsg}},
		{"same", "sama-persis", "sama-persis", map[string]string{"new": newSameMsg}},
		// One message per field: the length rule comes first.
		{"same and short", "pendek", "pendek", map[string]string{"new": passwordMsg}},
		// Compared as bytes: the same letter composed differently differs.
		{"composed differently", strings.Repeat("é", 10), strings.Repeat(combining, 10), nil},
		{"huge", "x", huge, map[string]string{"new": passwordMsg}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFields(t, survey.CheckNewPassword(tc.current, tc.next), tc.fields)
		})
	}
}

func TestRoleValidate(t *testing.T) {
	for _, r := range survey.Roles {
		checkFields(t, r.Role.Validate(), nil)
	}
	for _, r := range []survey.Role{"", "ADMIN", "admin ", "root", "admin\x00"} {
		checkFields(t, r.Validate(), map[string]string{"role": roleMsg})
	}
}

func TestCheckToken(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		lifetime time.Duration
		wantName string
		wantLife time.Duration
		fields   map[string]string
	}{
		{"defaults", "", 0, "token", survey.DefaultTokenLifetime, nil},
		{"blank name", " \x00\n", time.Hour, "token", time.Hour, nil},
		{"cleaned", " skrip\x00harian ", survey.MaxTokenLifetime, "skrip harian", survey.MaxTokenLifetime, nil},
		{"name at 100", strings.Repeat(combining, 50), 0, strings.Repeat(combining, 50), survey.DefaultTokenLifetime, nil},
		{"RTL", rlo + arabic, 0, rlo + arabic, survey.DefaultTokenLifetime, nil},
		{"name at 101", strings.Repeat("ب", 101), 0, "", 0, map[string]string{"name": tokenName}},
		{"emoji at 105", strings.Repeat(family, 15), 0, "", 0, map[string]string{"name": tokenName}},
		{"huge name", huge, 0, "", 0, map[string]string{"name": tokenName}},
		{"under an hour", "t", time.Hour - time.Second, "", 0, map[string]string{"expires": tokenLife}},
		{"negative", "t", -time.Hour, "", 0, map[string]string{"expires": tokenLife}},
		{"over two years", "t", survey.MaxTokenLifetime + time.Second, "", 0, map[string]string{"expires": tokenLife}},
		{"both", huge, time.Minute, "", 0, map[string]string{"name": tokenName, "expires": tokenLife}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name, life, err := survey.CheckToken(tc.in, tc.lifetime)
			checkFields(t, err, tc.fields)
			if err == nil && (name != tc.wantName || life != tc.wantLife) {
				t.Errorf("CheckToken = %q, %v, want %q, %v", name, life, tc.wantName, tc.wantLife)
			}
		})
	}
}
