package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	neturl "net/url"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// heardWithin bounds how long another node may take to drop a cache after
// a change commits: far below surveyCacheTTL (10 s) and summaryTTL (3 s),
// so only an announcement, not a TTL, can pass these tests.
const heardWithin = time.Second

// nodes are two stores on one schema, as two `persepsi serve` processes
// on one database, with a unit, its service and counter made through a.
type nodes struct {
	a, b *sqlstore.Store
	url  string
	unit *survey.Unit
	svc  *survey.Service
	ctr  *survey.Counter
}

func twoNodes(t *testing.T) nodes {
	t.Helper()
	n := nodes{url: storetest.PostgresURL(t)}
	n.a = storetest.MustOpenPostgres(t, n.url)
	n.b = storetest.MustOpenPostgres(t, n.url)
	ctx := context.Background()
	var err error
	if n.unit, err = n.a.CreateUnit(ctx, survey.NewUnit{Name: "Kantor Uji", Agency: "Pemkab Uji", TimeZone: "Asia/Jakarta"}); err != nil {
		t.Fatal(err)
	}
	if n.svc, err = n.a.CreateService(ctx, n.unit.ID, "Perizinan"); err != nil {
		t.Fatal(err)
	}
	if n.ctr, err = n.a.CreateCounter(ctx, survey.NewCounter{UnitID: n.unit.ID, Name: "Loket 1"}); err != nil {
		t.Fatal(err)
	}
	waitListening(t, n.a, n.b)
	n.settle(t) // the set-up's own announcements are behind us
	return n
}

// waitListening waits until every store's listener is connected.
func waitListening(t *testing.T, stores ...*sqlstore.Store) {
	t.Helper()
	eventually(t, 5*time.Second, "listeners connected", func() bool {
		for _, s := range stores {
			if s.Dialect().Listener() != sqlstore.ListenerConnected {
				return false
			}
		}
		return true
	})
}

// eventually polls ok every few milliseconds until it holds, and fails
// the test after within; it returns how long it took.
func eventually(t *testing.T, within time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > within {
			t.Fatalf("%s: not after %v", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// TestChangesReachOtherNodes: what one node changes, another node's
// caches drop at once: a deactivated counter is refused, a renamed service
// is offered by its new name, new settings are in the next summary, and a
// questionnaire version synchronised by one node is known to the other.
func TestChangesReachOtherNodes(t *testing.T) {
	t.Parallel()
	n := twoNodes(t)
	a, b, u, svc, c := n.a, n.b, n.unit, n.svc, n.ctr
	ctx := context.Background()

	sv, err := b.SurveyByCode(ctx, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := b.SurveyByCode(ctx, c.Code); again != sv {
		t.Fatal("SurveyByCode does not cache: the test would prove nothing")
	}
	if _, err := a.UpdateService(ctx, svc.ID, "Perizinan Usaha", true); err != nil {
		t.Fatal(err)
	}
	took := eventually(t, heardWithin, "renamed service on the other node", func() bool {
		sv, err := b.SurveyByCode(ctx, c.Code)
		return err == nil && sv.Services[0].Name == "Perizinan Usaha"
	})
	t.Logf("service rename heard after %v", took)

	if _, err := a.UpdateCounter(ctx, c.ID, c.Name, 0, false); err != nil {
		t.Fatal(err)
	}
	took = eventually(t, heardWithin, "deactivated counter refused on the other node", func() bool {
		_, err := b.SurveyByCode(ctx, c.Code)
		return errors.Is(err, survey.ErrNotFound)
	})
	t.Logf("counter deactivation heard after %v", took)

	p := survey.Period{From: "2026-01-01", To: "2026-01-31"}
	sum, err := b.Summary(ctx, u.ID, p, survey.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.MinRespondents = sum.MinRespondents + 7
	if err := a.SetSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	took = eventually(t, heardWithin, "new settings in the other node's summary", func() bool {
		sum, err := b.Summary(ctx, u.ID, p, survey.Filter{})
		return err == nil && sum.MinRespondents == st.MinRespondents
	})
	t.Logf("settings change heard after %v", took)

	q := newVersion(t, a, 99)
	if err := a.SyncQuestionnaires(ctx, []*survey.Questionnaire{q}); err != nil {
		t.Fatal(err)
	}
	eventually(t, heardWithin, "new questionnaire version on the other node", func() bool {
		got, err := b.QuestionnaireByRef(q.Key, 99)
		return err == nil && got.SHA256 == q.SHA256
	})
}

// newVersion returns the default questionnaire as version v.
func newVersion(t *testing.T, s *sqlstore.Store, v int) *survey.Questionnaire {
	t.Helper()
	cur, err := s.QuestionnaireByRef(survey.DefaultQuestionnaireKey, 0)
	if err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	if err := json.Unmarshal(cur.Raw(), &def); err != nil {
		t.Fatal(err)
	}
	def["version"] = v
	raw, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	q, err := survey.ParseQuestionnaire(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestRolledBackChangeIsNotAnnounced: a write that fails announces
// nothing, because the announcement is part of its transaction. The proof
// is ordered, not timed: PostgreSQL delivers notifications in commit
// order, so once a later write is heard, an earlier one would have been.
func TestRolledBackChangeIsNotAnnounced(t *testing.T) {
	t.Parallel()
	n := twoNodes(t)
	ctx := context.Background()
	sv, err := n.b.SurveyByCode(ctx, n.ctr.Code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.a.CreateService(ctx, n.unit.ID, n.svc.Name); !errors.As(err, new(*survey.ValidationError)) {
		t.Fatalf("duplicate service: %v, want a validation error", err)
	}
	n.settle(t)
	if again, err := n.b.SurveyByCode(ctx, n.ctr.Code); err != nil || again != sv {
		t.Fatalf("the failed write dropped the other node's survey (%v)", err)
	}
}

// settle makes a change through a (the minimum group) and waits until b
// has heard it, and so every announcement committed before it.
func (n nodes) settle(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	p := survey.Period{From: "2026-01-01", To: "2026-01-31"}
	if _, err := n.b.Summary(ctx, n.unit.ID, p, survey.Filter{}); err != nil {
		t.Fatal(err)
	}
	st, err := n.a.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.MinGroup = st.MinGroup%50 + 1
	if err := n.a.SetSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	eventually(t, heardWithin, "settings heard", func() bool {
		sum, err := n.b.Summary(ctx, n.unit.ID, p, survey.Filter{})
		return err == nil && sum.MinGroup == st.MinGroup
	})
}

// TestListenerReconnects: when the listening connection is killed, the
// node reconnects, drops what it cached meanwhile, and hears changes
// again.
func TestListenerReconnects(t *testing.T) {
	t.Parallel()
	n := twoNodes(t)
	a, b, c := n.a, n.b, n.ctr
	ctx := context.Background()
	db, err := sql.Open("pgx", n.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	listener := func() (pid int) {
		err := db.QueryRow(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, "persepsi listen "+b.Node()).Scan(&pid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
		return pid
	}
	before := listener()
	if before == 0 {
		t.Fatal("no listening connection of node " + b.Node())
	}
	if _, err := b.SurveyByCode(ctx, c.Code); err != nil {
		t.Fatal(err)
	}
	var killed bool
	if err := db.QueryRow(`SELECT pg_terminate_backend($1)`, before).Scan(&killed); err != nil || !killed {
		t.Fatalf("pg_terminate_backend: %v %v", killed, err)
	}
	// A change committed while nobody listens is not delivered later:
	// it must be dropped on reconnecting (or age out of the short TTL).
	if _, err := a.UpdateCounter(ctx, c.ID, "Loket Satu", 0, true); err != nil {
		t.Fatal(err)
	}
	took := eventually(t, 5*time.Second, "listener back", func() bool {
		pid := listener()
		return pid != 0 && pid != before && b.Dialect().Listener() == sqlstore.ListenerConnected
	})
	t.Logf("listener reconnected after %v", took)
	eventually(t, heardWithin, "change made while disconnected", func() bool {
		sv, err := b.SurveyByCode(ctx, c.Code)
		return err == nil && sv.Counter.Name == "Loket Satu"
	})
	if _, err := a.UpdateCounter(ctx, c.ID, c.Name, 0, false); err != nil {
		t.Fatal(err)
	}
	took = eventually(t, heardWithin, "deactivated counter refused after reconnecting", func() bool {
		_, err := b.SurveyByCode(ctx, c.Code)
		return errors.Is(err, survey.ErrNotFound)
	})
	t.Logf("deactivation heard after reconnecting: %v", took)
}

// TestMaintenanceHasOneOwner: of two stores on one database only the one
// holding the claim seals and publishes; when it closes (as when its
// process dies and its session ends) the other takes over at its next
// interval.
func TestMaintenanceHasOneOwner(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	a := storetest.MustOpenPostgres(t, url)
	b := storetest.MustOpenPostgres(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// a claims at once, then waits an hour between rounds: while it owns
	// the maintenance nothing is sealed unless b, trying every 20 ms,
	// seals against the claim.
	go a.Maintain(ctx, time.Hour)
	eventually(t, 5*time.Second, "a claims maintenance", a.RunsMaintenance)
	const every = 20 * time.Millisecond
	go b.Maintain(ctx, every)
	go b.PublishEvery(ctx, time.Hour) // its start-up publication would seal too
	sv := storetest.Survey(t, a, "Asia/Jakarta")
	storetest.SubmitAt(t, a, sv, time.Now().Add(-3*time.Hour), 5, "4", "Tidak")
	sealed := func() bool {
		_, err := b.ChainHead(ctx, sv.Unit.ID)
		if err != nil && !errors.Is(err, survey.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	time.Sleep(15 * every)
	if sealed() || b.RunsMaintenance() {
		t.Fatalf("b sealed or claimed while a owns the maintenance (b claims: %v)", b.RunsMaintenance())
	}
	if cps, err := b.LatestCheckpoints(ctx); err != nil || len(cps) != 0 {
		t.Fatalf("b published %d checkpoints while a owns the maintenance (%v)", len(cps), err)
	}

	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	took := eventually(t, 5*time.Second, "b takes over and seals", func() bool { return b.RunsMaintenance() && sealed() })
	t.Logf("b took over %v after a closed (interval %v)", took, every)
	go b.PublishEvery(ctx, time.Hour)
	eventually(t, 5*time.Second, "b publishes", func() bool {
		cps, err := b.LatestCheckpoints(ctx)
		return err == nil && len(cps) == 1
	})
}

// TestDisconnectedNodeCachesBriefly: a node that cannot hear the others
// (its listener cut off and unable to reconnect) says so, and keeps what
// it caches for about a second only, so another node's change still shows
// within that; when it can reconnect it listens again. The listener is
// kept out by its role losing LOGIN, while the node's pools, connected
// already, keep serving.
func TestDisconnectedNodeCachesBriefly(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	a := storetest.MustOpenPostgres(t, url)
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	var schema string
	if err := admin.QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	role := schema + "_node"
	exec := func(q string) {
		t.Helper()
		if _, err := admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE ROLE ` + role + ` LOGIN`)
	t.Cleanup(func() { // after b closes (cleanups run last first)
		for _, q := range []string{`DROP OWNED BY ` + role, `DROP ROLE ` + role} {
			if _, err := admin.Exec(q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	exec(`GRANT ALL ON SCHEMA ` + schema + ` TO ` + role)
	exec(`GRANT ALL ON ALL TABLES IN SCHEMA ` + schema + ` TO ` + role)
	exec(`GRANT ALL ON ALL SEQUENCES IN SCHEMA ` + schema + ` TO ` + role)
	bURL, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	bURL.User = neturl.User(role)
	b := storetest.MustOpenPostgres(t, bURL.String())
	waitListening(t, a, b)

	ctx := context.Background()
	sv := storetest.Survey(t, a, "Asia/Jakarta")
	if _, err := b.SurveyByCode(ctx, sv.Counter.Code); err != nil {
		t.Fatal(err)
	}
	exec(`ALTER ROLE ` + role + ` NOLOGIN`)
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'persepsi listen ` + b.Node() + `'`)
	eventually(t, 5*time.Second, "b reports its listener disconnected", func() bool {
		h, err := b.Health(ctx)
		return err == nil && h.Listener == string(sqlstore.ListenerDisconnected)
	})
	if _, err := b.SurveyByCode(ctx, sv.Counter.Code); err != nil { // cached while deaf
		t.Fatal(err)
	}
	if _, err := a.UpdateCounter(ctx, sv.Counter.ID, sv.Counter.Name, 0, false); err != nil {
		t.Fatal(err)
	}
	took := eventually(t, 3*time.Second, "deactivation seen by the deaf node", func() bool {
		_, err := b.SurveyByCode(ctx, sv.Counter.Code)
		return errors.Is(err, survey.ErrNotFound)
	})
	if b.Dialect().Listener() != sqlstore.ListenerDisconnected {
		t.Fatal("b reconnected meanwhile: the test proves nothing about the short TTL")
	}
	t.Logf("a deaf node saw the deactivation after %v (short TTL)", took)

	exec(`ALTER ROLE ` + role + ` LOGIN`)
	eventually(t, 15*time.Second, "b listening again", func() bool { return b.Dialect().Listener() == sqlstore.ListenerConnected })
}
