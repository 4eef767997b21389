package app

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"persepsi/survey"
)

// slowServer serves, over a real listener, one route that works until its
// request context ends and reports why it ended.
func slowServer(t *testing.T, timeout time.Duration) (*fiber.App, string, chan error) {
	t.Helper()
	srv, err := newServer(Config{BaseURL: "https://survei.example.go.id", Secret: []byte(strings.Repeat("k", 32)), RequestTimeout: timeout}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 4)
	a := fiber.New(fiber.Config{DisableStartupMessage: true, ReadTimeout: 30 * time.Second, IdleTimeout: time.Minute})
	a.Use(srv.requestContext)
	a.Get("/lama", func(c *fiber.Ctx) error {
		select {
		case <-c.UserContext().Done():
			ended <- c.UserContext().Err()
		case <-time.After(20 * time.Second):
			ended <- errors.New("the request context never ended")
		}
		return nil
	})
	a.Get("/cepat", func(c *fiber.Ctx) error { return c.SendString("ok") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.Listener(ln) }()
	t.Cleanup(func() { _ = a.ShutdownWithTimeout(5 * time.Second) })
	return a, "http://" + ln.Addr().String(), ended
}

func waitEnded(t *testing.T, ended chan error, want error, within time.Duration) {
	t.Helper()
	select {
	case err := <-ended:
		if !errors.Is(err, want) {
			t.Fatalf("request context ended with %v, want %v", err, want)
		}
	case <-time.After(within):
		t.Fatalf("request context still live after %v", within)
	}
}

// TestRequestContextEndsWhenClientLeaves: an abandoned request stops.
func TestRequestContextEndsWhenClientLeaves(t *testing.T) {
	_, base, ended := slowServer(t, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/lama", nil)
	go func() {
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the abandoned request answered")
	}
	waitEnded(t, ended, context.Canceled, 5*time.Second)
}

// TestRequestContextEndsOnShutdown: a shutdown ends in-flight requests'
// work instead of waiting for it.
func TestRequestContextEndsOnShutdown(t *testing.T) {
	a, base, ended := slowServer(t, time.Minute)
	go func() { _, _ = http.Get(base + "/lama") }()
	time.Sleep(200 * time.Millisecond)
	go func() { _ = a.ShutdownWithTimeout(10 * time.Second) }()
	waitEnded(t, ended, context.Canceled, 5*time.Second)
}

// TestRequestContextTimeout: a request's context has a deadline.
func TestRequestContextTimeout(t *testing.T) {
	_, base, ended := slowServer(t, 300*time.Millisecond)
	go func() { _, _ = http.Get(base + "/lama") }()
	waitEnded(t, ended, context.DeadlineExceeded, 5*time.Second)
}

// TestRequestContextKeepAlive: watching the socket takes nothing from it,
// so requests that follow on the same connection are served.
func TestRequestContextKeepAlive(t *testing.T) {
	_, base, _ := slowServer(t, time.Minute)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Three requests pipelined in one write, then two more one by one.
	one := "GET /cepat HTTP/1.1\r\nHost: x\r\n\r\n"
	if _, err := io.WriteString(conn, one+one+one); err != nil {
		t.Fatal(err)
	}
	got := ""
	buf := make([]byte, 4096)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for strings.Count(got, "HTTP/1.1 200") < 3 {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got += string(buf[:n])
	}
	for range 2 {
		time.Sleep(50 * time.Millisecond)
		if _, err := io.WriteString(conn, one); err != nil {
			t.Fatal(err)
		}
		n, err := conn.Read(buf)
		if err != nil || !strings.Contains(string(buf[:n]), "HTTP/1.1 200") {
			t.Fatalf("keep-alive request: %v %q", err, buf[:n])
		}
	}
}

// TestRequestContextInstalled: the application's handlers run under the
// request's context. With a timeout that has passed before the handler
// starts, a route that reads the store fails with the context's error,
// answered 503; under context.Background() it would have answered 200.
func TestRequestContextInstalled(t *testing.T) {
	e := newConsoleEnv(t)
	a, err := New(Config{BaseURL: e.cfg.BaseURL, Secret: e.cfg.Secret, Logger: e.cfg.Logger, RequestTimeout: time.Nanosecond}, e.store)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/units", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[survey.RoleAdmin])
	resp, err := a.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a store read after the request's deadline: %d, want 503", resp.StatusCode)
	}
	if resp := e.api(t, e.tokens[survey.RoleAdmin], "/api/v1/units"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the same read in time: %d", resp.StatusCode)
	}
}
