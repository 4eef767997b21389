package survey_test

import (
	"context"
	"errors"
	"testing"

	"persepsi/survey"
)

func TestUsersSessionsTokens(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	sv := mustSurvey(t, s, "Asia/Jakarta")
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
	if err != nil || got.ID != u.ID || got.FailedLogins != 0 {
		t.Fatalf("login: %+v %v", got, err)
	}

	raw, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sess, err := s.SessionByID(ctx, raw); err != nil || sess.User.ID != u.ID {
		t.Fatalf("session: %v", err)
	}
	tok, _, err := s.CreateToken(ctx, u.ID, "skrip")
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
	ts, err := s.Tokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || ts[0].LastUsedAt == nil || ts[0].Username != "kepala.unit" {
		t.Fatalf("tokens: %+v %v", ts, err)
	}
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
