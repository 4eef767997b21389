package app

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
)

// requestContext sets every request's c.UserContext() to a context that
// ends when the client hangs up, when the server shuts down, or after
// RequestTimeout, so the store and the exporters stop work nobody will
// receive (before, six abandoned downloads burned 52 CPU-seconds on a
// context.Background()).
func (s *Server) requestContext(c *fiber.Ctx) error {
	s.watchShutdown(c.Context().Done())
	ctx, cancel := context.WithTimeout(s.baseCtx, s.cfg.RequestTimeout)
	defer cancel()
	stop := watchPeer(c.Context().Conn(), cancel)
	defer stop()
	c.SetUserContext(ctx)
	return c.Next()
}

// watchShutdown cancels the server's base context once fasthttp's shutdown
// channel closes (it is one channel for the life of the listener; nil under
// app.Test, which never shuts down).
func (s *Server) watchShutdown(done <-chan struct{}) {
	if done == nil {
		return
	}
	s.shutdownOnce.Do(func() {
		go func() {
			<-done
			s.cancelBase()
		}()
	})
}

// peerWatchDelay is how long a request runs before its connection is
// watched for a client that left. Nearly every request (a form, a page, a
// submission) ends well before it, so it pays for one timer rather than a
// goroutine, a peek and a deadline reset: watching from the first
// microsecond cost the submission path about 15 % of its throughput in
// `persepsi loadtest`. What the watch is for, an export or a download
// nobody will receive, runs for seconds.
const peerWatchDelay = 50 * time.Millisecond

// watchPeer calls gone when the client closes or resets its connection,
// from peerWatchDelay after it is called until stop is called. It peeks at
// the socket (MSG_PEEK), so no byte is taken from fasthttp: data waiting
// there (a pipelined request, a body still being streamed) ends the watch
// without calling gone. A client that half-closes after sending its request
// is taken as gone, which is what it is for every browser. Connections that
// are not sockets (app.Test) are not watched.
func watchPeer(conn net.Conn, gone func()) (stop func()) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return func() {}
	}
	var (
		mu      sync.Mutex
		stopped bool
		watched sync.WaitGroup
	)
	timer := time.AfterFunc(peerWatchDelay, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		rc, err := sc.SyscallConn()
		if err != nil {
			return
		}
		watched.Add(1)
		go func() {
			defer watched.Done()
			if peerHungUp(rc) {
				gone()
			}
		}()
	})
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
		if timer.Stop() {
			return // the watch never started
		}
		// A deadline in the past wakes the waiting Read; fasthttp sets its
		// own read deadline again before it reads the next request.
		_ = conn.SetReadDeadline(time.Unix(1, 0))
		watched.Wait()
	}
}

// peerHungUp waits until the socket turns readable, or its read deadline
// passes, and reports whether the peer closed or reset it.
func peerHungUp(rc syscall.RawConn) bool {
	var b [1]byte
	hungUp := false
	err := rc.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
			return false // nothing yet: wait for the socket to turn readable
		}
		hungUp = n == 0 || err != nil
		return true
	})
	return hungUp && err == nil
}
