package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"persepsi/survey"
)

// TestRenderConcurrentBodies renders pages for different units and users
// from many goroutines over a real listener and checks every body belongs to
// its own request. It caught render handing Fiber a pooled buffer that went
// back to the pool before fasthttp wrote it (about 1 response in 2,000 under
// 32 clients carried another request's page).
func TestRenderConcurrentBodies(t *testing.T) {
	t.Parallel()
	e := &consoleEnv{testEnv: newTestEnv(t), sessions: map[survey.Role]string{}}
	ctx := context.Background()
	type target struct {
		path, cookie, want string
	}
	var targets []target
	for i := range 6 {
		u, err := e.store.CreateUnit(ctx, survey.NewUnit{Name: fmt.Sprintf("Unit Uji %02d %s", i, strings.Repeat("x", i*15)), Agency: "Pemerintah Kabupaten Contoh", TimeZone: "Asia/Jakarta"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.CreateService(ctx, u.ID, "Perizinan"); err != nil {
			t.Fatal(err)
		}
		c, err := e.store.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: fmt.Sprintf("Loket %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, target{path: "/s/" + c.Code, want: "<h1>" + u.Name + "</h1>"})
		name := fmt.Sprintf("pengguna-%02d-%s", i, strings.Repeat("y", i*9))
		if _, err := e.store.CreateUser(ctx, survey.NewUser{Username: name, Password: testPassword, Role: survey.RoleViewer, Units: []int64{u.ID}}); err != nil {
			t.Fatal(err)
		}
		targets = append(targets, target{path: "/account", cookie: e.login(t, name, testPassword), want: "<p>" + name + " · "})
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	t.Cleanup(func() { _ = e.app.Shutdown() })
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	const workers, perWorker = 32, 60
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				tg := targets[(w+i)%len(targets)]
				got, err := fetchBody(client, base+tg.path, tg.cookie)
				if err != nil {
					errs <- err
					return
				}
				if strings.Count(got, "<h1>") != 1 || !strings.Contains(got, tg.want) || !strings.HasSuffix(strings.TrimSpace(got), "</html>") {
					errs <- fmt.Errorf("GET %s: body is not its own page (want %q): %.300q", tg.path, tg.want, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func fetchBody(client *http.Client, url, session string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b), err
}
