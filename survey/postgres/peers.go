package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"persepsi/survey/sqlstore"
)

// How the nodes on one database keep one another's caches and share the
// maintenance: announcements go through NOTIFY on a channel of the
// database's schema, each node LISTENs on a connection of its own, and the
// node holding a session advisory lock of the schema runs the maintenance.

const (
	// listenPing is how long the listener waits for an announcement
	// before it checks that its connection is still alive: a connection
	// that died silently (a network cut) would otherwise keep it waiting
	// for announcements that can no longer come.
	listenPing = 15 * time.Second
	// Reconnecting starts after minBackoff and doubles, to maxBackoff,
	// with jitter, so nodes cut off together do not return in step.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 10 * time.Second
)

// channelName is the NOTIFY channel of the stores in schema: readable
// where it fits PostgreSQL's 63-byte identifiers, else named by a digest.
func channelName(schema string) string {
	if c := "persepsi_" + schema; len(c) <= 63 {
		return c
	}
	sum := sha256.Sum256([]byte(schema))
	return "persepsi_" + hex.EncodeToString(sum[:16])
}

// Announce sends the payload on the schema's channel inside tx; PostgreSQL
// delivers a notification only when its transaction commits.
func (d *dialect) Announce(tx *gorm.DB, payload string) error {
	return tx.Exec(`SELECT pg_notify(?, ?)`, d.channel, payload).Error
}

// Listener reports the state of Listen's connection.
func (d *dialect) Listener() sqlstore.ListenerState {
	if d.listening.Load() {
		return sqlstore.ListenerConnected
	}
	return sqlstore.ListenerDisconnected
}

// Listen keeps one connection LISTENing on the schema's channel until ctx
// ends. lost is called once the connection is up (whatever was announced
// before LISTEN took effect was not heard) and whenever it is lost.
func (d *dialect) Listen(ctx context.Context, node string, hear func(context.Context, string), lost func()) {
	backoff := minBackoff
	for {
		err := d.listen(ctx, node, hear, lost, &backoff)
		if ctx.Err() != nil {
			d.listening.Store(false)
			return
		}
		if d.listening.Swap(false) {
			lost()
		}
		wait := backoff/2 + rand.N(backoff)
		d.log.Warn("not hearing other nodes' changes; caches kept briefly until reconnected", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listen is one connection's life: connect, LISTEN, hand over every
// notification until the connection fails.
func (d *dialect) listen(ctx context.Context, node string, hear func(context.Context, string), lost func(), backoff *time.Duration) error {
	conn, err := d.connect(ctx, "persepsi listen "+node)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{d.channel}.Sanitize()); err != nil {
		return err
	}
	// Caches are dropped before the store counts as listening, so nothing
	// cached before LISTEN took effect outlives this point.
	lost()
	d.listening.Store(true)
	*backoff = minBackoff
	for {
		wctx, cancel := context.WithTimeout(ctx, listenPing)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			hear(ctx, n.Payload)
		case ctx.Err() != nil:
			return ctx.Err()
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// connect opens a connection of its own (outside both pools), named in
// pg_stat_activity. The server is asked to probe the client every few
// seconds: a node cut off without closing its socket then loses its
// session (and the maintenance claim with it) in about half a minute,
// instead of after the system's default of two hours.
func (d *dialect) connect(ctx context.Context, name string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(d.dsn)
	if err != nil {
		return nil, err
	}
	for k, v := range map[string]string{
		"application_name":        name,
		"tcp_keepalives_idle":     "10",
		"tcp_keepalives_interval": "5",
		"tcp_keepalives_count":    "3",
	} {
		cfg.RuntimeParams[k] = v
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return pgx.ConnectConfig(cctx, cfg)
}

// claim is the maintenance claim: a connection of its own, and whether its
// session holds the lock.
type claim struct {
	mu     sync.Mutex
	conn   *pgx.Conn
	held   bool
	closed bool
}

// ClaimMaintenance takes the schema's maintenance lock on the claim's
// connection when it is free, or checks that the connection holding it
// is alive: a session keeps its advisory lock until it ends, so a live
// session still holds it.
func (d *dialect) ClaimMaintenance(ctx context.Context, node string) bool {
	c := &d.claim
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	if c.conn != nil {
		if err := c.conn.Ping(ctx); err != nil {
			c.drop()
		}
	}
	if c.held {
		return true
	}
	if c.conn == nil {
		conn, err := d.connect(ctx, "persepsi maintenance "+node)
		if err != nil {
			if ctx.Err() == nil {
				d.log.Warn("cannot claim maintenance", "err", err)
			}
			return false
		}
		c.conn = conn
	}
	err := c.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, `+schemaKey+`)`, maintenanceSpace).Scan(&c.held)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("cannot claim maintenance", "err", err)
		}
		c.drop()
	}
	return c.held
}

// drop forgets the claim's connection (and with it the lock).
func (c *claim) drop() {
	if c.conn != nil {
		_ = c.conn.Close(context.Background())
	}
	c.conn, c.held = nil, false
}

// Close ends the claim's session, which frees the lock for another node's
// next ClaimMaintenance.
func (d *dialect) Close() error {
	c := &d.claim
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.drop()
	return nil
}

// errNoSchema: the connection has no schema to create tables in (an empty
// search_path).
var errNoSchema = errors.New("storage: the connection has no current schema (search_path)")

// schemaChannel reads the connection's current schema and names its
// channel.
func schemaChannel(ctx context.Context, db *gorm.DB) (string, error) {
	var schema *string
	if err := db.WithContext(ctx).Raw(`SELECT current_schema()`).Scan(&schema).Error; err != nil {
		return "", err
	}
	if schema == nil {
		return "", errNoSchema
	}
	return channelName(*schema), nil
}
