package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/postgres"
	"persepsi/survey/sqlstore"
)

// runLoadtest measures the submission path on loopback. It starts
// `persepsi serve` as a child process on a fresh temporary database (rate
// limits off), drives it with concurrent form submissions for a fixed time,
// then counts what was stored. In the same run it measures the store alone
// (validation + batching writer, no HTTP) as the ceiling the HTTP path can
// approach. While the HTTP load runs, a probe reads the unit's dashboard
// API and the WAL size, to show reads still answer and the WAL stays bounded.
// Afterwards the HTTP phase's responses are sealed into the chain (as an
// export would) and the chain is walked, both timed: the work the
// submission path no longer does.
func runLoadtest(ctx context.Context, env *Env, args []string) error {
	fs, _ := newFlags(env, "loadtest")
	dur := fs.Duration("duration", 30*time.Second, "lama tiap tahap")
	conns := fs.Int("conns", 32, "jumlah koneksi serentak")
	keep := fs.Bool("keep", false, "simpan basis data sementara")
	profile := fs.String("cpuprofile", "", "tulis profil CPU server selama tahap HTTP ke berkas ini")
	pg := fs.String("postgres", "", "ukur di server PostgreSQL ini (URL postgres://; tiap tahap pada skema baru), juga melalui tiga node")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *pg != "" {
		if !postgres.IsURL(*pg) {
			return usageError("--postgres harus URL postgres://pengguna@host:5432/basisdata")
		}
		return loadtestPostgres(ctx, env, *pg, *dur, *conns)
	}
	if *dur <= 0 || *dur > 10*time.Minute || *conns < 1 || *conns > 1024 {
		return usageError("--duration harus lebih dari 0 dan paling lama 10m, --conns 1..1024")
	}
	dir, err := os.MkdirTemp("", "persepsi-load-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	fmt.Fprintf(env.Stdout, "Persepsi load test: %d connections, %s per phase, database in %s\n\n", *conns, *dur, dir)

	raw, err := rawCeiling(ctx, env, filepath.Join(dir, "raw.db"), *dur)
	if err != nil {
		return fmt.Errorf("tahap SQLite mentah: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Raw SQLite ceiling (prepared INSERTs of a response and its answers, 256 per transaction, no validation or rollups):\n  %.0f responses/s\n\n", raw)

	ceiling, err := storeCeiling(ctx, env, filepath.Join(dir, "ceiling.db"), *dur, *conns, 1)
	if err != nil {
		return fmt.Errorf("tahap store: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Store only (validate + batching writer, no HTTP):\n  %s\n\n", ceiling)

	httpRes, err := httpLoad(ctx, env, filepath.Join(dir, "http.db"), *dur, *conns, *profile, 1, 1)
	if err != nil {
		return fmt.Errorf("tahap HTTP: %w", err)
	}
	fmt.Fprintf(env.Stdout, "HTTP (form POST /s/{code} → 303, through the server):\n  %s\n\n", httpRes)
	fmt.Fprintf(env.Stdout, "HTTP / store ratio: %.2f · HTTP / raw SQLite ratio: %.2f\n", httpRes.rate()/ceiling.rate(), httpRes.rate()/raw)
	if httpRes.errors > 0 || httpRes.stored != httpRes.acked || httpRes.probe.failures > 0 || httpRes.chain.problem != "" {
		return errors.New("uji beban menemukan galat atau kiriman yang hilang")
	}
	return nil
}

// loadResult is what one phase measured.
type loadResult struct {
	acked, errors, stored int64
	elapsed               time.Duration
	lat                   []time.Duration
	probe                 probeResult // HTTP phase only
	chain                 chainResult // HTTP phase only
}

// chainResult is what sealing and walking the chain after the load cost.
type chainResult struct {
	sealed     int
	seal, walk time.Duration
	entries    int64
	problem    string
}

func (c chainResult) String() string {
	out := fmt.Sprintf("afterwards: %d responses sealed in %s (%d chain entries), chain walked in %s", c.sealed, c.seal.Round(time.Millisecond), c.entries, c.walk.Round(time.Millisecond))
	if c.problem != "" {
		out += " · BROKEN: " + c.problem
	}
	return out
}

func (r loadResult) rate() float64 { return float64(r.acked) / r.elapsed.Seconds() }

func (r loadResult) String() string {
	slices.Sort(r.lat)
	q := func(p float64) time.Duration {
		if len(r.lat) == 0 {
			return 0
		}
		return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
	}
	out := fmt.Sprintf("%.0f submissions/s · p50 %s · p99 %s · max %s · errors %d · acknowledged %d · stored %d",
		r.rate(), q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), q(1).Round(10*time.Microsecond), r.errors, r.acked, r.stored)
	if r.probe.requests > 0 {
		out += "\n  " + r.probe.String()
	}
	if r.chain.sealed > 0 {
		out += "\n  " + r.chain.String()
	}
	return out
}

// probeResult is what the dashboard probe saw while the load ran.
type probeResult struct {
	requests, failures int
	lat                []time.Duration
	maxWAL             int64
}

func (p probeResult) String() string {
	slices.Sort(p.lat)
	q := func(f float64) time.Duration {
		if len(p.lat) == 0 {
			return 0
		}
		return p.lat[min(len(p.lat)-1, int(f*float64(len(p.lat))))].Round(10 * time.Microsecond)
	}
	return fmt.Sprintf("dashboard API meanwhile: %d requests, %d failed · p50 %s · p95 %s · max %s · largest WAL %.1f MiB",
		p.requests, p.failures, q(0.5), q(0.95), q(1), float64(p.maxWAL)/(1<<20))
}

// probeToken creates an admin and an API token for the dashboard probe.
func probeToken(ctx context.Context, s *sqlstore.Store) (string, error) {
	u, err := s.CreateUser(ctx, survey.NewUser{Username: "uji-beban", Password: survey.NewIdempotencyKey(), Role: survey.RoleAdmin})
	if err != nil {
		return "", err
	}
	raw, _, err := s.CreateToken(ctx, u.ID, "loadtest", 0)
	return raw, err
}

// probeDashboard asks for the unit's summary and daily series (what a unit
// head's dashboard reads) and the store's health four times a second for d,
// timing the dashboard requests and noting the largest WAL file seen.
func probeDashboard(ctx context.Context, base, token string, unitID int64, d time.Duration) probeResult {
	var p probeResult
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(path string, into any) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		if into == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		}
		return json.NewDecoder(resp.Body).Decode(into)
	}
	today := time.Now().In(time.FixedZone("WIB", 7*3600))
	span := "?from=" + today.AddDate(0, 0, -29).Format(time.DateOnly) + "&to=" + today.Format(time.DateOnly)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(d)
	for i := 0; ; i++ {
		select {
		case <-deadline:
			return p
		case <-ctx.Done():
			return p
		case <-tick.C:
		}
		path := fmt.Sprintf("/api/v1/units/%d/summary%s", unitID, span)
		if i%2 == 1 {
			path = fmt.Sprintf("/api/v1/units/%d/daily%s", unitID, span)
		}
		t0 := time.Now()
		p.requests++
		if err := get(path, nil); err != nil {
			p.failures++
		} else {
			p.lat = append(p.lat, time.Since(t0))
		}
		var h struct {
			Store survey.Health `json:"store"`
		}
		if err := get("/api/v1/health", &h); err == nil {
			p.maxWAL = max(p.maxWAL, h.Store.WALBytes)
		}
	}
}

// loadSeeds creates units units, each with the service and counter the
// load is aimed at; connection w submits to unit w mod units.
func loadSeeds(ctx context.Context, s *sqlstore.Store, units int) ([]*survey.Survey, error) {
	svs := make([]*survey.Survey, units)
	for i := range svs {
		var err error
		if svs[i], err = loadSeed(ctx, s, fmt.Sprintf("Unit Uji Beban %d", i+1)); err != nil {
			return nil, err
		}
	}
	return svs, nil
}

// countAll counts the stored responses of every seeded unit.
func countAll(ctx context.Context, s *sqlstore.Store, svs []*survey.Survey) (int64, error) {
	var n int64
	for _, sv := range svs {
		c, err := s.CountResponses(ctx, sv.Unit.ID)
		if err != nil {
			return n, err
		}
		n += c
	}
	return n, nil
}

// loadSeed creates a unit, service and counter the load is aimed at.
func loadSeed(ctx context.Context, s *sqlstore.Store, name string) (*survey.Survey, error) {
	u, err := s.CreateUnit(ctx, survey.NewUnit{Name: name, TimeZone: "Asia/Jakarta"})
	if err != nil {
		return nil, err
	}
	if _, err := s.CreateService(ctx, u.ID, "Layanan Uji"); err != nil {
		return nil, err
	}
	c, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: "Loket Uji"})
	if err != nil {
		return nil, err
	}
	return s.SurveyByCode(ctx, c.Code)
}

// loadInput is the i-th synthetic submission: every item answered, a
// distinct idempotency key.
func loadInput(sv *survey.Survey, worker, i int) survey.Input {
	in := survey.Input{
		Service: strconv.FormatInt(sv.Services[0].ID, 10),
		Answers: map[string]string{}, Profile: map[string]string{"jenis_kelamin": "P"},
		Control: "Tidak", Channel: survey.ChannelQR,
		Key: fmt.Sprintf("load-%04d-%012d", worker, i),
	}
	for k, it := range sv.Questionnaire.Items() {
		in.Answers[it.Code] = strconv.Itoa(1 + (i+k)%sv.Questionnaire.Scale.Max)
	}
	return in
}

// drive runs fn from conns goroutines until d has passed and collects
// latencies of the calls that succeeded.
func drive(ctx context.Context, d time.Duration, conns int, fn func(worker, i int) error) loadResult {
	var acked, failed atomic.Int64
	lats := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1<<14)
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := fn(w, i); err != nil {
					failed.Add(1)
					continue
				}
				lat = append(lat, time.Since(t0))
				acked.Add(1)
			}
			lats[w] = lat
		}()
	}
	wg.Wait()
	res := loadResult{acked: acked.Load(), errors: failed.Load(), elapsed: time.Since(start)}
	for _, l := range lats {
		res.lat = append(res.lat, l...)
	}
	return res
}

func rawCeiling(ctx context.Context, env *Env, path string, d time.Duration) (float64, error) {
	s, err := openStore(ctx, quietEnv(env), path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	sv, err := loadSeed(ctx, s, "Unit Uji Beban")
	if err != nil {
		return 0, err
	}
	return s.RawInsertRate(ctx, sv.Unit.ID, sv.Counter.ID, sv.Services[0].ID, sv.Questionnaire.ID, len(sv.Questionnaire.Items()), 256, d)
}

func storeCeiling(ctx context.Context, env *Env, path string, d time.Duration, conns, units int) (loadResult, error) {
	s, err := openStore(ctx, quietEnv(env), path)
	if err != nil {
		return loadResult{}, err
	}
	defer s.Close()
	svs, err := loadSeeds(ctx, s, units)
	if err != nil {
		return loadResult{}, err
	}
	res := drive(ctx, d, conns, func(w, i int) error {
		sv := svs[w%len(svs)]
		r, err := sv.Validate(loadInput(sv, w, i), time.Now())
		if err != nil {
			return err
		}
		_, _, err = s.Submit(ctx, r)
		return err
	})
	res.stored, err = countAll(ctx, s, svs)
	return res, err
}

// httpLoad drives nodes servers on the database at path (more than one
// only on PostgreSQL), connection w going to node w mod nodes and to unit
// w mod units.
func httpLoad(ctx context.Context, env *Env, path string, d time.Duration, conns int, profile string, nodes, units int) (loadResult, error) {
	s, err := openStore(ctx, quietEnv(env), path)
	if err != nil {
		return loadResult{}, err
	}
	svs, err := loadSeeds(ctx, s, units)
	var token string
	if err == nil {
		token, err = probeToken(ctx, s)
	}
	s.Close()
	if err != nil {
		return loadResult{}, err
	}
	var bases []string
	var stops []func() error
	stopAll := func() error {
		var errs []error
		for _, stop := range stops {
			errs = append(errs, stop())
		}
		return errors.Join(errs...)
	}
	for range nodes {
		addr, stop, err := startServer(ctx, env, path, profile)
		if err != nil {
			return loadResult{}, errors.Join(err, stopAll())
		}
		profile = "" // the first node's profile only
		stops = append(stops, stop)
		bases = append(bases, "http://"+addr)
	}
	probeDone := make(chan probeResult, 1)
	go func() { probeDone <- probeDashboard(ctx, bases[0], token, svs[0].Unit.ID, d) }()
	// fasthttp's client costs a fraction of net/http's per request, so less
	// of the shared machine goes to the generator and more to the server.
	client := &fasthttp.Client{MaxConnsPerHost: conns, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	res := drive(ctx, d, conns, func(w, i int) error {
		sv := svs[w%len(svs)]
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		req.SetRequestURI(bases[w%len(bases)] + "/s/" + sv.Counter.Code)
		req.Header.SetMethod(fasthttp.MethodPost)
		req.Header.SetContentType("application/x-www-form-urlencoded")
		req.SetBodyString(formValues(loadInput(sv, w, i)).Encode())
		if err := client.Do(req, resp); err != nil {
			return err
		}
		// The 303 to the thank-you page is the acknowledgement.
		if resp.StatusCode() != fasthttp.StatusSeeOther {
			return fmt.Errorf("status %d", resp.StatusCode())
		}
		return nil
	})
	res.probe = <-probeDone
	if err := stopAll(); err != nil {
		return res, err
	}
	s, err = openStore(ctx, quietEnv(env), path)
	if err != nil {
		return res, err
	}
	defer s.Close()
	if res.stored, err = countAll(ctx, s, svs); err != nil {
		return res, err
	}
	for _, sv := range svs {
		c, err := sealAndWalk(ctx, s, sv.Unit.ID)
		if err != nil {
			return res, err
		}
		res.chain.sealed += c.sealed
		res.chain.seal += c.seal
		res.chain.walk += c.walk
		res.chain.entries += c.entries
		if res.chain.problem == "" {
			res.chain.problem = c.problem
		}
	}
	return res, nil
}

// sealAndWalk seals a unit's responses and walks its chain, timing both.
func sealAndWalk(ctx context.Context, s *sqlstore.Store, unitID int64) (chainResult, error) {
	var c chainResult
	t0 := time.Now()
	n, err := s.SealUnit(ctx, unitID)
	if err != nil {
		return c, err
	}
	c.sealed, c.seal = n, time.Since(t0)
	t0 = time.Now()
	rep, err := evidence.VerifyChain(ctx, s, unitID)
	if err != nil {
		return c, err
	}
	c.walk, c.entries, c.problem = time.Since(t0), rep.Entries, rep.Problem
	return c, nil
}

// formValues encodes an input the way the respondent page's form does.
func formValues(in survey.Input) url.Values {
	v := url.Values{}
	v.Set("layanan", in.Service)
	for k, a := range in.Answers {
		v.Set(k, a)
	}
	for k, p := range in.Profile {
		v.Set(k, p)
	}
	v.Set("KONTROL", in.Control)
	v.Set("kunci", in.Key)
	return v
}

// startServer runs `persepsi serve` on a free loopback port with the rate
// limits off, waits until it answers, and returns a function that stops it
// gracefully (SIGINT: requests finish, the writer drains).
func startServer(ctx context.Context, env *Env, db, profile string) (string, func() error, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	var extra []string
	if profile != "" {
		extra = []string{"--cpuprofile", profile}
	}
	addr, cmd, err := spawnServer(ctx, env, exe, db, extra...)
	if err != nil {
		return "", nil, err
	}
	return addr, func() error { return stopServer(cmd) }, nil
}

// spawnServer starts exe serve on db at a free loopback port, limits off,
// and waits until it answers.
func spawnServer(ctx context.Context, env *Env, exe, db string, extra ...string) (string, *exec.Cmd, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := serverCommand(ctx, env, exe, db, addr, extra...)
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	for range 100 {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return addr, cmd, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = stopServer(cmd)
	return "", nil, errors.New("server sementara tidak mau menyala")
}

// serverCommand is the temporary server's command line: limits off, its
// output discarded but its errors shown, and without the loopback note
// (being on loopback is the point of a measuring server).
func serverCommand(ctx context.Context, env *Env, exe, db, addr string, extra ...string) *exec.Cmd {
	args := append([]string{"serve", "--db", db, "--addr", addr, "--device-limit", "0", "--network-limit", "0"}, extra...)
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, env.Stderr
	cmd.Env = append(os.Environ(), noLoopbackNoteEnv+"=1")
	return cmd
}

func stopServer(cmd *exec.Cmd) error {
	_ = cmd.Process.Signal(os.Interrupt)
	return cmd.Wait()
}

// quietEnv drops info logs (migrations) so the report stays readable.
func quietEnv(env *Env) *Env {
	q := *env
	q.Logger = discardLogger
	return &q
}

// loadUnits is how many units the PostgreSQL load spreads over: a central
// deployment serves many units, and the per-unit locks serialise one
// unit's writes (across nodes too), so one unit alone would measure the
// lock, not the deployment.
const loadUnits = 8

// loadtestPostgres measures the submission path on a PostgreSQL server,
// every phase on a fresh schema: the server's raw ceilings (prepared
// single-row INSERTs as the writer runs them, and multi-row INSERTs), the
// store alone, and HTTP through one node and through three nodes on the
// same database, all in one run so that their ratios can be read on a
// shared machine.
func loadtestPostgres(ctx context.Context, env *Env, base string, d time.Duration, conns int) error {
	fmt.Fprintf(env.Stdout, "Persepsi load test on PostgreSQL %s: %d connections over %d units, %s per phase\n\n", postgres.Redact(base), conns, loadUnits, d)
	fresh := func() (string, func() error, error) { return postgres.FreshSchema(ctx, base) }
	var drops []func() error
	defer func() {
		for _, drop := range drops {
			_ = drop()
		}
	}()
	phase := func() (string, error) {
		u, drop, err := fresh()
		if err == nil {
			drops = append(drops, drop)
		}
		return u, err
	}
	u, err := phase()
	if err != nil {
		return err
	}
	s, err := openStore(ctx, quietEnv(env), u)
	if err != nil {
		return err
	}
	sv, err := loadSeed(ctx, s, "Unit Uji Beban")
	if err != nil {
		s.Close()
		return err
	}
	items := len(sv.Questionnaire.Items())
	single, err := s.RawInsertRate(ctx, sv.Unit.ID, sv.Counter.ID, sv.Services[0].ID, sv.Questionnaire.ID, items, 256, d)
	var multi float64
	if err == nil {
		multi, err = s.RawMultiRowRate(ctx, sv.Unit.ID, sv.Counter.ID, sv.Services[0].ID, sv.Questionnaire.ID, items, 256, d)
	}
	s.Close()
	if err != nil {
		return fmt.Errorf("tahap PostgreSQL mentah: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Raw PostgreSQL, prepared single-row INSERTs (a response and its %d answers), 256 responses per transaction:\n  %.0f responses/s\n", items, single)
	fmt.Fprintf(env.Stdout, "Raw PostgreSQL, multi-row INSERTs (256 responses in one statement, their answers in one more) per transaction:\n  %.0f responses/s\n\n", multi)
	if u, err = phase(); err != nil {
		return err
	}
	ceiling, err := storeCeiling(ctx, env, u, d, conns, loadUnits)
	if err != nil {
		return fmt.Errorf("tahap store: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Store only (validate + batching writer, no HTTP):\n  %s\n\n", ceiling)
	var bad bool
	for _, nodes := range []int{1, 3} {
		if u, err = phase(); err != nil {
			return err
		}
		res, err := httpLoad(ctx, env, u, d, conns, "", nodes, loadUnits)
		if err != nil {
			return fmt.Errorf("tahap HTTP %d node: %w", nodes, err)
		}
		fmt.Fprintf(env.Stdout, "HTTP through %d node(s) on one database:\n  %s\n  / multi-row ceiling %.2f · / store %.2f\n\n", nodes, res, res.rate()/multi, res.rate()/ceiling.rate())
		bad = bad || res.errors > 0 || res.stored != res.acked || res.probe.failures > 0 || res.chain.problem != ""
	}
	if bad {
		return errors.New("uji beban menemukan galat atau kiriman yang hilang")
	}
	return nil
}
