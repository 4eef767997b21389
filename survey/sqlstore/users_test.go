package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey/sqlite"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

func TestUsersSessionsTokens(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "Kepala.Unit", Password: "rahasia-sekali", Role: survey.RoleKepalaUnit, Units: []int64{sv.Unit.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "kepala.unit" || !u.CanManage(sv.Unit.ID) || u.CanRead(sv.Unit.ID+1) {
		t.Fatalf("user: %+v", u)
	}
	if _, err := s.CreateUser(ctx, survey.NewUser{Username: "kepala.unit", Password: "rahasia-sekali", Role: survey.RoleViewer}); err == nil {
		t.Error("duplicate username accepted")
	}
	for _, bad := range []survey.NewUser{
		{Username: "ab", Password: "rahasia-sekali", Role: survey.RoleViewer},
		{Username: "abc", Password: "pendek", Role: survey.RoleViewer},
		{Username: "abc", Password: "rahasia-sekali", Role: "raja"},
	} {
		if _, err := s.CreateUser(ctx, bad); err == nil {
			t.Errorf("accepted %+v", bad)
		} else if _, ok := survey.IsValidation(err); !ok {
			t.Errorf("%+v: %v is not a validation error", bad, err)
		}
	}
	if _, err := s.Authenticate(ctx, "kepala.unit", "salah"); !errors.Is(err, survey.ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "tidak-ada", "rahasia-sekali"); !errors.Is(err, survey.ErrBadCredentials) {
		t.Errorf("unknown user: %v", err)
	}
	got, err := s.Authenticate(ctx, "KEPALA.UNIT", "rahasia-sekali")
	if err != nil || got.ID != u.ID || !got.Active {
		t.Fatalf("login: %+v %v", got, err)
	}

	raw, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sess, err := s.SessionByID(ctx, raw); err != nil || sess.User.ID != u.ID {
		t.Fatalf("session: %v", err)
	}
	tok, _, err := s.CreateToken(ctx, u.ID, "skrip", 0)
	if err != nil {
		t.Fatal(err)
	}
	if tu, err := s.TokenUser(ctx, tok); err != nil || tu.ID != u.ID {
		t.Fatalf("token: %v", err)
	}
	// Deactivating the user ends the session and stops the token.
	if _, err := s.UpdateUser(ctx, u.ID, survey.RoleKepalaUnit, false, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, raw); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("session of an inactive user: %v", err)
	}
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("token of an inactive user: %v", err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, survey.RoleKepalaUnit, true, []int64{sv.Unit.ID}); err != nil {
		t.Fatal(err)
	}
	// Reactivation brings neither the session nor the token back.
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("token came back with its reactivated user: %v", err)
	}
	ts, err := s.Tokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || ts[0].LastUsedAt == nil || ts[0].Username != "kepala.unit" || ts[0].RevokedAt == nil {
		t.Fatalf("tokens: %+v %v", ts, err)
	}
	tok, _, err = s.CreateToken(ctx, u.ID, "skrip-2", 0)
	if err != nil {
		t.Fatal(err)
	}
	ts, _ = s.Tokens(ctx, u.ID)
	if err := s.RevokeToken(ctx, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("revoked token: %v", err)
	}
	// A password change ends every other session.
	other, _, _ := s.CreateSession(ctx, u.ID)
	keep, _, _ := s.CreateSession(ctx, u.ID)
	if err := s.ChangePassword(ctx, u.ID, "rahasia-sekali", "rahasia-baru-1", keep); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, other); !errors.Is(err, survey.ErrNotFound) {
		t.Error("other session survived a password change")
	}
	if _, err := s.SessionByID(ctx, keep); err != nil {
		t.Error("current session ended by a password change")
	}
}

// TestPasswordResetRevokesTokens: an admin reset (SetPassword) revokes the
// user's API tokens, since it answers a leaked password; the user's own
// change, which needs the current password, keeps them.
func TestPasswordResetRevokesTokens(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "operator", Password: "rahasia-sekali", Role: survey.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.CreateToken(ctx, u.ID, "skrip", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(ctx, u.ID, "rahasia-sekali", "rahasia-baru-1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, tok); err != nil {
		t.Errorf("token ended by the user's own password change: %v", err)
	}
	if err := s.SetPassword(ctx, u.ID, "rahasia-baru-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("token survived a password reset: %v", err)
	}
	ts, err := s.Tokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || ts[0].RevokedAt == nil {
		t.Errorf("tokens after the reset: %+v %v", ts, err)
	}
}

// TestTokenExpiry: a token dies at its expiry (default 90 days), and a
// lifetime outside 1 hour to 2 years is refused.
func TestTokenExpiry(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), survey.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "skrip", Password: "rahasia-sekali", Role: survey.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	def, tk, err := s.CreateToken(ctx, u.ID, "bawaan", 0)
	if err != nil || !tk.ExpiresAt.Equal(now.Add(90*24*time.Hour)) {
		t.Fatalf("default token: %+v %v", tk, err)
	}
	short, _, err := s.CreateToken(ctx, u.ID, "sehari", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []time.Duration{time.Minute, 3 * 365 * 24 * time.Hour, -time.Hour} {
		if _, _, err := s.CreateToken(ctx, u.ID, "x", bad); err == nil {
			t.Errorf("lifetime %v accepted", bad)
		}
	}
	now = now.Add(24*time.Hour - time.Second)
	if _, err := s.TokenUser(ctx, short); err != nil {
		t.Fatalf("one-day token before its expiry: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := s.TokenUser(ctx, short); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("one-day token at its expiry: %v", err)
	}
	now = now.Add(89 * 24 * time.Hour)
	if _, err := s.TokenUser(ctx, def); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("default token after 90 days: %v", err)
	}
}

// TestAuthenticateAnswersAlike: unknown, inactive and wrong-password
// sign-ins get one answer, and no number of failures locks the account
// (the TestSignIn* tests in app cover the slowing down).
func TestAuthenticateAnswersAlike(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "pemilik", Password: "rahasia-sekali", Role: survey.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, survey.NewUser{Username: "mantan", Password: "rahasia-sekali", Role: survey.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	m, _ := s.UserByName(ctx, "mantan")
	if _, err := s.UpdateUser(ctx, m.ID, survey.RoleViewer, false, nil); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		for _, c := range [][2]string{{"pemilik", "salah-sekali"}, {"tidak-ada", "salah-sekali"}, {"mantan", "rahasia-sekali"}} {
			if _, err := s.Authenticate(ctx, c[0], c[1]); err != survey.ErrBadCredentials {
				t.Fatalf("%s: %v, want exactly ErrBadCredentials", c[0], err)
			}
		}
	}
	if got, err := s.Authenticate(ctx, "pemilik", "rahasia-sekali"); err != nil || got.ID != u.ID {
		t.Fatalf("owner after 20 failures: %v", err)
	}
	if at, err := s.SignInResetAt(ctx, "tidak-ada"); err != nil || !at.IsZero() {
		t.Errorf("reset time of an unknown user: %v %v", at, err)
	}
	if err := s.UnlockSignIn(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if at, err := s.SignInResetAt(ctx, "PEMILIK"); err != nil || at.IsZero() {
		t.Errorf("reset time after unlock: %v %v", at, err)
	}
	if err := s.UnlockSignIn(ctx, 999); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("unlock of a missing user: %v", err)
	}
}

// TestLogsCarryNoSecrets: a failing write (a duplicate user) is logged
// without its bound values, so the new password's hash never reaches a log.
func TestLogsCarryNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), survey.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	for range 2 {
		_, err = s.CreateUser(ctx, survey.NewUser{Username: "ganda", Password: "rahasia-sekali-ganda", Role: survey.RoleAdmin})
	}
	if _, ok := survey.IsValidation(err); !ok {
		t.Fatalf("duplicate: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, "sql error") {
		t.Fatalf("the failed insert was not logged at all: %q", out)
	}
	for _, secret := range []string{"$argon2id$", "rahasia-sekali-ganda"} {
		if strings.Contains(out, secret) {
			t.Errorf("log carries %q: %s", secret, out)
		}
	}
}

// TestPasswordCost checks that a store left at its defaults hashes at the
// documented production cost (OWASP's argon2id minimum: m=19456 KiB, t=2,
// p=1), that the tests' cheap cost applies only when asked for, and that
// sign-in checks the password at either cost.
func TestPasswordCost(t *testing.T) {
	t.Parallel()
	if want := (survey.PasswordCost{Time: 2, Memory: 19 * 1024, Threads: 1}); survey.DefaultPasswordCost != want {
		t.Fatalf("DefaultPasswordCost = %+v, want %+v", survey.DefaultPasswordCost, want)
	}
	ctx := context.Background()
	prod := storetest.MustOpen(t, func(o *survey.Options) { o.PasswordCost = survey.PasswordCost{} })
	cheap := storetest.MustOpen(t)
	for _, c := range []struct {
		s      *sqlstore.Store
		prefix string
	}{
		{prod, "$argon2id$v=19$m=19456,t=2,p=1$"},
		{cheap, "$argon2id$v=19$m=8,t=1,p=1$"},
	} {
		u, err := c.s.CreateUser(ctx, survey.NewUser{Username: "kepala", Password: "kata-sandi-uji-123", Role: survey.RoleViewer})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.PasswordHash, c.prefix) {
			t.Errorf("hash %q, want prefix %q", u.PasswordHash, c.prefix)
		}
		if _, err := c.s.Authenticate(ctx, "kepala", "kata-sandi-uji-123"); err != nil {
			t.Errorf("%s: sign-in with the right password: %v", c.prefix, err)
		}
		if _, err := c.s.Authenticate(ctx, "kepala", "kata-sandi-salah-1"); !errors.Is(err, survey.ErrBadCredentials) {
			t.Errorf("%s: sign-in with a wrong password: %v", c.prefix, err)
		}
	}
}
