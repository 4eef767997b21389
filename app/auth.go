package app

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// preCookie ties the login form to the browser that loaded it (login CSRF):
// before a session exists, the form's token is a keyed hash of this cookie.
const preCookie = "persepsi_pra"

type loginView struct {
	consolePage
	Next     string
	Username string
	Error    string
}

func (k *console) loginCSRF(pre string) string { return k.csrfToken("login:" + pre) }

// loginPage shows the sign-in form.
func (k *console) loginPage(c *fiber.Ctx) error {
	pre := strings.Clone(c.Cookies(preCookie))
	if len(pre) != 32 {
		pre = hex.EncodeToString(hmacSum(k.cfg.Secret, "pre:"+strconv.FormatInt(k.now().UnixNano(), 10)+survey.NewIdempotencyKey())[:16])
		k.setCookie(c, preCookie, pre, k.now().Add(2*time.Hour))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return k.render(c, "login", loginView{consolePage: consolePage{Title: "Masuk", CSRF: k.loginCSRF(pre)}, Next: safeNext(c.Query("next"))})
}

// login checks the credentials and starts a session.
func (k *console) login(c *fiber.Ctx) error {
	v := loginView{consolePage: consolePage{Title: "Masuk"}, Next: safeNext(c.FormValue("next")), Username: strings.Clone(c.FormValue("username"))}
	pre := strings.Clone(c.Cookies(preCookie))
	v.CSRF = k.loginCSRF(pre)
	if pre == "" || !hmac.Equal([]byte(c.FormValue(csrfField)), []byte(v.CSRF)) {
		return fiber.NewError(fiber.StatusForbidden, "Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")
	}
	u, err := k.signIn(c, v.Username, c.FormValue("password"))
	var wait *signInWaitError
	switch {
	case errors.As(err, &wait):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.d.Seconds())+1))
		v.Error = wait.message()
		c.Status(fiber.StatusTooManyRequests)
		return k.render(c, "login", v)
	case errors.Is(err, survey.ErrBadCredentials):
		v.Error = "Nama pengguna atau kata sandi salah."
		c.Status(fiber.StatusUnauthorized)
		return k.render(c, "login", v)
	case err != nil:
		return err
	}
	raw, exp, err := k.store.CreateSession(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	k.setCookie(c, sessionCookie, raw, exp)
	k.clearCookie(c, preCookie)
	return c.Redirect(v.Next, fiber.StatusSeeOther)
}

// signInWaitError says a sign-in attempt was not evaluated: its network
// failed too often this hour, or its (username, network) must wait.
type signInWaitError struct {
	d       time.Duration
	network bool
}

func (e *signInWaitError) Error() string { return "app: sign-in must wait " + e.d.String() }

// message is the same for every username, known or not.
func (e *signInWaitError) message() string {
	from := ""
	if e.network {
		from = " dari jaringan ini"
	}
	return "Terlalu banyak percobaan masuk yang gagal" + from + ". Coba lagi dalam " + waitText(e.d) + "."
}

// waitText says a wait in seconds or whole minutes, rounded up.
func waitText(d time.Duration) string {
	if d < time.Minute {
		return strconv.Itoa(int((d+time.Second-1)/time.Second)) + " detik"
	}
	return strconv.Itoa(int((d+time.Minute-1)/time.Minute)) + " menit"
}

// signIn checks a password under the sign-in throttle (signin_guard.go):
// at most failedSignInsPerHour failures per network, and each
// (username, network) waits after its free failures. Only failures count.
func (k *console) signIn(c *fiber.Ctx, username, password string) (*survey.User, error) {
	now := k.now()
	network := k.networks.key(k.clientAddr(c), now)
	if !k.failures.take(network, now) {
		return nil, &signInWaitError{d: untilNextWindow(now), network: true}
	}
	name := survey.NormalizeUsername(username)
	a := k.guard.begin(name, network, now)
	defer a.end()
	u, err := k.checkPassword(c.UserContext(), a, name, password)
	if !errors.Is(err, survey.ErrBadCredentials) {
		k.failures.refund(network, now)
	}
	return u, err
}

// checkPassword evaluates one attempt holding its (username, network) pair,
// unless the pair must still wait and no admin has cleared it since.
func (k *console) checkPassword(ctx context.Context, a *signInAttempt, name, password string) (*survey.User, error) {
	if a.wait(k.now()) > 0 {
		reset, err := k.store.SignInResetAt(ctx, name)
		if err != nil {
			return nil, err
		}
		a.resetAt(reset)
		if w := a.wait(k.now()); w > 0 {
			return nil, &signInWaitError{d: w}
		}
	}
	u, err := k.store.Authenticate(ctx, name, password)
	switch {
	case err == nil:
		a.succeeded()
	case errors.Is(err, survey.ErrBadCredentials):
		a.failed(k.now())
	}
	return u, err
}

// logout ends the session.
func (k *console) logout(c *fiber.Ctx) error {
	if err := k.store.DeleteSession(c.UserContext(), sessionID(c)); err != nil {
		return err
	}
	k.clearCookie(c, sessionCookie)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

type accountView struct {
	consolePage
	Errors map[string]string
	Done   bool
	Tokens []survey.APIToken
	// NewToken is shown once, right after it is created.
	NewToken string
	Units    []survey.Unit
}

// account shows the signed-in user's account: password change and tokens.
func (k *console) account(c *fiber.Ctx) error {
	v, err := k.accountView(c)
	if err != nil {
		return err
	}
	v.Done = c.Query("ok") == "1"
	return k.render(c, "account", v)
}

func (k *console) accountView(c *fiber.Ctx) (accountView, error) {
	u := currentUser(c)
	v := accountView{consolePage: k.page(c, "Akun saya", "account")}
	var err error
	if v.Tokens, err = k.store.Tokens(c.UserContext(), u.ID); err != nil {
		return v, err
	}
	v.Units, err = k.visibleUnits(c)
	return v, err
}

// changePassword sets a new password; other sessions of the user end.
func (k *console) changePassword(c *fiber.Ctx) error {
	u := currentUser(c)
	err := error(&survey.ValidationError{Fields: map[string]string{"confirm": "Konfirmasi tidak sama dengan kata sandi baru."}})
	if c.FormValue("new") == c.FormValue("confirm") {
		err = k.store.ChangePassword(c.UserContext(), u.ID, c.FormValue("current"), c.FormValue("new"), sessionID(c))
	}
	if ve, ok := survey.IsValidation(err); ok {
		v, verr := k.accountView(c)
		if verr != nil {
			return verr
		}
		v.Errors = ve.Fields
		c.Status(fiber.StatusUnprocessableEntity)
		return k.render(c, "account", v)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/account?ok=1", fiber.StatusSeeOther)
}

// createToken issues an API token for the signed-in user and shows it once.
func (k *console) createToken(c *fiber.Ctx) error {
	u := currentUser(c)
	raw, _, err := k.store.CreateToken(c.UserContext(), u.ID, c.FormValue("name"), 0)
	if err != nil {
		return err
	}
	v, err := k.accountView(c)
	if err != nil {
		return err
	}
	v.NewToken = raw
	return k.render(c, "account", v)
}

// revokeToken revokes one of the user's tokens (any token, for an admin).
func (k *console) revokeToken(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return survey.ErrNotFound
	}
	t, err := k.store.Token(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	u := currentUser(c)
	if t.UserID != u.ID && u.Role != survey.RoleAdmin {
		return survey.ErrNotFound
	}
	if err := k.store.RevokeToken(c.UserContext(), t.ID); err != nil {
		return err
	}
	return c.Redirect(safeNext(c.FormValue("back")), fiber.StatusSeeOther)
}
