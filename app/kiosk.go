package app

import (
	"crypto/hmac"
	"encoding/base64"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
)

// visit is how a respondent page was opened: on a phone from the counter's
// QR code, or on the kiosk tablet standing at the counter.
type visit struct {
	Code  string
	Kiosk bool
	// Trusted is true when a kiosk URL carries the counter's valid kiosk
	// key: the tablet is then exempt from the per-device limit, which it
	// would otherwise reach after a few respondents.
	Trusted bool
	key     string
	// IdleMS is the kiosk's idle reset in milliseconds, 0 when off (or
	// not a kiosk).
	IdleMS int64
}

// DefaultKioskIdle is how long a half-filled kiosk form waits untouched
// before it clears itself: long enough to read the longest item twice.
const DefaultKioskIdle = 2 * time.Minute

// kioskKey is the secret-keyed tag that proves a kiosk URL came from the
// admin, not from a respondent adding ?mode=kiosk to dodge the device limit.
func (s *Server) kioskKey(code string) string {
	return base64.RawURLEncoding.EncodeToString(hmacSum(s.cfg.Secret, "kiosk:"+code)[:16])
}

// KioskURL returns the absolute URL to open on the kiosk tablet of the
// counter with the given public code.
func (s *Server) KioskURL(code string) string {
	return s.URL(visit{Code: code, Kiosk: true, Trusted: true, key: s.kioskKey(code)}.path(""))
}

// visitOf reads the mode and kiosk key of a request to a counter's pages.
func (s *Server) visitOf(c *fiber.Ctx, code string) visit {
	v := visit{Code: code, Kiosk: c.Query("mode") == "kiosk"}
	if v.Kiosk && s.cfg.KioskIdle > 0 {
		v.IdleMS = s.cfg.KioskIdle.Milliseconds()
	}
	if key := c.Query("key"); v.Kiosk && key != "" && hmac.Equal([]byte(key), []byte(s.kioskKey(code))) {
		v.Trusted, v.key = true, key
	}
	return v
}

// path returns the path of one of the counter's pages ("" for the form,
// "/terima-kasih" for the thank-you page), keeping the kiosk mode and key.
func (v visit) path(suffix string) string {
	p := "/s/" + url.PathEscape(v.Code) + suffix
	if !v.Kiosk {
		return p
	}
	q := url.Values{"mode": {"kiosk"}}
	if v.Trusted {
		q.Set("key", v.key)
	}
	return p + "?" + q.Encode()
}

// noStore keeps a page out of every cache and out of the back-forward
// history's stored copies: the form carries a one-time key, and on a kiosk
// the next respondent must not see the previous one's answers.
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
}
