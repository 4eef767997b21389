package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// rateWindow is the period every submission limit counts over.
const rateWindow = time.Hour

// maxRateKeys bounds each limiter's memory: about 100 bytes a key, so a few
// MB at most however many devices or networks show up.
const maxRateKeys = 50_000

// limiter allows at most limit events per key in any one-hour window,
// estimated as a sliding window from two fixed ones: the current window's
// count plus the previous window's count weighted by how much of it still
// overlaps. Counts live in memory only and vanish on restart.
type limiter struct {
	limit int
	max   int
	mu    sync.Mutex
	keys  map[string]*rateBucket
}

type rateBucket struct {
	window    int64 // index of the current fixed window
	cur, prev int
}

func newLimiter(limit, maxKeys int) *limiter {
	return &limiter{limit: limit, max: maxKeys, keys: map[string]*rateBucket{}}
}

// take counts one event for key and reports whether it is within the limit;
// an event over the limit is not counted.
func (l *limiter) take(key string, now time.Time) bool {
	idx, frac := windowOf(now)
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.keys[key]
	if !ok {
		l.makeRoom(idx)
		b = &rateBucket{window: idx}
		l.keys[key] = b
	}
	b.roll(idx)
	if float64(b.prev)*(1-frac)+float64(b.cur)+1 > float64(l.limit) {
		return false
	}
	b.cur++
	return true
}

// refund gives back an event taken in the current window, for a submission
// that was not stored after all.
func (l *limiter) refund(key string, now time.Time) {
	idx, _ := windowOf(now)
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.keys[key]; ok && b.window == idx && b.cur > 0 {
		b.cur--
	}
}

// makeRoom keeps the map under its bound: first by dropping keys whose
// counts have expired, then, when every key is live (a flood of fresh
// devices), by dropping arbitrary ones. Dropping forgets counts, which errs
// towards letting honest respondents through; the network limit still holds.
func (l *limiter) makeRoom(idx int64) {
	if len(l.keys) < l.max {
		return
	}
	for k, b := range l.keys {
		if b.window < idx-1 {
			delete(l.keys, k)
		}
	}
	for k := range l.keys {
		if len(l.keys) <= l.max*3/4 {
			break
		}
		delete(l.keys, k)
	}
}

// roll moves the bucket forward to window idx.
func (b *rateBucket) roll(idx int64) {
	switch {
	case b.window == idx:
	case b.window == idx-1:
		b.prev, b.cur = b.cur, 0
	default:
		b.prev, b.cur = 0, 0
	}
	b.window = idx
}

// windowOf returns the fixed window holding t and how far into it t is.
func windowOf(t time.Time) (int64, float64) {
	ns := t.UnixNano()
	w := int64(rateWindow)
	return ns / w, float64(ns%w) / float64(w)
}

// deviceCookie names the random cookie that tells one device from another
// for the per-device limit. It holds nothing but randomness, lives a day,
// and is never stored server-side except as a key of the in-memory counts.
const deviceCookie = "perangkat"

var deviceFormat = regexp.MustCompile(`^[0-9a-f]{32}$`)

// rateLimits applies the per-device and per-network submission limits of
// one server. A nil limiter means that limit is off.
type rateLimits struct {
	device, network *limiter
	secret          []byte

	dayMu  sync.Mutex
	day    string
	dayKey []byte
}

func newRateLimits(cfg Config) *rateLimits {
	rl := &rateLimits{secret: cfg.Secret}
	if cfg.DeviceLimit > 0 {
		rl.device = newLimiter(cfg.DeviceLimit, maxRateKeys)
	}
	if cfg.NetworkLimit > 0 {
		rl.network = newLimiter(cfg.NetworkLimit, maxRateKeys)
	}
	return rl
}

// admit counts one submission to counterID from the request's device and
// network. Over a limit it answers 429 (with Retry-After) and counts
// nothing; otherwise it returns a refund func to call when the submission is
// not stored (a duplicate or a failure), so only stored responses count.
// exemptDevice skips the device limit, for a kiosk tablet with a valid key.
func (rl *rateLimits) admit(c *fiber.Ctx, counterID int64, exemptDevice bool, now time.Time) (refund func(), err error) {
	prefix := strconv.FormatInt(counterID, 10) + ":"
	var taken []func()
	refund = func() {
		for _, f := range taken {
			f()
		}
	}
	try := func(l *limiter, key string) bool {
		if l == nil || key == "" {
			return true
		}
		if !l.take(prefix+key, now) {
			return false
		}
		taken = append(taken, func() { l.refund(prefix+key, now) })
		return true
	}
	device := ""
	if !exemptDevice {
		device = deviceID(c)
	}
	if !try(rl.device, device) || !try(rl.network, rl.networkKey(c.IP(), now)) {
		refund()
		idx, _ := windowOf(now)
		retry := time.Unix(0, (idx+1)*int64(rateWindow)).Sub(now)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(retry.Seconds())+1))
		return nil, fiber.NewError(fiber.StatusTooManyRequests)
	}
	return refund, nil
}

// networkKey is a keyed hash of the client's IP address under a key derived
// from the secret and the UTC date: it rotates daily, so yesterday's counts
// cannot be linked to today's, and neither the key nor the IP is ever kept.
func (rl *rateLimits) networkKey(ip string, now time.Time) string {
	if rl.network == nil {
		return ""
	}
	day := now.UTC().Format(time.DateOnly)
	rl.dayMu.Lock()
	if rl.day != day {
		rl.day, rl.dayKey = day, hmacSum(rl.secret, "network:"+day)
	}
	key := rl.dayKey
	rl.dayMu.Unlock()
	return hex.EncodeToString(hmacSum(key, ip)[:16])
}

// deviceID returns the request's device cookie when it has a valid one, and
// "" otherwise: no cookie (an API client, cookies off) means no device limit.
func deviceID(c *fiber.Ctx) string {
	v := c.Cookies(deviceCookie)
	if !deviceFormat.MatchString(v) {
		return ""
	}
	return strings.Clone(v)
}

// ensureDeviceCookie gives the browser a device cookie if it has none.
func (s *Server) ensureDeviceCookie(c *fiber.Ctx) {
	if deviceID(c) != "" {
		return
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("app: no randomness: " + err.Error())
	}
	c.Cookie(&fiber.Cookie{
		Name:     deviceCookie,
		Value:    hex.EncodeToString(b[:]),
		Path:     "/s/",
		MaxAge:   int((24 * time.Hour).Seconds()),
		HTTPOnly: true,
		Secure:   s.base.Scheme == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// hmacSum returns HMAC-SHA256(key, msg).
func hmacSum(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
