package app

import (
	"crypto/hmac"
	"encoding/base64"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// csrfField is the hidden form field (or X-CSRF-Token header) carrying the
// token on every state-changing console request.
const csrfField = "csrf"

// csrfToken is a keyed hash of the session id: tied to the session, it
// changes at every login and cannot be computed by another site, which never
// sees the session cookie. Nothing needs storing.
func (s *Server) csrfToken(sessionID string) string {
	return base64.RawURLEncoding.EncodeToString(hmacSum(s.cfg.Secret, "csrf:"+sessionID)[:24])
}

// checkCSRF rejects a state-changing request whose token does not match the
// session's (403). It runs after requireLogin.
func (k *console) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	got := c.FormValue(csrfField)
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	want := k.csrfToken(sessionID(c))
	if !hmac.Equal([]byte(strings.TrimSpace(got)), []byte(want)) {
		return fiber.NewError(fiber.StatusForbidden, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
	}
	return c.Next()
}
