package app

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestSendDownloadDeadlinePerChunk: with a 1 s WriteTimeout, a 32 MiB
// download read by a client that pauses 100 ms per MiB (about 3 s in all,
// far beyond the socket buffers) arrives whole, because the deadline moves
// with each chunk; the same download through a plain SendStream is cut at
// 1 s, and a client that stops reading for longer than the timeout is still
// dropped.
func TestSendDownloadDeadlinePerChunk(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("persepsi"), 4<<20) // 32 MiB
	app := fiber.New(fiber.Config{WriteTimeout: time.Second, DisableStartupMessage: true})
	app.Get("/unduh", func(c *fiber.Ctx) error { return sendDownload(c, bytes.NewReader(body), len(body)) })
	app.Get("/polos", func(c *fiber.Ctx) error { return c.SendStream(bytes.NewReader(body), len(body)) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })

	for _, s := range []struct {
		path         string
		first, pause time.Duration
		whole        bool
	}{
		{"/unduh", 0, 100 * time.Millisecond, true},
		{"/polos", 0, 100 * time.Millisecond, false},
		{"/unduh", 2500 * time.Millisecond, 0, false},
	} {
		got := slowDownload(t, ln.Addr().String(), s.path, s.first, s.pause)
		if whole := got == int64(len(body)); whole != s.whole {
			t.Errorf("%s (first pause %v, %v per MiB): %d of %d bytes, want whole=%v", s.path, s.first, s.pause, got, len(body), s.whole)
		}
	}
}

// slowDownload GETs path and reads its body a MiB at a time, pausing first
// after the first MiB and pause after each one; it returns the bytes read
// before the body ended or the connection was cut.
func slowDownload(t *testing.T, addr, path string, first, pause time.Duration) int64 {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for i := 0; ; i++ {
		m, err := io.CopyN(io.Discard, resp.Body, 1<<20)
		n += m
		if err != nil {
			return n
		}
		if i == 0 {
			time.Sleep(first)
		}
		time.Sleep(pause)
	}
}
