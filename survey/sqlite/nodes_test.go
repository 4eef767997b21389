package sqlite_test

import (
	"context"
	"testing"
	"time"

	"persepsi/survey/storetest"
)

// TestSQLiteIsItsOwnNode: one process serves a SQLite file, so its store
// runs the maintenance as soon as Maintain starts and has no listener to
// report, and health says so.
func TestSQLiteIsItsOwnNode(t *testing.T) {
	t.Parallel()
	s := storetest.MustOpen(t)
	if s.Dialect().Name() != "sqlite" {
		t.Skip("this test is SQLite's (" + storetest.StoreEnv + " is set)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Maintain(ctx, time.Hour)
	for deadline := time.Now().Add(5 * time.Second); !s.RunsMaintenance(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the SQLite store does not run its maintenance")
		}
	}
	h, err := s.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.Database != "sqlite" || !h.MaintenanceOwner || h.Listener != "none" || len(h.Node) != 12 {
		t.Fatalf("health: database %q, owner %v, listener %q, node %q", h.Database, h.MaintenanceOwner, h.Listener, h.Node)
	}
}
