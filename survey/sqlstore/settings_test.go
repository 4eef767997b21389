package sqlstore_test

import (
	"context"
	"testing"

	"persepsi/survey"
)

func TestCheckBaseURLAndLoopback(t *testing.T) {
	for _, tc := range []struct {
		in, out  string // out "" = rejected
		loopback bool
	}{
		{"https://survei.contoh.go.id/", "https://survei.contoh.go.id", false},
		{" http://10.0.0.5:8080 ", "http://10.0.0.5:8080", false},
		{"https://contoh.go.id/survei", "https://contoh.go.id/survei", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"http://127.1.2.3", "http://127.1.2.3", true},
		{"http://localhost:9090", "http://localhost:9090", true},
		{"http://app.localhost", "http://app.localhost", true},
		{"http://[::1]:8080", "http://[::1]:8080", true},
		{"http://0.0.0.0:8080", "http://0.0.0.0:8080", true},
		{"survei.contoh.go.id", "", false},
		{"ftp://contoh.go.id", "", false},
		{"https://contoh.go.id/?a=1", "", false},
		{"https://user:pw@contoh.go.id", "", false},
		{"", "", false},
	} {
		got, err := survey.CheckBaseURL(tc.in)
		if tc.out == "" && !survey.IsLoopbackURL(tc.in) && tc.in == "" {
			t.Errorf("IsLoopbackURL(%q) = false: no address is no public address", tc.in)
		}
		if got != tc.out || (err != nil) != (tc.out == "") {
			t.Errorf("CheckBaseURL(%q) = %q, %v; want %q", tc.in, got, err, tc.out)
		}
		if tc.out != "" && survey.IsLoopbackURL(got) != tc.loopback {
			t.Errorf("IsLoopbackURL(%q) = %v, want %v", got, !tc.loopback, tc.loopback)
		}
	}
}

// The public address is a stored setting: recorded alone, kept by a save of
// the other settings that carries it, removed by an empty value.
func TestBaseURLSetting(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	get := func() string {
		t.Helper()
		st, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.BaseURL
	}
	if b := get(); b != "" {
		t.Fatalf("fresh database has base URL %q", b)
	}
	if err := s.SetBaseURL(ctx, "https://survei.contoh.go.id/"); err != nil {
		t.Fatal(err)
	}
	if b := get(); b != "https://survei.contoh.go.id" {
		t.Fatalf("recorded %q", b)
	}
	if _, ok := survey.IsValidation(s.SetBaseURL(ctx, "survei")); !ok {
		t.Fatal("a bare host name was accepted")
	}
	st, _ := s.Settings(ctx)
	st.MinGroup = 7
	if err := s.SetSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	if b := get(); b != "https://survei.contoh.go.id" {
		t.Fatalf("after saving other settings: %q", b)
	}
	st.BaseURL = "nonsense"
	ve, ok := survey.IsValidation(s.SetSettings(ctx, st))
	if !ok || ve.Fields["base_url"] == "" {
		t.Fatalf("bad base URL in the settings form: %v", ve)
	}
	st.BaseURL = ""
	if err := s.SetSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	if b := get(); b != "" {
		t.Fatalf("emptied, still %q", b)
	}
}
