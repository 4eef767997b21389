package app

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// listen serves e's app on a real loopback listener.
func (e *testEnv) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	t.Cleanup(func() { _ = e.app.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// rawPost opens a connection, sends a POST's headers and the first bytes of
// its body, and returns the connection with a reader for the answer.
func rawPost(t *testing.T, addr, path, headers, firstBytes string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\n%s\r\n%s", path, headers, firstBytes)
	return conn, bufio.NewReader(conn)
}

func statusWithin(t *testing.T, conn net.Conn, r *bufio.Reader, d time.Duration) int {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("no answer within %v: %v", d, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestBodyLimitBeforeReading: a form whose Content-Length is over the limit
// is refused once fasthttp's first 8 KiB have arrived, before the rest is
// sent (before, the server waited for and buffered up to 16 MiB on every
// route).
func TestBodyLimitBeforeReading(t *testing.T) {
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	addr := e.listen(t)
	conn, r := rawPost(t, addr, "/s/"+sd.counter.Code, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1048576\r\n", "saran="+strings.Repeat("a", 9000))
	if code := statusWithin(t, conn, r, 3*time.Second); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MiB announced: %d, want 413", code)
	}
}

// TestBodyLimitBoundsMemory: concurrent chunked bodies (no Content-Length)
// are read only up to the route's limit, so the heap does not grow with
// them.
func TestBodyLimitBoundsMemory(t *testing.T) {
	e := newTestEnv(t)
	sd := e.seedUnit(t)
	addr := e.listen(t)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
			}
		}
	}()
	const bodies, size = 16, 8 << 20
	var wg sync.WaitGroup
	codes := make(chan int, bodies)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := []string{"/s/" + sd.counter.Code, "/login", "/admin/users"}[i%3]
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+path, io.MultiReader(strings.NewReader("saran="), io.LimitReader(repeatA{}, size)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			if resp, err := client.Do(req); err == nil {
				codes <- resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(codes)
	for c := range codes {
		if c != http.StatusRequestEntityTooLarge {
			t.Errorf("a chunked 8 MiB body: %d, want 413", c)
		}
	}
	if grew := int64(peak) - int64(before.HeapInuse); grew > 48<<20 {
		t.Fatalf("heap grew by %d MiB under %d chunked bodies of 8 MiB", grew>>20, bodies)
	}
}

type repeatA struct{}

func (repeatA) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestUploadSpoolLimitAndConcurrency: an upload route reads up to its own
// limit (chunked bodies past it are refused), and while its slots are
// taken the next upload is answered 503 at once.
func TestUploadSpoolLimitAndConcurrency(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.UploadLimit = 1 << 20; c.UploadConcurrency = 1 })
	addr := e.listen(t)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+verifyPath, io.LimitReader(repeatA{}, 2<<20))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked 2 MiB upload past a 1 MiB limit: %d, want 413", resp.StatusCode)
		}
	}
	// One upload that stalls half-way holds the only slot...
	rawPost(t, addr, verifyPath, "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n", "--x\r\n"+strings.Repeat("a", 9000))
	time.Sleep(200 * time.Millisecond)
	// ...so the next one is told to come back.
	conn, r := rawPost(t, addr, verifyPath, "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 9\r\n", "--x--\r\n\r\n")
	if code := statusWithin(t, conn, r, 3*time.Second); code != http.StatusServiceUnavailable {
		t.Fatalf("upload while the slot is taken: %d, want 503", code)
	}
}

// TestUploadWithoutBody: a POST to the upload route with no body at all
// (no Content-Length, or 0; with or without a multipart type) is a 4xx
// answer in Bahasa Indonesia, never a 500 (fasthttp gives such a request no
// body stream, which the spooler read as a nil reader).
func TestUploadWithoutBody(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	addr := e.listen(t)
	for _, headers := range []string{
		"",
		"Content-Length: 0\r\n",
		"Content-Type: multipart/form-data; boundary=x\r\n",
		"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 0\r\n",
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\n",
	} {
		conn, r := rawPost(t, addr, verifyPath, headers, "")
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("%q: no answer: %v", headers, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(string(body), "Berkas") {
			t.Errorf("POST %s with headers %q: %d %.200s", verifyPath, headers, resp.StatusCode, body)
		}
	}
}
