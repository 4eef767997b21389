package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"persepsi/data"
	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// TestMultiNodeOnPostgres runs three `persepsi serve` processes on one
// PostgreSQL database, submits through all three at once, SIGKILLs one
// mid-run and keeps submitting through the other two. Then every
// acknowledged submission is stored exactly once with the answers sent
// (retries with the same key on another node included), the unit's chain
// verifies, and the summary API of each surviving node equals a
// recomputation from the raw rows.
func TestMultiNodeOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs three servers")
	}
	t.Parallel()
	start := time.Now()
	dbURL := storetest.PostgresURL(t)
	bin := buildPersepsi(t)
	built := time.Since(start)
	dir := t.TempDir()
	// What every node and every command shares (README, "Menjalankan
	// beberapa node"): the database, the public address, the HMAC secret,
	// the signing key and the time bucket. The limits are off: they count
	// per node in memory, and every request here comes from 127.0.0.1.
	vars := map[string]string{
		"PERSEPSI_DB":            dbURL,
		"PERSEPSI_BASE_URL":      "https://survei.contoh.go.id",
		"PERSEPSI_SECRET_FILE":   filepath.Join(dir, "secret.key"),
		"PERSEPSI_KEY_FILE":      filepath.Join(dir, "signing.key"),
		"PERSEPSI_TIME_BUCKET":   "1h",
		"PERSEPSI_DEVICE_LIMIT":  "0",
		"PERSEPSI_NETWORK_LIMIT": "0",
	}
	sd := seedMultiNode(t, bin, vars)

	nodes := make([]*node, 3)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { nodes[i] = startNode(t, bin, vars, "127.0.0.1:0") })
	}
	wg.Wait()
	for _, n := range nodes {
		if n == nil {
			t.FailNow() // startNode reported why
		}
	}
	booted := time.Since(start) - built

	ld := newMultiLoad(sd, nodes)
	const workersPerNode = 8
	stop := make(chan struct{})
	for i := range nodes {
		for w := range workersPerNode {
			wg.Go(func() { ld.work(stop, i, uint64(i*workersPerNode+w)) })
		}
	}
	// Two more stores on the database, each with its own connections as an
	// export's would have, seal the unit while the nodes write: the chain
	// then grows from several connections at once (the nodes' maintenance
	// seals only ended buckets, none in a run this short). Without the
	// per-unit lock two of them append the same seq.
	for range 2 {
		s := openShared(t, vars)
		wg.Go(func() { ld.seal(stop, s) })
	}
	time.Sleep(2500 * time.Millisecond)
	killed := nodes[2]
	before := ld.acked.Load()
	killed.alive.Store(false)
	if err := syscall.Kill(killed.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err := ld.failure(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d submissions acknowledged (%d before the kill; %d by the killed node), %d tries failed and were sent to another node, %d repeated on another node after their acknowledgement; %d sealed during the run",
		ld.acked.Load(), before, killed.acked.Load(), ld.retriedAfterError.Load(), ld.repeated.Load(), ld.sealed.Load())
	if killed.acked.Load() == 0 || ld.acked.Load() == before || ld.repeated.Load() == 0 {
		t.Fatalf("the run proves nothing: %d acknowledged by the killed node, %d after the kill, %d repeated", killed.acked.Load(), ld.acked.Load()-before, ld.repeated.Load())
	}

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkStoredOnce(t, db, ld.acknowledged())
	checkChain(t, openShared(t, vars), sd.unit, db)
	raw := rawSummary(t, db, sd.unit)
	for _, n := range nodes[:2] {
		checkSummaryAPI(t, n, sd, raw)
	}
	t.Logf("build %v, seeding and booting three nodes %v, 5 s of load, whole test %v", built.Round(time.Millisecond), booted.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// buildPersepsi builds the persepsi binary into a temp directory: the test
// runs what an operator runs, as separate processes.
func buildPersepsi(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "persepsi")
	out, err := exec.Command("go", "build", "-o", bin, "persepsi").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// childEnv is the test's environment without its PERSEPSI_ variables,
// plus vars: a child sees only what the test gives it.
func childEnv(vars map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PERSEPSI_") {
			out = append(out, kv)
		}
	}
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	return out
}

// multiSeed is the unit the load submits to.
type multiSeed struct {
	unit, service int64
	codes         []string // one per counter
	token         string   // an admin's API token
	items         []string
}

// seedMultiNode creates, with the CLI against the shared database, a unit
// with one service, four counters, an admin and an API token.
func seedMultiNode(t *testing.T, bin string, vars map[string]string) multiSeed {
	t.Helper()
	cli := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = childEnv(vars)
		cmd.Stdin = strings.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("persepsi %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return strings.TrimSpace(string(out))
	}
	id := func(s string) int64 {
		t.Helper()
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("expected an id, got %q", s)
		}
		return n
	}
	var sd multiSeed
	sd.unit = id(cli("", "unit", "add", "--name", "Kantor Wilayah Contoh", "--agency", "Kementerian Contoh", "--tz", "Asia/Makassar"))
	sd.service = id(cli("", "service", "add", "--unit", strconv.FormatInt(sd.unit, 10), "--name", "Pelayanan Paspor"))
	code := regexp.MustCompile(`^https://survei\.contoh\.go\.id/s/([a-z2-7]{16})$`)
	for i := range 4 {
		out := cli("", "counter", "add", "--unit", strconv.FormatInt(sd.unit, 10), "--name", fmt.Sprintf("Loket %d", i+1))
		m := code.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("counter add printed %q", out)
		}
		sd.codes = append(sd.codes, m[1])
	}
	cli("kata-sandi-yang-panjang\n", "user", "add", "--username", "admin", "--role", "admin")
	sd.token = cli("", "token", "add", "--user", "admin")
	// The unit runs the newest version of the default questionnaire.
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		t.Fatal(err)
	}
	var q *survey.Questionnaire
	for _, c := range qs {
		if c.Key == survey.DefaultQuestionnaireKey && (q == nil || c.Version > q.Version) {
			q = c
		}
	}
	for _, it := range q.Items() {
		sd.items = append(sd.items, it.Code)
	}
	return sd
}

// node is one `persepsi serve` process.
type node struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	out    *syncBuffer
	alive  atomic.Bool
	acked  atomic.Int64
	exited chan struct{}
}

// listening is the line serve prints once its listener is open.
var listening = regexp.MustCompile(`mendengarkan di (\S+),`)

// startNode starts `persepsi serve --addr addr` and waits until it
// listens. The process is killed when the test ends, failed or not, and its
// output is logged when the test failed.
func startNode(t *testing.T, bin string, vars map[string]string, addr string) *node {
	t.Helper()
	n := &node{out: &syncBuffer{}, exited: make(chan struct{})}
	n.cmd = exec.Command(bin, "serve", "--addr", addr)
	n.cmd.Env = childEnv(vars)
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Error(err)
		return nil
	}
	go func() { _ = n.cmd.Wait(); close(n.exited) }()
	t.Cleanup(func() {
		_ = n.cmd.Process.Kill()
		<-n.exited
		if t.Failed() {
			t.Logf("output of node %s:\n%s", n.base, n.out.String())
		}
	})
	deadline := time.After(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(n.out.String()); m != nil {
			n.base = "http://" + m[1]
			n.alive.Store(true)
			return n
		}
		select {
		case <-n.exited:
			t.Errorf("persepsi serve exited before listening:\n%s", n.out.String())
			return nil
		case <-deadline:
			t.Errorf("persepsi serve did not listen within 30 s:\n%s", n.out.String())
			return nil
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// multiLoad posts respondent forms through the nodes and records every
// acknowledged one.
type multiLoad struct {
	sd     multiSeed
	nodes  []*node
	client *http.Client

	acked             atomic.Int64
	retriedAfterError atomic.Int64
	repeated          atomic.Int64
	sealed            atomic.Int64 // by seal, during the run

	mu   sync.Mutex
	sent map[string]multiSubmission // by idempotency key
	errs []error
}

// multiSubmission is one respondent's form as sent.
type multiSubmission struct {
	code    string
	answers map[string]int64
}

func newMultiLoad(sd multiSeed, nodes []*node) *multiLoad {
	return &multiLoad{sd: sd, nodes: nodes, sent: map[string]multiSubmission{},
		client: &http.Client{
			Timeout:       15 * time.Second,
			Transport:     &http.Transport{MaxIdleConnsPerHost: 16},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
}

// work submits through node home until stop is closed: each submission has
// its own key; a try that fails (the node killed under it) is sent again,
// same key, to another live node; one acknowledged submission in four is
// sent again, same key, to another node, as a phone retrying after a lost
// answer would.
func (l *multiLoad) work(stop <-chan struct{}, home int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	for {
		select {
		case <-stop:
			return
		default:
		}
		s := multiSubmission{code: l.sd.codes[rng.IntN(len(l.sd.codes))], answers: map[string]int64{}}
		form := url.Values{"layanan": {strconv.FormatInt(l.sd.service, 10)}, "KONTROL": {"Tidak"}, "kunci": {survey.NewIdempotencyKey()}}
		for _, it := range l.sd.items {
			v := 1 + rng.Int64N(6)
			s.answers[it] = v
			form.Set(it, strconv.FormatInt(v, 10))
		}
		target := home
		if !l.nodes[target].alive.Load() {
			target = l.other(target, rng)
		}
		if !l.deliver(form, s, target, rng) {
			return
		}
		l.mu.Lock()
		l.sent[form.Get("kunci")] = s
		l.mu.Unlock()
		l.acked.Add(1)
		if rng.IntN(4) == 0 {
			l.repeated.Add(1)
			if !l.deliver(form, s, l.other(target, rng), rng) {
				return
			}
		}
	}
}

// deliver posts form to node i until a live node acknowledges it (303 to
// the thank-you page). A refused or broken connection is the killed node;
// any other answer is a failure of the test.
func (l *multiLoad) deliver(form url.Values, s multiSubmission, i int, rng *rand.Rand) bool {
	for range 5 {
		n := l.nodes[i]
		resp, err := l.client.PostForm(n.base+"/s/"+s.code, form)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusSeeOther && strings.HasSuffix(resp.Header.Get("Location"), "/s/"+s.code+"/terima-kasih") {
				n.acked.Add(1)
				return true
			}
			l.fail(fmt.Errorf("POST %s/s/%s: %s (Location %q)", n.base, s.code, resp.Status, resp.Header.Get("Location")))
			return false
		}
		if n.alive.Load() {
			l.fail(fmt.Errorf("POST to the live node %s: %w", n.base, err))
			return false
		}
		l.retriedAfterError.Add(1)
		i = l.other(i, rng)
	}
	l.fail(fmt.Errorf("submission %s never acknowledged", form.Get("kunci")))
	return false
}

// other picks a live node other than i.
func (l *multiLoad) other(i int, rng *rand.Rand) int {
	for {
		j := rng.IntN(len(l.nodes))
		if j != i && l.nodes[j].alive.Load() {
			return j
		}
	}
}

// seal seals the unit through s every 100 ms until stop is closed.
func (l *multiLoad) seal(stop <-chan struct{}, s *sqlstore.Store) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
		n, err := s.SealUnit(context.Background(), l.sd.unit)
		if err != nil {
			l.fail(fmt.Errorf("sealing while the nodes write: %w", err))
			return
		}
		l.sealed.Add(int64(n))
	}
}

func (l *multiLoad) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *multiLoad) failure() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%d failures, the first: %w", len(l.errs), l.errs[0])
}

func (l *multiLoad) acknowledged() map[string]multiSubmission {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent
}

// checkStoredOnce reads every response row: each acknowledged key has
// exactly one, on the counter it was sent to, with the answers sent, and
// no row belongs to a key that was never acknowledged (every submission
// was acknowledged in the end, through a live node).
func checkStoredOnce(t *testing.T, db *sql.DB, acked map[string]multiSubmission) {
	t.Helper()
	rows, err := db.Query(`SELECT r.idempotency_key, c.code, a.item_code, a.value
		FROM responses r JOIN counters c ON c.id = r.counter_id JOIN answers a ON a.response_id = r.id
		ORDER BY r.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[string]multiSubmission{}
	rowsPerKey := map[string]map[string]int{} // key → item → rows
	for rows.Next() {
		var key, code, item string
		var v int64
		if err := rows.Scan(&key, &code, &item, &v); err != nil {
			t.Fatal(err)
		}
		s, ok := stored[key]
		if !ok {
			s = multiSubmission{code: code, answers: map[string]int64{}}
			stored[key], rowsPerKey[key] = s, map[string]int{}
		}
		if s.code != code {
			t.Errorf("key %s stored on counters %s and %s", key, s.code, code)
		}
		s.answers[item] = v
		rowsPerKey[key][item]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM responses`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(acked) || len(stored) != len(acked) {
		t.Errorf("%d response rows with %d distinct keys for %d acknowledged submissions", n, len(stored), len(acked))
	}
	for key, want := range acked {
		got, ok := stored[key]
		switch {
		case !ok:
			t.Errorf("acknowledged submission %s is not stored", key)
		case got.code != want.code || fmt.Sprint(got.answers) != fmt.Sprint(want.answers):
			t.Errorf("submission %s: stored %v on %s, sent %v on %s", key, got.answers, got.code, want.answers, want.code)
		}
		for item, c := range rowsPerKey[key] {
			if c != 1 {
				t.Errorf("submission %s: %d rows for %s", key, c, item)
			}
		}
	}
	for key := range stored {
		if _, ok := acked[key]; !ok {
			t.Errorf("stored key %s was never acknowledged", key)
		}
	}
}

// openShared opens the nodes' database in the test, as a command would.
func openShared(t *testing.T, vars map[string]string) *sqlstore.Store {
	t.Helper()
	s, err := openStore(context.Background(), &Env{Logger: discardLogger, Getenv: func(k string) string { return vars[k] }}, vars["PERSEPSI_DB"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// checkChain seals the unit's last responses, as an export does, and
// verifies its chain: every row sealed, none twice.
func checkChain(t *testing.T, s *sqlstore.Store, unitID int64, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.SealUnit(ctx, unitID); err != nil {
		t.Fatal(err)
	}
	rep, err := evidence.VerifyChain(ctx, s, unitID)
	if err != nil {
		t.Fatal(err)
	}
	var unsealed, segments, sealed int64
	if err := db.QueryRow(`SELECT count(*) FROM responses WHERE segment IS NULL`).Scan(&unsealed); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*), coalesce(sum(count), 0) FROM chain WHERE unit_id = $1 AND kind = $2`, unitID, survey.ChainSegment).Scan(&segments, &sealed); err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Entries == 0 || unsealed != 0 {
		t.Fatalf("chain of unit %d: %+v, %d responses unsealed", unitID, rep, unsealed)
	}
	t.Logf("chain verifies: %d entries (%d segments sealing %d responses), head #%d", rep.Entries, segments, sealed, rep.Head.Seq)
}

// itemTotals is one item recomputed from the raw answers.
type itemTotals struct {
	n, sum int64
	dist   [6]int64 // answers per score 1…6
}

// rawTotals is the unit's period recomputed from the raw rows.
type rawTotals struct {
	from, to string
	n        int64
	items    map[string]*itemTotals
}

// rawSummary recomputes N and every item's count, mean and distribution
// from the raw response and answer rows, over the local days they span.
func rawSummary(t *testing.T, db *sql.DB, unitID int64) rawTotals {
	t.Helper()
	raw := rawTotals{items: map[string]*itemTotals{}}
	if err := db.QueryRow(`SELECT count(*), min(local_day), max(local_day) FROM responses WHERE unit_id = $1`, unitID).Scan(&raw.n, &raw.from, &raw.to); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT a.item_code, a.value, count(*) FROM answers a JOIN responses r ON r.id = a.response_id
		WHERE r.unit_id = $1 GROUP BY a.item_code, a.value`, unitID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var item string
		var v, c int64
		if err := rows.Scan(&item, &v, &c); err != nil {
			t.Fatal(err)
		}
		if v < 1 || v > 6 {
			t.Fatalf("item %s: stored score %d", item, v)
		}
		it := raw.items[item]
		if it == nil {
			it = &itemTotals{}
			raw.items[item] = it
		}
		it.n += c
		it.sum += v * c
		it.dist[v-1] += c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return raw
}

// checkSummaryAPI compares GET /api/v1/units/{id}/summary of node n, with
// the admin's token, to the recomputation.
func checkSummaryAPI(t *testing.T, n *node, sd multiSeed, raw rawTotals) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/units/%d/summary?from=%s&to=%s", n.base, sd.unit, raw.from, raw.to), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+sd.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		N, Excluded *int64
		Items       []struct {
			Code         string
			N            int64
			RawMean      *float64 `json:"raw_mean"`
			Distribution []int64
		}
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s summary: %s", n.base, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.N == nil || *body.N != raw.n || body.Excluded == nil || *body.Excluded != 0 {
		t.Errorf("%s: summary n %v excluded %v; the raw rows have %d, none excluded", n.base, body.N, body.Excluded, raw.n)
	}
	if len(body.Items) != len(raw.items) {
		t.Errorf("%s: %d items in the summary, %d in the raw answers", n.base, len(body.Items), len(raw.items))
	}
	for _, it := range body.Items {
		want := raw.items[it.Code]
		if want == nil {
			t.Errorf("%s: item %s has no raw answers", n.base, it.Code)
			continue
		}
		mean := float64(want.sum) / float64(want.n)
		if it.N != want.n || it.RawMean == nil || math.Abs(*it.RawMean-mean) > 1e-9 || fmt.Sprint(it.Distribution) != fmt.Sprint(want.dist[:]) {
			t.Errorf("%s: item %s: n %d, mean %v, distribution %v; raw rows: n %d, mean %v, distribution %v",
				n.base, it.Code, it.N, it.RawMean, it.Distribution, want.n, mean, want.dist)
		}
	}
}
