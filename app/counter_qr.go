package app

import (
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"
)

// QR image sizes in pixels: small enough to bound the work one request can
// cause, large enough for a printed A4 poster.
const (
	qrMinSize     = 128
	qrMaxSize     = 2048
	qrDefaultSize = 512
	// qrCacheMax bounds the cache; when full it starts over.
	qrCacheMax = 256
)

// qrCache keeps rendered QR codes, keyed by content and size: a code's
// image never changes, and a 2048-pixel PNG takes milliseconds to draw.
type qrCache struct {
	mu  sync.Mutex
	png map[string][]byte
}

func newQRCache() *qrCache { return &qrCache{png: map[string][]byte{}} }

func (q *qrCache) get(content string, size int) ([]byte, error) {
	key := strconv.Itoa(size) + " " + content
	q.mu.Lock()
	b, ok := q.png[key]
	q.mu.Unlock()
	if ok {
		return b, nil
	}
	// Medium recovery survives a scuffed or partly covered poster while
	// keeping the modules large enough for a cheap phone camera.
	b, err := qrcode.Encode(content, qrcode.Medium, size)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	if len(q.png) >= qrCacheMax {
		q.png = map[string][]byte{}
	}
	q.png[key] = b
	q.mu.Unlock()
	return b, nil
}

// qrPNG answers GET /s/:code/qr.png?size=N: the QR code of the counter's
// public survey URL, built from the configured base URL and never from the
// request's Host header.
func (r *respondent) qrPNG(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("code"))
	if _, err := r.store.SurveyByCode(c.UserContext(), code); err != nil {
		return err
	}
	size := qrDefaultSize
	if raw := c.Query("size"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < qrMinSize || n > qrMaxSize {
			return fiber.NewError(fiber.StatusBadRequest, "Ukuran kode QR harus bilangan bulat dari 128 sampai 2048 piksel.")
		}
		size = n
	}
	png, err := r.qr.get(r.surveyURL(code), size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Type("png")
	return c.Send(png)
}

// surveyURL is the public address of a counter's questionnaire.
func (s *Server) surveyURL(code string) string {
	return s.URL(visit{Code: code}.path(""))
}
