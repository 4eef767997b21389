package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// runBodyload measures the server's memory under many concurrent large
// request bodies (docs/PERFORMANCE.md, "Request bodies"). It starts
// `serve` as a child process (this binary, or --bin, e.g. an older build to
// compare) on a fresh database and sends --bodies bodies of --size MiB at
// once, spread over the public routes: survey submissions with and without
// Content-Length, sign-in, and /verify uploads within and past the upload
// limit. It reports the server's resident memory (VmRSS) before the load
// and its peak (VmHWM) from /proc.
func runBodyload(ctx context.Context, env *Env, args []string) error {
	fs, _ := newFlags(env, "bodyload")
	bin := fs.String("bin", "", "biner server yang diukur (bawaan: biner ini)")
	bodies := fs.Int("bodies", 50, "jumlah badan permintaan serentak")
	size := fs.Int("size", 16, "ukuran tiap badan permintaan dalam MiB")
	shapes := fs.Int("shapes", 5, "ragam badan permintaan yang digilir: 3 = formulir saja, 5 = formulir dan unggahan /verify")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *bodies < 1 || *bodies > 500 || *size < 1 || *size > 256 || (*shapes != 3 && *shapes != 5) {
		return usageError("--bodies harus 1..500, --size 1..256, --shapes 3 atau 5")
	}
	exe := *bin
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "persepsi-bodyload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "bodies.db")
	code, err := seedWith(ctx, exe, db)
	if err != nil {
		return err
	}
	addr, cmd, err := spawnServer(ctx, env, exe, db)
	if err != nil {
		return err
	}
	defer stopServer(cmd)
	pid := cmd.Process.Pid
	base := "http://" + addr
	if resp, err := http.Get(base + "/s/" + code); err == nil {
		resp.Body.Close()
	}
	before, _ := procStatusKB(pid, "VmRSS")
	start := time.Now()
	codes := sendBodies(ctx, base, code, *bodies, *shapes, int64(*size)<<20)
	took := time.Since(start)
	peak, err := procStatusKB(pid, "VmHWM")
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %d concurrent bodies of %d MiB in %s\n", filepath.Base(exe), *bodies, *size, took.Round(time.Millisecond))
	fmt.Fprintf(env.Stdout, "  server RSS before %.0f MB, peak %.0f MB\n", float64(before)/1024, float64(peak)/1024)
	fmt.Fprintf(env.Stdout, "  answers: %s\n", codes)
	return nil
}

// seedWith creates a unit and a counter with exe's own commands (so an
// older build gets a database of its own schema) and returns the counter's
// code.
func seedWith(ctx context.Context, exe, db string) (string, error) {
	if out, err := exec.CommandContext(ctx, exe, "unit", "add", "--db", db, "--name", "Unit Uji Beban").CombinedOutput(); err != nil {
		return "", fmt.Errorf("unit add: %v: %s", err, out)
	}
	out, err := exec.CommandContext(ctx, exe, "counter", "add", "--db", db, "--unit", "1", "--name", "Loket Uji").Output()
	if err != nil {
		return "", fmt.Errorf("counter add: %w", err)
	}
	_, code, ok := strings.Cut(strings.TrimSpace(string(out)), "/s/")
	if !ok {
		return "", fmt.Errorf("counter add printed no survey URL: %q", out)
	}
	return code, nil
}

// sendBodies sends n bodies of size bytes at once, each on its own
// connection, and tallies the answers ("err" when the server closed the
// connection before answering, as it may past a limit).
func sendBodies(ctx context.Context, base, code string, n, shapes int, size int64) string {
	var mu sync.Mutex
	tally := map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := bodyRequest(ctx, base, code, i%shapes, size)
			key := "err"
			if err == nil {
				client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Minute}
				if resp, err := client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					key = req.URL.Path[:min(len(req.URL.Path), 2)] + " " + strconv.Itoa(resp.StatusCode)
				}
			}
			mu.Lock()
			tally[key]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	keys := make([]string, 0, len(tally))
	for k, v := range tally {
		keys = append(keys, fmt.Sprintf("%s ×%d", k, v))
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// bodyRequest is a body of shape i (0..4).
func bodyRequest(ctx context.Context, base, code string, i int, size int64) (*http.Request, error) {
	fill := func(n int64) io.Reader { return io.LimitReader(repeatByte('a'), n) }
	switch i % 5 {
	case 0, 1, 2: // a form: with a length, chunked, sign-in chunked
		path := "/s/" + code
		if i == 2 {
			path = "/login"
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, io.MultiReader(strings.NewReader("saran="), fill(size)))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if i == 0 {
			req.ContentLength = size + 6
		}
		return req, nil
	}
	// A /verify upload: within the 16 MiB limit with a length, or chunked
	// and 1 MiB past it.
	n := min(size, 16<<20-4096)
	if i == 4 {
		n = 17 << 20
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("berkas", "besar.csv")
		if err == nil {
			_, err = io.Copy(part, fill(n))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/verify", bufio.NewReaderSize(pr, 64<<10))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if i == 3 {
		req.ContentLength = n + multipartOverhead(mw.Boundary(), "berkas", "besar.csv")
	}
	return req, nil
}

// multipartOverhead is the size of a one-file multipart body minus the file.
func multipartOverhead(boundary, field, name string) int64 {
	var sb strings.Builder
	mw := multipart.NewWriter(&sb)
	_ = mw.SetBoundary(boundary)
	_, _ = mw.CreateFormFile(field, name)
	_ = mw.Close()
	return int64(sb.Len())
}

type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// procStatusKB reads one "Name: N kB" line of /proc/PID/status.
func procStatusKB(pid int, name string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, name)
}
