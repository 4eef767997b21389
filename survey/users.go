package survey

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do.
type Role string

// The roles. An admin does everything; a kepala unit manages and reads the
// units assigned to them; a viewer (e.g. an evaluator) only reads them.
const (
	RoleAdmin      Role = "admin"
	RoleKepalaUnit Role = "kepala_unit"
	RoleViewer     Role = "viewer"
)

// Roles lists the roles with their Bahasa Indonesia labels.
var Roles = []struct {
	Role  Role
	Label string
}{
	{RoleAdmin, "Admin instansi"},
	{RoleKepalaUnit, "Kepala unit"},
	{RoleViewer, "Peninjau (hanya baca)"},
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleKepalaUnit || r == RoleViewer }

// Validate reports a *ValidationError on "role" when r is not a known role.
func (r Role) Validate() error {
	ve := &ValidationError{}
	r.check(ve)
	return ve.OrNil()
}

func (r Role) check(ve *ValidationError) {
	if !r.Valid() {
		ve.Add("role", "Peran tidak dikenal.")
	}
}

// Label returns the role's Bahasa Indonesia name.
func (r Role) Label() string {
	for _, x := range Roles {
		if x.Role == r {
			return x.Label
		}
	}
	return string(r)
}

const (
	// SessionLifetime is how long a login lasts.
	SessionLifetime = 12 * time.Hour
	// MinPasswordLen is the shortest password accepted.
	MinPasswordLen = 10
	// DefaultTokenLifetime is how long an API token works unless its
	// creator asks for less or more (at most MaxTokenLifetime).
	DefaultTokenLifetime = 90 * 24 * time.Hour
	// MaxTokenLifetime bounds a token's life: none works forever.
	MaxTokenLifetime = 2 * 365 * 24 * time.Hour
)

// ErrBadCredentials is returned by Authenticate for an unknown user, an
// inactive one or a wrong password: the caller cannot tell which.
var ErrBadCredentials = errors.New("survey: bad credentials")

// User is a person who signs in to read dashboards or administer units.
type User struct {
	ID                int64
	Username          string
	PasswordHash      string `json:"-"`
	Role              Role
	Active            bool
	PasswordChangedAt time.Time
	// SignInResetAt is when an admin last cleared the sign-in throttle of
	// this account (user unlock, reset-password): failures before it no
	// longer slow the account down.
	SignInResetAt *time.Time
	CreatedAt     time.Time
	// Units are the ids of the units assigned to the user (not stored in
	// this row; filled by the store).
	Units []int64 `gorm:"-"`
}

// CanRead reports whether the user may read the unit's dashboard.
func (u *User) CanRead(unitID int64) bool {
	if u.Role == RoleAdmin {
		return true
	}
	for _, id := range u.Units {
		if id == unitID {
			return true
		}
	}
	return false
}

// CanManage reports whether the user may change the unit's counters and
// services.
func (u *User) CanManage(unitID int64) bool {
	return u.Role == RoleAdmin || (u.Role == RoleKepalaUnit && u.CanRead(unitID))
}

// NewUser is the input for CreateUser.
type NewUser struct {
	Username string
	Password string
	Role     Role
	Units    []int64
}

// usernameFormat is a normalized username: 3 to 64 ASCII characters, lower
// case letters, digits, '.', '_' or '-', starting with a letter or digit.
var usernameFormat = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// Validate returns in with Username normalized (NormalizeUsername), and nil
// or a *ValidationError naming every rule in breaks: the username has
// usernameFormat, the password passes CheckPassword, and the role is known.
// That no other user has the username, and that the units exist, is for the
// store to check.
func (in NewUser) Validate() (NewUser, error) {
	ve := &ValidationError{}
	in.Username = NormalizeUsername(in.Username)
	if !usernameFormat.MatchString(in.Username) {
		ve.Add("username", "Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.")
	}
	checkPassword(ve, "password", in.Password)
	in.Role.check(ve)
	return in, ve.OrNil()
}

// maxPasswordBytes bounds a password in bytes, not characters: it bounds the
// input argon2 hashes, whatever the alphabet.
const maxPasswordBytes = 1024

// CheckPassword reports a *ValidationError on "password" when pw has fewer
// than MinPasswordLen characters (code points, as typed: nothing is
// cleaned) or more than 1024 bytes.
func CheckPassword(pw string) error {
	ve := &ValidationError{}
	checkPassword(ve, "password", pw)
	return ve.OrNil()
}

// CheckNewPassword reports a *ValidationError on "new" when next fails
// CheckPassword's rules or equals current. That current is the user's
// password is for the store to check.
func CheckNewPassword(current, next string) error {
	ve := &ValidationError{}
	checkPassword(ve, "new", next)
	if current == next {
		ve.Add("new", "Kata sandi baru harus berbeda dari yang lama.")
	}
	return ve.OrNil()
}

func checkPassword(ve *ValidationError, field, pw string) {
	if utf8.RuneCountInString(pw) < MinPasswordLen || len(pw) > maxPasswordBytes {
		ve.Add(field, fmt.Sprintf("Kata sandi paling sedikit %d karakter.", MinPasswordLen))
	}
}

// NormalizeUsername is the form a username is stored and looked up in.
func NormalizeUsername(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// Storable reports whether s can be stored as text in every store: valid
// UTF-8 without NUL (PostgreSQL refuses both, SQLite takes them). Input
// text is cleaned before it is stored (CleanLine, CleanText), so no stored
// value fails this; a lookup by a value that does is answered "not found"
// without asking the database.
func Storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// Session is a signed-in user's session.
type Session struct {
	User      *User
	ExpiresAt time.Time
}

// APIToken is a bearer token of the JSON API. Only its digest is stored;
// Prefix (the first characters) lets people recognise it in lists.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  string `json:"-"`
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	Username   string `gorm:"->;-:migration"`
}

// TokenPrefix starts every API token, so a leaked one is recognisable.
const TokenPrefix = "psp_"

// CheckToken returns an API token's name cleaned by CleanLine ("token" when
// that leaves it empty) and its lifetime (DefaultTokenLifetime when 0), and
// nil or a *ValidationError naming every rule broken: the name has at most
// 100 characters, and the lifetime lies between an hour and
// MaxTokenLifetime.
func CheckToken(name string, lifetime time.Duration) (string, time.Duration, error) {
	name = CleanLine(name)
	if name == "" {
		name = "token"
	}
	if lifetime == 0 {
		lifetime = DefaultTokenLifetime
	}
	ve := &ValidationError{}
	if tooLong(name, 100) {
		ve.Add("name", "Nama token paling banyak 100 karakter.")
	}
	if lifetime < time.Hour || lifetime > MaxTokenLifetime {
		ve.Add("expires", "Masa berlaku token 1 jam sampai 2 tahun.")
	}
	return name, lifetime, ve.OrNil()
}

// Live reports whether the token works at now: not revoked, not expired.
func (t *APIToken) Live(now time.Time) bool { return t.RevokedAt == nil && now.Before(t.ExpiresAt) }

// PasswordCost is argon2id's cost: passes over memory, memory in KiB, and
// lanes. A hash records the cost it was made with, so verifying never needs
// this setting; it only decides how new passwords are hashed.
type PasswordCost struct {
	Time    uint32
	Memory  uint32
	Threads uint8
}

// DefaultPasswordCost is OWASP's minimum recommendation for argon2id
// (19 MiB, 2 passes, 1 lane), about 30 ms per hash on the 2-core server.
// A Store uses it unless Options.PasswordCost says otherwise.
var DefaultPasswordCost = PasswordCost{Time: 2, Memory: 19 * 1024, Threads: 1}
