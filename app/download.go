package app

import (
	"io"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
)

// sendDownload streams a large response body (the evidence bundle, hundreds
// of MB for a busy unit) so that the server's WriteTimeout bounds each stall
// rather than the whole transfer. fasthttp sets the connection's write
// deadline once, before it writes a response: at 30 s, a 300 MB bundle over
// 2 Mbit/s (about 20 minutes) would be cut. Here every chunk read from r
// first moves the deadline WriteTimeout ahead, so a client that keeps
// reading gets the whole file, while one that stops reading for
// WriteTimeout is dropped as on every other route (the slow-reader
// protection holds; the download routes also need a session or a token).
func sendDownload(c *fiber.Ctx, r io.Reader, size int) error {
	idle := c.App().Config().WriteTimeout
	if conn := c.Context().Conn(); idle > 0 && conn != nil {
		r = &progressDeadline{r: r, conn: conn, idle: idle}
	}
	return c.SendStream(r, size)
}

// progressDeadline moves conn's write deadline idle ahead before each read
// of the body, that is before each chunk fasthttp then writes.
type progressDeadline struct {
	r    io.Reader
	conn net.Conn
	idle time.Duration
}

func (p *progressDeadline) Read(b []byte) (int, error) {
	if err := p.conn.SetWriteDeadline(time.Now().Add(p.idle)); err != nil {
		return 0, err
	}
	return p.r.Read(b)
}

// Close closes the body (fasthttp closes a stream that is an io.Closer once
// it is written: the bundle's temporary file).
func (p *progressDeadline) Close() error {
	if cl, ok := p.r.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}
