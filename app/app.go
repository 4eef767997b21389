// Package app is Persepsi's HTTP side: the Fiber application, its route
// table, one file per handler, the views and the one error handler.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"persepsi/survey"
	"persepsi/survey/evidence"
)

// Config is what the HTTP side needs from the outside. main fills it from
// flags and the environment; tests fill it directly.
type Config struct {
	// BaseURL is the public address printed into QR codes and links, e.g.
	// "https://survei.example.go.id". Never taken from a request's Host.
	BaseURL string
	// Secret keys the HMACs (rate-limit hashes, cookies). At least 32 bytes.
	Secret []byte
	// DeviceLimit is the most submissions per counter per hour from one
	// device cookie; 0 turns the limit off.
	DeviceLimit int
	// NetworkLimit is the most submissions per counter per hour from one
	// network (a keyed hash of the IP); 0 turns the limit off.
	NetworkLimit int
	// TrustedProxies lists the reverse proxies (IPs or CIDRs) whose
	// X-Forwarded-For names the client. Empty: the peer address is the
	// client, and the header is ignored so nobody can forge it.
	TrustedProxies []string
	// BodyLimit bounds request bodies in bytes (default 64 KiB).
	BodyLimit int
	// Logger receives request errors. Default: slog.Default().
	Logger *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// SigningKey signs evidence manifests; its public half is shown on
	// /verify. Default: a fresh key for this process only (tests).
	SigningKey *evidence.Key
	// UploadLimit bounds a /verify upload in bytes (default 16 MiB). Every
	// other request keeps BodyLimit.
	UploadLimit int
	// UploadConcurrency bounds how many uploads are spooled and checked at
	// once (default 2: a check is CPU-bound, and the server has 2 cores); the next one is answered 503 with Retry-After.
	UploadConcurrency int
	// KioskIdle is how long a half-filled form on a kiosk tablet waits
	// untouched before it clears itself for the next respondent (a small
	// inline script; without JavaScript the form simply stays). 0 means the
	// default, DefaultKioskIdle; negative turns it off.
	KioskIdle time.Duration
	// RequestTimeout ends a request's context (c.UserContext()) this long
	// after it began (default 10 minutes: a backstop long enough for the
	// evidence bundle of a million responses, about 95 s on the 2-core
	// server, docs/PERFORMANCE.md); the client leaving or the server
	// shutting down end it sooner.
	RequestTimeout time.Duration
}

// Server holds the dependencies every handler shares.
type Server struct {
	cfg   Config
	store survey.Store
	views *views
	log   *slog.Logger
	now   func() time.Time
	// base is the public address in force: Config.BaseURL until an admin
	// records another in Pengaturan.
	base atomic.Pointer[url.URL]
	// baseAt is when base was last read from the store (UnixNano).
	baseAt atomic.Int64
	// proxies are the trusted reverse proxies (Config.TrustedProxies).
	proxies []netip.Prefix
	// baseCtx parents every request's context; cancelBase ends it when the
	// server shuts down (request_context.go).
	baseCtx      context.Context
	cancelBase   context.CancelFunc
	shutdownOnce sync.Once
	// uploads are the POST paths whose bodies are spooled to disk
	// (body_limit.go), filled by the route table.
	uploads map[string]*uploadRoute
}

// New builds the Fiber application. Templates are parsed here, so a broken
// view fails the start, not a request.
func New(cfg Config, store survey.Store) (*fiber.App, error) {
	srv, err := newServer(cfg, store)
	if err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		AppName:      "Persepsi",
		ErrorHandler: srv.handleError,
		// Bodies stream: fasthttp reads at most 8 KiB of one before the
		// handlers run, and limitBody reads the rest up to the route's own
		// limit (body_limit.go). No multipart pre-parsing: it would read a
		// whole upload, in memory, before any limit applied.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    srv.cfg.BodyLimit,
		DisableStartupMessage:        true,
		ReadTimeout:                  30 * time.Second,
		WriteTimeout:                 30 * time.Second,
		IdleTimeout:                  120 * time.Second,
		// Only trusted proxies' X-Forwarded-Proto/Host are believed. No
		// ProxyHeader: c.IP() stays the peer, and the limits take the client
		// address from clientAddr, which reads X-Forwarded-For from the
		// right (Fiber's would take the client-written leftmost entry).
		EnableTrustedProxyCheck: len(srv.cfg.TrustedProxies) > 0,
		TrustedProxies:          srv.cfg.TrustedProxies,
	})
	// Errors fasthttp raises while parsing carry no request contents
	// (headers hold session cookies), should one ever reach a log.
	app.Server().SecureErrorLogMessage = true
	app.Use(recover.New())
	app.Use(srv.requestContext)
	app.Use(requestid.New())
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	app.Use(srv.securityHeaders)
	app.Use(refuseEncodedBodies)
	app.Use(srv.limitBody)
	srv.routes(app)
	return app, nil
}

// parseProxies reads the trusted proxies, each an IP or a CIDR.
func parseProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, p := range list {
		if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		pf, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("app: trusted proxy %q is neither an IP nor a CIDR", p)
		}
		out = append(out, pf.Masked())
	}
	return out, nil
}

func newServer(cfg Config, store survey.Store) (*Server, error) {
	if len(cfg.Secret) < 32 {
		return nil, errors.New("app: secret must be at least 32 bytes")
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("app: base URL %q must be an absolute http(s) URL", cfg.BaseURL)
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 64 << 10
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SigningKey == nil {
		cfg.SigningKey = evidence.NewKey()
	}
	if cfg.UploadLimit <= 0 {
		cfg.UploadLimit = VerifyUploadLimit
	}
	if cfg.UploadConcurrency <= 0 {
		cfg.UploadConcurrency = 2
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 10 * time.Minute
	}
	proxies, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	v, err := parseViews()
	if err != nil {
		return nil, err
	}
	srv := &Server{cfg: cfg, store: store, views: v, log: cfg.Logger, now: cfg.Now, proxies: proxies, uploads: map[string]*uploadRoute{}}
	srv.baseCtx, srv.cancelBase = context.WithCancel(context.Background())
	srv.base.Store(base)
	return srv, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	b, err := survey.CheckBaseURL(raw)
	if err != nil {
		return nil, err
	}
	return url.Parse(b)
}

// setBaseURL puts a newly recorded public address in force; "" returns to
// Config.BaseURL.
func (s *Server) setBaseURL(raw string) error {
	u, err := parseBaseURL(cmp.Or(raw, s.cfg.BaseURL))
	if err != nil {
		return err
	}
	s.base.Store(u)
	return nil
}

// baseRefresh bounds how long an address recorded on another node (its
// Pengaturan, or a CLI command) takes to be in force on this one.
const baseRefresh = time.Second

// baseURL is the public address in force. At most once per baseRefresh it
// is read again from the store's settings, which every node's store keeps
// current (a PostgreSQL store hears the others' writes), so an admin's
// change on any node reaches every node; one request pays the read, the
// others use the address in force meanwhile, as they do when it fails.
func (s *Server) baseURL() *url.URL {
	if last := s.baseAt.Load(); time.Since(time.Unix(0, last)) > baseRefresh && s.baseAt.CompareAndSwap(last, time.Now().UnixNano()) {
		ctx, cancel := context.WithTimeout(s.baseCtx, 2*time.Second)
		if st, err := s.store.Settings(ctx); err == nil {
			_ = s.setBaseURL(st.BaseURL)
		}
		cancel()
	}
	return s.base.Load()
}

// URL returns an absolute URL under the public address in force.
func (s *Server) URL(path string) string { return s.baseURL().String() + path }

// securityHeaders forbids framing and sniffing and keeps every page to its own
// origin: the respondent pages make no third-party request. With an https
// base URL, HSTS tells browsers never to try plain http again, so nobody on
// a shared Wi-Fi can strip TLS from a later visit.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	if s.baseURL().Scheme == "https" {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	return c.Next()
}

// errEncodedBody refuses a compressed request body.
var errEncodedBody = fiber.NewError(fiber.StatusUnsupportedMediaType, "Kirim isian tanpa kompresi (Content-Encoding).")

// refuseEncodedBodies turns away compressed request bodies. Browsers never
// compress what they post, and Fiber would inflate such a body past the body
// limit before any handler could refuse it.
func refuseEncodedBodies(c *fiber.Ctx) error {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return errEncodedBody
	}
	return c.Next()
}

// handleError is the one place errors become HTTP answers. Clients never see
// err.Error() of an internal failure; it is logged with the request id.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if status, v, ok := respondentNotice(err); ok {
		c.Status(status)
		if wantsJSON(c) {
			return c.JSON(fiber.Map{"error": v.message()})
		}
		noStore(c)
		return s.render(c, "notice", v)
	}
	status := fiber.StatusInternalServerError
	heading, msg := "Terjadi kesalahan", "Maaf, terjadi kesalahan di server. Silakan coba lagi beberapa saat lagi."
	var fe *fiber.Error
	var ve *survey.ValidationError
	var limited *rateLimitedError
	switch {
	case errors.Is(err, survey.ErrNotFound):
		status, heading, msg = fiber.StatusNotFound, "Halaman tidak ditemukan", "Alamat ini tidak dikenal atau sudah tidak aktif. Periksa kembali kode QR atau tautan Anda."
	case errors.As(err, &ve):
		status, heading, msg = fiber.StatusUnprocessableEntity, "Isian belum benar", "Periksa kembali isian Anda."
	case errors.Is(err, evidence.ErrLoopbackBaseURL):
		status, heading, msg = fiber.StatusConflict, "Alamat publik belum diatur", "Alamat publik server ini masih alamat lokal (mis. 127.0.0.1), sehingga tautan verifikasi dan kode QR di bukti dukung tidak dapat dibuka evaluator. Admin dapat mengatur alamat publik di Pengaturan, lalu unduh kembali."
	case s.store.IsUnavailable(err):
		status, heading, msg = fiber.StatusServiceUnavailable, "Layanan sedang tidak tersedia", "Server sedang dimulai ulang atau dalam pemeliharaan. Silakan coba lagi beberapa saat lagi; jawaban yang belum terkirim tidak tersimpan."
		c.Set(fiber.HeaderRetryAfter, "30")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The request's context ended (request_context.go): its time ran
		// out, the server is shutting down, or the client left.
		status, heading, msg = fiber.StatusServiceUnavailable, "Permintaan dihentikan", "Permintaan ini dihentikan karena terlalu lama atau server sedang dimulai ulang. Silakan coba lagi."
		c.Set(fiber.HeaderRetryAfter, "30")
	case errors.As(err, &fe):
		status = fe.Code
		heading, msg = statusText(fe.Code, fe.Message)
	case errors.As(err, &limited):
		status = fiber.StatusTooManyRequests
		heading, msg = statusText(status, "")
		msg += " Coba lagi dalam " + waitText(limited.Retry) + "."
	}
	rid, _ := c.Locals("requestid").(string)
	// A *fiber.Error of 5xx is an answer chosen on purpose (an upload
	// refused while the server is busy): under a flood, logging each one
	// would only fill the disk.
	if status >= 500 && fe == nil {
		s.log.Error("request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "err", err)
	}
	if wantsJSON(c) {
		body := fiber.Map{"error": msg}
		if ve != nil {
			body["fields"] = ve.Fields
		}
		if status >= 500 {
			body["request_id"] = rid
		}
		if limited != nil {
			body["retry_after"] = int(limited.Retry.Seconds())
		}
		return c.Status(status).JSON(body)
	}
	c.Status(status)
	return s.render(c, "error", errorPage{Title: heading, Heading: heading, Message: msg, RequestID: ridIf(status, rid)})
}

type errorPage struct {
	Title, Heading, Message, RequestID string
}

func ridIf(status int, rid string) string {
	if status >= 500 {
		return rid
	}
	return ""
}

// statusText gives the Bahasa Indonesia heading and message for an HTTP
// status raised with fiber.NewError. The message given there is shown when it
// was written for people (it is always ours, never an error string).
func statusText(code int, given string) (string, string) {
	switch code {
	case fiber.StatusNotFound:
		return "Halaman tidak ditemukan", "Alamat ini tidak dikenal atau sudah tidak aktif."
	case fiber.StatusRequestEntityTooLarge:
		return "Isian terlalu besar", "Data yang dikirim melebihi batas. Persingkat isian Anda lalu kirim kembali."
	case fiber.StatusTooManyRequests:
		return "Terlalu banyak permintaan", "Terlalu banyak permintaan dari perangkat atau jaringan ini dalam satu jam terakhir."
	case fiber.StatusMethodNotAllowed:
		return "Metode tidak diizinkan", "Permintaan ini tidak didukung."
	case fiber.StatusUnauthorized:
		return "Perlu masuk", "Silakan masuk terlebih dahulu."
	case fiber.StatusForbidden:
		return "Akses ditolak", "Anda tidak memiliki akses ke halaman ini."
	case fiber.StatusBadRequest, fiber.StatusUnprocessableEntity, fiber.StatusUnsupportedMediaType:
		if given != "" && given != utilsStatus(code) {
			return "Permintaan tidak sah", given
		}
		return "Permintaan tidak sah", "Permintaan tidak dapat diproses. Periksa kembali isian Anda."
	}
	if code >= 500 {
		return "Terjadi kesalahan", "Maaf, terjadi kesalahan di server. Silakan coba lagi beberapa saat lagi."
	}
	return "Permintaan tidak dapat diproses", "Permintaan tidak dapat diproses."
}

func utilsStatus(code int) string { return fiber.NewError(code).Message }

// wantsJSON reports whether the client speaks JSON: the API, or a request
// whose body or Accept header is JSON.
func wantsJSON(c *fiber.Ctx) bool {
	if strings.HasPrefix(c.Path(), "/api/") || strings.HasPrefix(c.Path(), "/transparency/") {
		return true
	}
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationJSON) {
		return true
	}
	accept := strings.ToLower(c.Get(fiber.HeaderAccept))
	return strings.Contains(accept, fiber.MIMEApplicationJSON) && !strings.Contains(accept, "text/html")
}
