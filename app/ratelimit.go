package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
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

// wait returns how long until key may take one more event: 0 when it may
// now. The sliding estimate prev×(1−f) + cur falls as f (how far into the
// window) grows, and after the window rolls the current count becomes the
// previous one; wait solves for the first instant the estimate plus one
// fits the limit.
func (l *limiter) wait(key string, now time.Time) time.Duration {
	idx, frac := windowOf(now)
	l.mu.Lock()
	b, ok := l.keys[key]
	var cur, prev float64
	if ok {
		bb := *b
		bb.roll(idx)
		cur, prev = float64(bb.cur), float64(bb.prev)
	}
	l.mu.Unlock()
	room := float64(l.limit) - 1
	// f at which prev×(1−f) + c fits: 1 − (room − c)/prev.
	fits := func(prev, c float64) (float64, bool) {
		if c > room {
			return 0, false
		}
		if prev == 0 {
			return 0, true
		}
		return max(0, 1-(room-c)/prev), true
	}
	if f, ok := fits(prev, cur); ok {
		return time.Duration(max(0, f-frac) * float64(rateWindow))
	}
	f, _ := fits(cur, 0)
	return time.Duration((1 - frac + f) * float64(rateWindow))
}

// rateLimitedError is a request over a limit: Retry says how long until
// the same device and network may send again.
type rateLimitedError struct{ Retry time.Duration }

func (e *rateLimitedError) Error() string { return "app: rate limit reached" }

// tooMany sets Retry-After (whole seconds, at least one) and returns the
// error the error handler answers 429 with.
func tooMany(c *fiber.Ctx, retry time.Duration) error {
	retry = max(retry, time.Second).Round(time.Second)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(retry.Seconds())))
	return &rateLimitedError{Retry: retry}
}

// networkLimit allows perHour requests an hour per client network, keyed
// by a daily-rotating keyed hash of the address (no address is kept): the
// public check (/verify) and the transparency feed use it, each with its
// own purpose and counts.
type networkLimit struct {
	limit      *limiter
	networks   *networkHasher
	clientAddr func(*fiber.Ctx) string
	now        func() time.Time
}

func (s *Server) newNetworkLimit(purpose string, perHour int) *networkLimit {
	return &networkLimit{limit: newLimiter(perHour, maxRateKeys), networks: newNetworkHasher(s.cfg.Secret, purpose), clientAddr: s.clientAddr, now: s.now}
}

// admit counts one request from c's network; over the limit it returns
// tooMany's error and counts nothing.
func (n *networkLimit) admit(c *fiber.Ctx) error {
	now := n.now()
	key := n.networks.key(n.clientAddr(c), now)
	if n.limit.take(key, now) {
		return nil
	}
	return tooMany(c, n.limit.wait(key, now))
}

// handler is admit as a middleware.
func (n *networkLimit) handler(c *fiber.Ctx) error {
	if err := n.admit(c); err != nil {
		return err
	}
	return c.Next()
}

// message tells the respondent, in the unit's zone, when to send again.
func (e *rateLimitedError) message(now time.Time, zone string) string {
	return "Terlalu banyak jawaban dikirim dari perangkat atau jaringan ini untuk loket ini dalam satu jam terakhir, jadi jawaban Anda belum terkirim. " +
		"Semua jawaban Anda masih ada di formulir ini. Silakan tekan „Kirim jawaban” lagi setelah pukul " + survey.FormatClock(now.Add(e.Retry), zone) +
		" (sekitar " + waitText(e.Retry) + " lagi)."
}

// untilNextWindow is how long until the fixed window holding now ends.
func untilNextWindow(now time.Time) time.Duration {
	idx, _ := windowOf(now)
	return time.Unix(0, (idx+1)*int64(rateWindow)).Sub(now)
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
	networks        *networkHasher
	clientAddr      func(*fiber.Ctx) string
}

func (s *Server) newRateLimits() *rateLimits {
	cfg := s.cfg
	rl := &rateLimits{networks: newNetworkHasher(cfg.Secret, "network:"), clientAddr: s.clientAddr}
	if cfg.DeviceLimit > 0 {
		rl.device = newLimiter(cfg.DeviceLimit, maxRateKeys)
	}
	if cfg.NetworkLimit > 0 {
		rl.network = newLimiter(cfg.NetworkLimit, maxRateKeys)
	}
	return rl
}

// admit counts one submission to counterID from the request's device and
// network. Over a limit it sets Retry-After, returns a *rateLimitedError
// saying when to try again (the error handler answers 429) and counts
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
	network := ""
	if rl.network != nil {
		network = rl.networks.key(rl.clientAddr(c), now)
	}
	if !try(rl.device, device) || !try(rl.network, network) {
		refund()
		var retry time.Duration
		for _, l := range []struct {
			l   *limiter
			key string
		}{{rl.device, device}, {rl.network, network}} {
			if l.l != nil && l.key != "" {
				retry = max(retry, l.l.wait(prefix+l.key, now))
			}
		}
		return nil, tooMany(c, retry)
	}
	return refund, nil
}

// networkHasher turns a client address into a keyed hash under a key
// derived from the secret, a purpose and the UTC date: it rotates daily, so
// yesterday's counts cannot be linked to today's, and neither the key nor
// the address is ever kept.
type networkHasher struct {
	secret  []byte
	purpose string

	mu     sync.Mutex
	day    string
	dayKey []byte
}

func newNetworkHasher(secret []byte, purpose string) *networkHasher {
	return &networkHasher{secret: secret, purpose: purpose}
}

func (h *networkHasher) key(addr string, now time.Time) string {
	day := now.UTC().Format(time.DateOnly)
	h.mu.Lock()
	if h.day != day {
		h.day, h.dayKey = day, hmacSum(h.secret, h.purpose+day)
	}
	key := h.dayKey
	h.mu.Unlock()
	return hex.EncodeToString(hmacSum(key, addr)[:16])
}

// clientAddr is the address a request came from, for the limits: the peer,
// or, when the peer is a trusted proxy, the nearest X-Forwarded-For entry
// that is not a trusted proxy, read from the right. That is the address the
// outermost trusted proxy saw; entries left of it were written by the
// client and so prove nothing (Fiber's c.IP() takes the leftmost one).
func (s *Server) clientAddr(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	addr := peer.Unmap()
	var hops []string
	for _, h := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(h), ",")...)
	}
	for i := len(hops) - 1; i >= 0 && s.trusted(addr); i-- {
		next, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = next.Unmap()
	}
	return addr.String()
}

// trusted reports whether addr is one of the configured reverse proxies.
func (s *Server) trusted(addr netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
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
		Secure:   s.baseURL().Scheme == "https",
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// hmacSum returns HMAC-SHA256(key, msg).
func hmacSum(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
