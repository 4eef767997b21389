package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"persepsi/survey"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
	"gorm.io/gorm"
)

// CreateUser validates and stores a user with the given unit assignments.
func (s *Store) CreateUser(ctx context.Context, in survey.NewUser) (*survey.User, error) {
	in, err := in.Validate()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	u := &survey.User{Username: in.Username, PasswordHash: s.hashPassword(in.Password), Role: in.Role, Active: true, PasswordChangedAt: now, CreatedAt: now}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &survey.ValidationError{Fields: map[string]string{"username": "Nama pengguna ini sudah dipakai."}}
			}
			return fmt.Errorf("storage: unable to create user: %w", err)
		}
		return setUserUnitsTx(tx, u.ID, in.Units)
	})
	if err != nil {
		return nil, err
	}
	u.Units = uniqueIDs(in.Units)
	return u, nil
}

func setUserUnitsTx(tx *gorm.DB, userID int64, units []int64) error {
	if err := tx.Exec(`DELETE FROM user_units WHERE user_id = ?`, userID).Error; err != nil {
		return fmt.Errorf("storage: unable to clear unit assignments: %w", err)
	}
	for _, id := range uniqueIDs(units) {
		var n int64
		if err := tx.Model(&survey.Unit{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("storage: unable to read unit: %w", err)
		}
		if n == 0 {
			return &survey.ValidationError{Fields: map[string]string{"units": fmt.Sprintf("Unit %d tidak ada.", id)}}
		}
		if err := tx.Exec(`INSERT INTO user_units (user_id, unit_id) VALUES (?, ?)`, userID, id).Error; err != nil {
			return fmt.Errorf("storage: unable to assign unit: %w", err)
		}
	}
	return nil
}

// UpdateUser sets a user's role, active flag and unit assignments. A user
// made inactive is signed out everywhere and their tokens are revoked, so
// reactivating the user later brings none of them back.
func (s *Store) UpdateUser(ctx context.Context, id int64, role survey.Role, active bool, units []int64) (*survey.User, error) {
	if err := role.Validate(); err != nil {
		return nil, err
	}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u survey.User
		if err := tx.Take(&u, id).Error; err != nil {
			return notFound(err, "user")
		}
		if err := tx.Model(&u).Updates(map[string]any{"role": role, "active": active}).Error; err != nil {
			return fmt.Errorf("storage: unable to update user: %w", err)
		}
		if !active {
			if err := tx.Exec(`DELETE FROM sessions WHERE user_id = ?`, id).Error; err != nil {
				return fmt.Errorf("storage: unable to end sessions: %w", err)
			}
			if err := revokeTokensTx(tx, id, s.now().UTC()); err != nil {
				return err
			}
		}
		return setUserUnitsTx(tx, id, units)
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, id)
}

// User returns a user with their unit assignments.
func (s *Store) User(ctx context.Context, id int64) (*survey.User, error) {
	var u survey.User
	if err := s.r.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, notFound(err, "user")
	}
	if err := s.loadUnits(ctx, []*survey.User{&u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// UserByName returns a user by username.
func (s *Store) UserByName(ctx context.Context, username string) (*survey.User, error) {
	var u survey.User
	name := survey.NormalizeUsername(username)
	if !survey.Storable(name) {
		return nil, survey.ErrNotFound // no stored username holds it (a NUL at the sign-in form)
	}
	if err := s.r.WithContext(ctx).Where("username = ?", name).Take(&u).Error; err != nil {
		return nil, notFound(err, "user")
	}
	if err := s.loadUnits(ctx, []*survey.User{&u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// Users lists every user by username, with their unit assignments.
func (s *Store) Users(ctx context.Context) ([]survey.User, error) {
	var us []survey.User
	if err := s.r.WithContext(ctx).Order("username").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list users: %w", err)
	}
	ptrs := make([]*survey.User, len(us))
	for i := range us {
		ptrs[i] = &us[i]
	}
	if err := s.loadUnits(ctx, ptrs); err != nil {
		return nil, err
	}
	return us, nil
}

func (s *Store) loadUnits(ctx context.Context, us []*survey.User) error {
	if len(us) == 0 {
		return nil
	}
	byID := make(map[int64]*survey.User, len(us))
	ids := make([]int64, len(us))
	for i, u := range us {
		byID[u.ID] = u
		ids[i] = u.ID
	}
	var rows []struct{ UserID, UnitID int64 }
	if err := s.r.WithContext(ctx).Table("user_units").Where("user_id IN ?", ids).Order("unit_id").Find(&rows).Error; err != nil {
		return fmt.Errorf("storage: unable to read unit assignments: %w", err)
	}
	for _, r := range rows {
		byID[r.UserID].Units = append(byID[r.UserID].Units, r.UnitID)
	}
	return nil
}

// Authenticate checks a username and password. It answers an unknown
// user, an inactive one and a wrong password alike (ErrBadCredentials), and
// runs argon2 in every case (against a dummy hash for an unknown user), so
// neither the answer nor its timing tells which usernames exist. It keeps
// no failure count: throttling guesses is the caller's job (the web app
// slows each username per network), so nobody can lock an owner out.
func (s *Store) Authenticate(ctx context.Context, username, password string) (*survey.User, error) {
	u, err := s.UserByName(ctx, username)
	if errors.Is(err, survey.ErrNotFound) {
		verifyPassword(s.dummyHash(), password)
		return nil, survey.ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if !verifyPassword(u.PasswordHash, password) || !u.Active {
		return nil, survey.ErrBadCredentials
	}
	return u, nil
}

// SignInResetAt returns when the sign-in throttle of a username was last
// cleared (UnlockSignIn, SetPassword), or the zero time: for an unknown
// username too, which costs the same one indexed read.
func (s *Store) SignInResetAt(ctx context.Context, username string) (time.Time, error) {
	var at []time.Time
	err := s.r.WithContext(ctx).Model(&survey.User{}).Where("username = ? AND sign_in_reset_at IS NOT NULL", survey.NormalizeUsername(username)).
		Pluck("sign_in_reset_at", &at).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: unable to read sign-in reset: %w", err)
	}
	if len(at) == 0 {
		return time.Time{}, nil
	}
	return at[0], nil
}

// UnlockSignIn clears the sign-in throttle of a user: the running server
// forgets the failures recorded before now (persepsi user unlock).
func (s *Store) UnlockSignIn(ctx context.Context, userID int64) error {
	res := s.w.WithContext(ctx).Model(&survey.User{}).Where("id = ?", userID).Update("sign_in_reset_at", s.now().UTC())
	if res.Error != nil {
		return fmt.Errorf("storage: unable to unlock sign-in: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("user %d: %w", userID, survey.ErrNotFound)
	}
	return nil
}

// ChangePassword sets a new password after checking the current one, and
// ends every other session of the user (keepSession is the raw id of the
// session to keep; empty ends all).
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, next, keepSession string) error {
	u, err := s.User(ctx, userID)
	if err != nil {
		return err
	}
	ve := &survey.ValidationError{}
	if !verifyPassword(u.PasswordHash, current) {
		ve.Add("current", "Kata sandi saat ini salah.")
	}
	ve.Merge(survey.CheckNewPassword(current, next))
	if err := ve.OrNil(); err != nil {
		return err
	}
	return s.setPassword(ctx, userID, next, keepSession, false)
}

// SetPassword sets a user's password without the current one (an admin
// reset), ends all of the user's sessions and revokes their API tokens: a
// reset answers a lost or leaked password, and a token made by whoever held
// it must not outlive it.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := survey.CheckPassword(password); err != nil {
		return err
	}
	if _, err := s.User(ctx, userID); err != nil {
		return err
	}
	return s.setPassword(ctx, userID, password, "", true)
}

// setPassword stores a new password hash and ends the user's sessions but
// keepSession; revokeTokens also revokes every API token, in the same
// transaction.
func (s *Store) setPassword(ctx context.Context, userID int64, password, keepSession string, revokeTokens bool) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now().UTC()
		err := tx.Model(&survey.User{}).Where("id = ?", userID).Updates(map[string]any{
			"password_hash": s.hashPassword(password), "password_changed_at": now, "sign_in_reset_at": now,
		}).Error
		if err != nil {
			return fmt.Errorf("storage: unable to set password: %w", err)
		}
		if err := tx.Exec(`DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, userID, secretHash(keepSession)).Error; err != nil {
			return fmt.Errorf("storage: unable to end sessions: %w", err)
		}
		if revokeTokens {
			return revokeTokensTx(tx, userID, now)
		}
		return nil
	})
}

// revokeTokensTx revokes every live API token of a user.
func revokeTokensTx(tx *gorm.DB, userID int64, now time.Time) error {
	if err := tx.Exec(`UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, now, userID).Error; err != nil {
		return fmt.Errorf("storage: unable to revoke tokens: %w", err)
	}
	return nil
}

// CreateSession starts a session for a user and returns its secret id (to
// put in a cookie; only its digest is stored) and its expiry.
func (s *Store) CreateSession(ctx context.Context, userID int64) (string, time.Time, error) {
	raw := randomSecret()
	now := s.now().UTC()
	exp := now.Add(survey.SessionLifetime)
	err := s.w.WithContext(ctx).Exec(`INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		secretHash(raw), userID, now, exp).Error
	if err != nil {
		return "", time.Time{}, fmt.Errorf("storage: unable to create session: %w", err)
	}
	return raw, exp, nil
}

// SessionByID returns the live session with the given secret id and its
// active user, or ErrNotFound.
func (s *Store) SessionByID(ctx context.Context, raw string) (*survey.Session, error) {
	if raw == "" {
		return nil, survey.ErrNotFound
	}
	var row struct {
		UserID    int64
		ExpiresAt time.Time
	}
	err := s.r.WithContext(ctx).Table("sessions").Select("user_id, expires_at").
		Where("id_hash = ? AND expires_at > ?", secretHash(raw), s.now().UTC()).Take(&row).Error
	if err != nil {
		return nil, notFound(err, "session")
	}
	u, err := s.User(ctx, row.UserID)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, survey.ErrNotFound
	}
	return &survey.Session{User: u, ExpiresAt: row.ExpiresAt}, nil
}

// DeleteSession ends a session (logout), and sweeps expired sessions.
func (s *Store) DeleteSession(ctx context.Context, raw string) error {
	err := s.w.WithContext(ctx).Exec(`DELETE FROM sessions WHERE id_hash = ? OR expires_at <= ?`, secretHash(raw), s.now().UTC()).Error
	if err != nil {
		return fmt.Errorf("storage: unable to end session: %w", err)
	}
	return nil
}

// tokenTouchEvery bounds how often a token's last use is written: a script
// polling every second should not turn into a write per request.
const tokenTouchEvery = time.Minute

// CreateToken issues an API token for a user and returns it in clear, once.
// It works for lifetime (DefaultTokenLifetime when 0; at most
// MaxTokenLifetime).
func (s *Store) CreateToken(ctx context.Context, userID int64, name string, lifetime time.Duration) (string, *survey.APIToken, error) {
	name, lifetime, err := survey.CheckToken(name, lifetime)
	if err != nil {
		return "", nil, err
	}
	if _, err := s.User(ctx, userID); err != nil {
		return "", nil, err
	}
	raw := survey.TokenPrefix + randomSecret()
	now := s.now().UTC()
	t := &survey.APIToken{UserID: userID, Name: name, TokenHash: secretHash(raw), Prefix: raw[:len(survey.TokenPrefix)+6], CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := s.w.WithContext(ctx).Omit("Username").Create(t).Error; err != nil {
		return "", nil, fmt.Errorf("storage: unable to create token: %w", err)
	}
	return raw, t, nil
}

// Tokens lists tokens, newest first: a user's when userID is not 0, else
// everyone's.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]survey.APIToken, error) {
	q := s.r.WithContext(ctx).Table("api_tokens t").Select("t.*, u.username AS username").
		Joins("JOIN users u ON u.id = t.user_id")
	if userID != 0 {
		q = q.Where("t.user_id = ?", userID)
	}
	var ts []survey.APIToken
	if err := q.Order("t.id DESC").Scan(&ts).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list tokens: %w", err)
	}
	return ts, nil
}

// Token returns one token by id.
func (s *Store) Token(ctx context.Context, id int64) (*survey.APIToken, error) {
	var t survey.APIToken
	if err := s.r.WithContext(ctx).Table("api_tokens").Where("id = ?", id).Take(&t).Error; err != nil {
		return nil, notFound(err, "token")
	}
	return &t, nil
}

// RevokeToken stops a token from working; revoking twice is harmless.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res := s.w.WithContext(ctx).Table("api_tokens").Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.now().UTC())
	if res.Error != nil {
		return fmt.Errorf("storage: unable to revoke token: %w", res.Error)
	}
	return nil
}

// TokenUser returns the active user of a live token (not revoked, not
// expired), or ErrNotFound, and records the token's use.
func (s *Store) TokenUser(ctx context.Context, raw string) (*survey.User, error) {
	if !strings.HasPrefix(raw, survey.TokenPrefix) || len(raw) > 100 {
		return nil, survey.ErrNotFound
	}
	var t survey.APIToken
	if err := s.r.WithContext(ctx).Table("api_tokens").Where("token_hash = ? AND revoked_at IS NULL", secretHash(raw)).Take(&t).Error; err != nil {
		return nil, notFound(err, "token")
	}
	now := s.now().UTC()
	if !t.Live(now) {
		return nil, survey.ErrNotFound
	}
	u, err := s.User(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, survey.ErrNotFound
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchEvery {
		if err := s.w.WithContext(ctx).Table("api_tokens").Where("id = ?", t.ID).Update("last_used_at", now).Error; err != nil {
			return nil, fmt.Errorf("storage: unable to record token use: %w", err)
		}
	}
	return u, nil
}

// randomSecret returns 32 random bytes, base64url without padding.
func randomSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("survey: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// secretHash is the stored form of a session id or token: they carry 256
// random bits, so a fast hash is enough (no dictionary to attack).
func secretHash(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// argonKeyLen is the length of the derived key, in bytes.
const argonKeyLen = 32

// hashPassword returns the PHC string of an argon2id hash of pw with a
// random salt, at the store's cost.
func (s *Store) hashPassword(pw string) string {
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		panic("survey: no randomness: " + err.Error())
	}
	c := s.pwCost
	key := argon2.IDKey([]byte(pw), salt[:], c.Time, c.Memory, c.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
		base64.RawStdEncoding.EncodeToString(salt[:]), base64.RawStdEncoding.EncodeToString(key))
}

// verifyPassword checks pw against a PHC argon2id string, with the
// parameters the hash was made with.
func verifyPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
