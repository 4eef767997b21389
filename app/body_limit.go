package app

import (
	"bytes"
	"io"
	"os"

	"github.com/gofiber/fiber/v2"
)

// Request bodies are streamed (fiber.Config.StreamRequestBody): fasthttp
// reads at most the first 8 KiB before the handlers run, and nothing reads
// the rest until limitBody says how much a route may send. Before, every
// route buffered bodies up to the largest limit (16 MiB) before refusing
// them; 50 concurrent large bodies took the server from 54 MB to 840 MB.

// uploadRoute is a POST path whose body is spooled to a temporary file
// instead of memory, up to its own limit.
type uploadRoute struct {
	limit int
	slots chan struct{} // bounds how many uploads are spooled at once
}

// upload registers a POST route that takes a body of up to limit bytes,
// spooled to disk while it arrives. At most concurrent such uploads run at
// once; the next is refused with 503 and Retry-After, without reading its
// body. The handler reads the body as usual (c.FormFile, c.Body of a small
// one) or as a stream: c.Context().RequestBodyStream() is the spooled file.
func (s *Server) upload(app *fiber.App, path string, limit, concurrent int, h ...fiber.Handler) {
	s.uploads[path] = &uploadRoute{limit: limit, slots: make(chan struct{}, concurrent)}
	app.Post(path, h...)
}

// maxBody lowers the body limit of one route below Config.BodyLimit (the
// body is in memory by then, at most BodyLimit bytes).
func maxBody(n int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Request().Body()) > n {
			return errBodyTooLarge(c)
		}
		return c.Next()
	}
}

// limitBody enforces a request's body limit while the body is read: a
// Content-Length over the limit is refused before a byte of the body is
// read, and a chunked body is read only up to the limit. Bodies of upload
// routes go to a temporary file, all others into memory (Config.BodyLimit).
func (s *Server) limitBody(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodPost {
		if u, ok := s.uploads[c.Path()]; ok {
			return s.spoolBody(c, u)
		}
	}
	req := c.Request()
	cl := req.Header.ContentLength()
	if cl > s.cfg.BodyLimit {
		return errBodyTooLarge(c)
	}
	if cl == 0 || !req.IsBodyStream() {
		return c.Next()
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(c.Context().RequestBodyStream(), int64(s.cfg.BodyLimit)+1))
	if err != nil {
		return fiber.ErrBadRequest
	}
	if n > int64(s.cfg.BodyLimit) {
		return errBodyTooLarge(c)
	}
	req.SetBodyRaw(buf.Bytes())
	return c.Next()
}

// spoolBody copies an upload's body to an unlinked temporary file (gone from
// the disk when closed, whatever happens) and hands it to the handler as
// the request's body stream.
func (s *Server) spoolBody(c *fiber.Ctx, u *uploadRoute) error {
	req := c.Request()
	if req.Header.ContentLength() > u.limit {
		return errBodyTooLarge(c)
	}
	select {
	case u.slots <- struct{}{}:
		defer func() { <-u.slots }()
	default:
		c.Context().SetConnectionClose()
		c.Set(fiber.HeaderRetryAfter, "10")
		return fiber.NewError(fiber.StatusServiceUnavailable, "Server sedang memeriksa berkas lain. Coba lagi sebentar lagi.")
	}
	f, err := os.CreateTemp("", "persepsi-upload-*")
	if err != nil {
		return err
	}
	defer f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return err
	}
	// A request without a body (no Content-Length) has no stream at all;
	// its body, empty or set in memory, is copied instead.
	var body io.Reader = bytes.NewReader(req.Body())
	if st := c.Context().RequestBodyStream(); st != nil {
		body = st
	}
	n, err := io.Copy(f, io.LimitReader(body, int64(u.limit)+1))
	switch {
	case err != nil:
		return fiber.ErrBadRequest
	case n > int64(u.limit):
		return errBodyTooLarge(c)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	// SetBodyStream drops fasthttp's own stream (fully read by now); the
	// file is closed by fasthttp when the request is released and by the
	// deferred Close, whichever comes first.
	req.SetBodyStream(struct{ io.Reader }{f}, int(n))
	return c.Next()
}

// errBodyTooLarge answers 413 and closes the connection: the rest of the
// body is never read, so the connection cannot carry another request.
func errBodyTooLarge(c *fiber.Ctx) error {
	c.Context().SetConnectionClose()
	return fiber.ErrRequestEntityTooLarge
}
