package app

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// sessionCookie holds the secret id of a signed-in user's session; only its
// digest is stored, so a copy of the database cannot be used to sign in.
const sessionCookie = "persepsi_sesi"

// console serves the pages of signed-in people: login, account, dashboards
// and administration. It holds what those handlers share beyond Server.
type console struct {
	*Server
	failures *limiter       // failed sign-ins per network per hour
	guard    *signInGuard   // per (username, network) backoff
	networks *networkHasher // keys both by a rotating hash, never the address
}

// failedSignInsPerHour bounds wrong passwords from one network, whatever
// usernames they try. Only failures count: an office whose staff all sign in
// from one address is never refused for signing in.
const failedSignInsPerHour = 30

func (s *Server) newConsole() *console {
	return &console{Server: s, failures: newLimiter(failedSignInsPerHour, maxRateKeys),
		guard: newSignInGuard(maxRateKeys), networks: newNetworkHasher(s.cfg.Secret, "login:")}
}

// setCookie sets one of the console's cookies: HttpOnly, SameSite=Lax, and
// Secure when the site is served over https.
func (s *Server) setCookie(c *fiber.Ctx, name, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Expires:  expires,
		HTTPOnly: true,
		Secure:   s.baseURL().Scheme == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	s.setCookie(c, name, "", time.Unix(0, 0))
}

// requireLogin loads the session's user into the request, or sends the
// browser to the login page (pages) or answers 401 (anything else).
func (k *console) requireLogin(c *fiber.Ctx) error {
	raw := strings.Clone(c.Cookies(sessionCookie))
	sess, err := k.store.SessionByID(c.UserContext(), raw)
	if errors.Is(err, survey.ErrNotFound) {
		if c.Method() == fiber.MethodGet {
			return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
		}
		return fiber.ErrUnauthorized
	}
	if err != nil {
		return err
	}
	c.Locals(localUser, sess.User)
	c.Locals(localSession, raw)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// requireAdmin lets only admins through; it runs after requireLogin.
func requireAdmin(c *fiber.Ctx) error {
	if currentUser(c).Role != survey.RoleAdmin {
		return fiber.ErrForbidden
	}
	return c.Next()
}

const (
	localUser    = "persepsi.user"
	localSession = "persepsi.session"
)

// currentUser returns the signed-in user (set by requireLogin or
// requireToken).
func currentUser(c *fiber.Ctx) *survey.User {
	u, _ := c.Locals(localUser).(*survey.User)
	return u
}

// sessionID returns the raw session id of the request (set by requireLogin).
func sessionID(c *fiber.Ctx) string {
	s, _ := c.Locals(localSession).(string)
	return s
}

// consolePage is what every console page's layout needs.
type consolePage struct {
	Title string
	User  *survey.User
	CSRF  string
	// Nav marks the active section of the navigation.
	Nav string
	// Zone is the time zone a page's times print in when they belong to no
	// unit (tokens): the zone of the user's first unit, else WIB.
	Zone string
}

func (k *console) page(c *fiber.Ctx, title, nav string) consolePage {
	p := consolePage{Title: title, User: currentUser(c), CSRF: k.csrfToken(sessionID(c)), Nav: nav, Zone: "Asia/Jakarta"}
	if p.User != nil && len(p.User.Units) > 0 {
		if u, err := k.store.Unit(c.UserContext(), p.User.Units[0]); err == nil {
			p.Zone = u.TimeZone
		}
	}
	return p
}

// safeNext returns next when it is a path on this site, and the dashboard
// otherwise: an open redirect would help phishing. A path here starts with
// exactly one "/", holds only printable ASCII and no backslash (browsers
// drop tabs and newlines and read a backslash as "/", so "/\t/evil.example"
// and "/\\evil.example" lead off-site), and parses with neither scheme nor
// host. Pages put their own address here escaped, so nothing honest fails.
func safeNext(next string) string {
	const home = "/dashboard"
	if len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return home
	}
	for i := 0; i < len(next); i++ {
		if b := next[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || strings.HasPrefix(u.Path, "//") || strings.Contains(u.Path, "\\") {
		return home
	}
	return next
}
