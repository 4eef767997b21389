package app

import (
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
	now := k.now()
	netKey := "login:" + hex.EncodeToString(hmacSum(k.cfg.Secret, "login-ip:"+c.IP())[:16])
	if !k.logins.take(netKey, now) {
		c.Set(fiber.HeaderRetryAfter, "900")
		v.Error = "Terlalu banyak percobaan masuk dari jaringan ini. Coba lagi nanti."
		c.Status(fiber.StatusTooManyRequests)
		return k.render(c, "login", v)
	}
	u, err := k.store.Authenticate(c.UserContext(), v.Username, c.FormValue("password"))
	var locked *survey.LockedError
	switch {
	case errors.As(err, &locked):
		v.Error = "Akun dikunci sementara karena terlalu banyak kata sandi salah. Coba lagi setelah " +
			strconv.Itoa(int(locked.Until.Sub(now).Minutes())+1) + " menit."
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
	raw, _, err := k.store.CreateToken(c.UserContext(), u.ID, c.FormValue("name"))
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
