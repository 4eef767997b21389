package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
)

const (
	password     = "rahasia-sekali"
	nextPassword = "rahasia-baru-lagi"
)

// testAccounts: users, sign-in, sessions, tokens and password changes.
func testAccounts(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	sv := Survey(t, s, "Asia/Jakarta")
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "Kepala.Unit", Password: password, Role: survey.RoleKepalaUnit, Units: []int64{sv.Unit.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "kepala.unit" || !u.Active || !slices.Equal(u.Units, []int64{sv.Unit.ID}) || strings.Contains(u.PasswordHash, password) {
		t.Fatalf("CreateUser = %+v", u)
	}
	if _, err := s.CreateUser(ctx, survey.NewUser{Username: "kepala.unit", Password: password, Role: survey.RoleViewer}); !isValidation(err, "username") {
		t.Fatalf("a taken username: %v, want a validation error", err)
	}
	for _, bad := range []survey.NewUser{
		{Username: "ab", Password: password, Role: survey.RoleViewer},
		{Username: "pendek", Password: "pendek", Role: survey.RoleViewer},
		{Username: "raja", Password: password, Role: "raja"},
	} {
		if _, err := s.CreateUser(ctx, bad); !isValidation(err) {
			t.Errorf("CreateUser(%+v) = %v, want a validation error", bad, err)
		}
	}
	if _, err := s.CreateUser(ctx, survey.NewUser{Username: "tanpa.unit", Password: password, Role: survey.RoleViewer, Units: []int64{424242}}); !isValidation(err, "units") {
		t.Fatalf("an unknown unit: %v, want a validation error", err)
	}
	viewer, err := s.CreateUser(ctx, survey.NewUser{Username: "peninjau", Password: password, Role: survey.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	if us, err := s.Users(ctx); err != nil || len(us) != 2 || us[0].ID != u.ID || !slices.Equal(us[0].Units, u.Units) || us[1].ID != viewer.ID {
		t.Fatalf("Users = %+v, %v", us, err)
	}
	if got, err := s.User(ctx, u.ID); err != nil || got.Username != u.Username || got.Role != survey.RoleKepalaUnit || !slices.Equal(got.Units, u.Units) {
		t.Fatalf("User = %+v, %v", got, err)
	}
	if got, err := s.UserByName(ctx, "kepala.unit"); err != nil || got.ID != u.ID {
		t.Fatalf("UserByName = %+v, %v", got, err)
	}
	if _, err := s.User(ctx, u.ID+viewer.ID+100); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("unknown user: %v, want ErrNotFound", err)
	}

	if at, err := s.SignInResetAt(ctx, "kepala.unit"); err != nil || !at.IsZero() {
		t.Fatalf("SignInResetAt of a new user = %s, %v; want the zero time", at, err)
	}
	if got, err := s.Authenticate(ctx, " KEPALA.UNIT ", password); err != nil || got.ID != u.ID {
		t.Fatalf("good credentials: %+v, %v", got, err)
	}
	for _, bad := range [][2]string{{"kepala.unit", "salah-sekali"}, {"tidak.ada", password}, {"", ""}} {
		if got, err := s.Authenticate(ctx, bad[0], bad[1]); !errors.Is(err, survey.ErrBadCredentials) {
			t.Errorf("Authenticate(%q, %q) = %+v, %v; want ErrBadCredentials", bad[0], bad[1], got, err)
		}
	}

	raw, exp, err := s.CreateSession(ctx, u.ID)
	if err != nil || raw == "" || exp.Before(time.Now().Add(survey.SessionLifetime-time.Minute)) {
		t.Fatalf("CreateSession = %q, %s, %v", raw, exp, err)
	}
	// A store may keep times coarser than Go's nanoseconds (PostgreSQL: µs).
	if sess, err := s.SessionByID(ctx, raw); err != nil || sess.User.ID != u.ID || sess.ExpiresAt.Sub(exp).Abs() > time.Second {
		t.Fatalf("SessionByID = %+v, %v", sess, err)
	}
	for _, unknown := range []string{"", "x", raw + "x"} {
		if _, err := s.SessionByID(ctx, unknown); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("SessionByID(%q): %v, want ErrNotFound", unknown, err)
		}
	}
	if err := s.DeleteSession(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, raw); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("session after logout: %v, want ErrNotFound", err)
	}

	tok, info, err := s.CreateToken(ctx, u.ID, "laporan bulanan", 0)
	if err != nil || !strings.HasPrefix(tok, survey.TokenPrefix) || !strings.HasPrefix(tok, info.Prefix) || info.UserID != u.ID ||
		info.ExpiresAt.Before(time.Now().Add(survey.DefaultTokenLifetime-time.Hour)) || strings.Contains(info.TokenHash, tok) {
		t.Fatalf("CreateToken = %q, %+v, %v", tok, info, err)
	}
	if got, err := s.TokenUser(ctx, tok); err != nil || got.ID != u.ID {
		t.Fatalf("TokenUser = %+v, %v", got, err)
	}
	if got, err := s.Token(ctx, info.ID); err != nil || got.LastUsedAt == nil || !got.Live(time.Now()) {
		t.Fatalf("Token after use = %+v, %v; want its use recorded", got, err)
	}
	if ts, err := s.Tokens(ctx, u.ID); err != nil || len(ts) != 1 || ts[0].ID != info.ID || ts[0].Username != "kepala.unit" {
		t.Fatalf("Tokens(user) = %+v, %v", ts, err)
	}
	if ts, err := s.Tokens(ctx, viewer.ID); err != nil || len(ts) != 0 {
		t.Fatalf("Tokens(another user) = %+v, %v", ts, err)
	}
	if ts, err := s.Tokens(ctx, 0); err != nil || len(ts) != 1 {
		t.Fatalf("Tokens(everyone) = %+v, %v", ts, err)
	}
	if _, err := s.TokenUser(ctx, tok+"x"); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("unknown token: %v, want ErrNotFound", err)
	}
	for range 2 { // revoking twice is harmless
		if err := s.RevokeToken(ctx, info.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("revoked token: %v, want ErrNotFound", err)
	}
	if got, err := s.Token(ctx, info.ID); err != nil || got.RevokedAt == nil {
		t.Fatalf("Token after revocation = %+v, %v", got, err)
	}

	// ChangePassword checks the current password, keeps one session and
	// the user's tokens (the user knows the password; nothing leaked).
	keep, _, _ := s.CreateSession(ctx, u.ID)
	drop, _, _ := s.CreateSession(ctx, u.ID)
	kept, _, err := s.CreateToken(ctx, u.ID, "tetap", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(ctx, u.ID, "salah-sekali", nextPassword, keep); err == nil {
		t.Fatal("ChangePassword with a wrong current password succeeded")
	}
	if _, err := s.Authenticate(ctx, "kepala.unit", password); err != nil {
		t.Fatalf("a refused change altered the password: %v", err)
	}
	if err := s.ChangePassword(ctx, u.ID, password, nextPassword, keep); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, keep); err != nil {
		t.Fatalf("the kept session ended: %v", err)
	}
	if _, err := s.SessionByID(ctx, drop); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("another session survived a password change: %v", err)
	}
	if _, err := s.Authenticate(ctx, "kepala.unit", password); !errors.Is(err, survey.ErrBadCredentials) {
		t.Fatalf("old password after a change: %v", err)
	}
	if _, err := s.Authenticate(ctx, "kepala.unit", nextPassword); err != nil {
		t.Fatalf("new password: %v", err)
	}
	if _, err := s.TokenUser(ctx, kept); err != nil {
		t.Fatalf("a token ended with the user's own password change: %v", err)
	}

	// SetPassword (an admin reset) ends every session, revokes every token
	// and clears the sign-in throttle.
	tok2, _, err := s.CreateToken(ctx, u.ID, "kedua", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, u.ID, password); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, keep); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("a session survived a password reset: %v", err)
	}
	if _, err := s.TokenUser(ctx, tok2); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("a token survived a password reset: %v", err)
	}
	if at, err := s.SignInResetAt(ctx, "kepala.unit"); err != nil || at.IsZero() {
		t.Fatalf("SignInResetAt after a reset = %s, %v", at, err)
	}
	if _, err := s.Authenticate(ctx, "kepala.unit", password); err != nil {
		t.Fatalf("password after a reset: %v", err)
	}
	if err := s.UnlockSignIn(ctx, viewer.ID); err != nil {
		t.Fatal(err)
	}
	if at, err := s.SignInResetAt(ctx, "peninjau"); err != nil || at.IsZero() {
		t.Fatalf("SignInResetAt after UnlockSignIn = %s, %v", at, err)
	}
	if at, err := s.SignInResetAt(ctx, "tidak.ada"); err != nil || !at.IsZero() {
		t.Fatalf("SignInResetAt of an unknown user = %s, %v; want the zero time", at, err)
	}

	// A user made inactive is signed out, loses their tokens, cannot sign
	// in, and reactivation brings none of it back.
	sess, _, _ := s.CreateSession(ctx, u.ID)
	tok3, _, _ := s.CreateToken(ctx, u.ID, "ketiga", time.Hour)
	if got, err := s.UpdateUser(ctx, u.ID, survey.RoleViewer, false, nil); err != nil || got.Active || got.Role != survey.RoleViewer || len(got.Units) != 0 {
		t.Fatalf("UpdateUser = %+v, %v", got, err)
	}
	if _, err := s.Authenticate(ctx, "kepala.unit", password); !errors.Is(err, survey.ErrBadCredentials) {
		t.Fatalf("an inactive user signed in: %v", err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, survey.RoleKepalaUnit, true, []int64{sv.Unit.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, sess); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("a session came back with reactivation: %v", err)
	}
	if _, err := s.TokenUser(ctx, tok3); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("a token came back with reactivation: %v", err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, "raja", true, nil); !isValidation(err, "role") {
		t.Fatalf("an unknown role: %v, want a validation error", err)
	}
}

// testAccountsAcrossHandles: a session or token made through one node
// works on another, and ending it on one ends it everywhere.
func testAccountsAcrossHandles(t *testing.T, o Opener) {
	s := o.open(t)
	hs := o.handles(t, s, 2)
	a, b := hs[0], hs[len(hs)-1]
	ctx := t.Context()
	u, err := a.CreateUser(ctx, survey.NewUser{Username: "admin", Password: password, Role: survey.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Authenticate(ctx, "admin", password); err != nil || got.ID != u.ID {
		t.Fatalf("a user made on one node signs in on another: %+v, %v", got, err)
	}
	raw, _, err := a.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, info, err := b.CreateToken(ctx, u.ID, "api", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if sess, err := b.SessionByID(ctx, raw); err != nil || sess.User.ID != u.ID {
		t.Fatalf("session on the other node: %+v, %v", sess, err)
	}
	if got, err := a.TokenUser(ctx, tok); err != nil || got.ID != u.ID {
		t.Fatalf("token on the other node: %+v, %v", got, err)
	}
	if err := b.DeleteSession(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if err := b.RevokeToken(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SessionByID(ctx, raw); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("a session ended on one node lives on another: %v", err)
	}
	if _, err := a.TokenUser(ctx, tok); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("a token revoked on one node works on another: %v", err)
	}
	if err := a.SetPassword(ctx, u.ID, nextPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate(ctx, "admin", password); !errors.Is(err, survey.ErrBadCredentials) {
		t.Fatalf("the old password works on another node after a reset: %v", err)
	}
	if _, err := b.Authenticate(ctx, "admin", nextPassword); err != nil {
		t.Fatalf("the new password on another node: %v", err)
	}
}

// unstorable are texts no store can hold (PostgreSQL refuses NUL and
// invalid UTF-8 outright), as a sign-in form or a URL may carry them.
var unstorable = []string{"a\x00b", "kepala\x00", "\xff\xfe", "ok\xc3"}

// testUnstorableLookups: looking up by a text no store can hold answers
// "not found" (and sign-in "bad credentials"), never a database error:
// on PostgreSQL such a parameter fails the query, which the app would
// answer with a 500.
func testUnstorableLookups(t *testing.T, o Opener) {
	s := o.open(t)
	ctx := t.Context()
	if _, err := s.CreateUser(ctx, survey.NewUser{Username: "kepala", Password: password, Role: survey.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range unstorable {
		if _, err := s.UserByName(ctx, bad); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("UserByName(%q) = %v, want ErrNotFound", bad, err)
		}
		if _, err := s.Authenticate(ctx, bad, password); !errors.Is(err, survey.ErrBadCredentials) {
			t.Errorf("Authenticate(%q) = %v, want ErrBadCredentials", bad, err)
		}
		if _, err := s.Authenticate(ctx, "kepala", bad); !errors.Is(err, survey.ErrBadCredentials) {
			t.Errorf("Authenticate with password %q = %v, want ErrBadCredentials", bad, err)
		}
		if _, err := s.SurveyByCode(ctx, bad); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("SurveyByCode(%q) = %v, want ErrNotFound", bad, err)
		}
		if _, err := s.SessionByID(ctx, bad); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("SessionByID(%q) = %v, want ErrNotFound", bad, err)
		}
		if _, err := s.TokenUser(ctx, survey.TokenPrefix+bad); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("TokenUser(%q) = %v, want ErrNotFound", bad, err)
		}
	}
}
