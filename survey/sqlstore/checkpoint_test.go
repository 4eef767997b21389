package sqlstore_test

import (
	"context"
	"persepsi/survey/storetest"
	"testing"
	"time"
)

// TestPublishEveryStartsWithACheckpoint: data sealed before a node starts
// (a demo, an upgrade) is anchored at start-up, not only at the next
// interval boundary (an hour later by default, during which a bundle
// carried no checkpoint and a witness saw no unit). A restart with an
// unchanged head publishes nothing new.
func TestPublishEveryStartsWithACheckpoint(t *testing.T) {
	t.Parallel()
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Makassar")
	ctx := context.Background()
	r, err := sv.Validate(storetest.Input(sv, "5"), time.Now().Add(-3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Submit(ctx, r); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { s.PublishEvery(rctx, 24*time.Hour); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		var n int
		for time.Now().Before(deadline) {
			cps, err := s.Checkpoints(ctx, sv.Unit.ID, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if n = len(cps); n > 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		if n != 1 {
			t.Fatalf("start %d: %d checkpoints after start-up, want 1", run+1, n)
		}
		head, err := s.ChainHead(ctx, sv.Unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := s.LatestCheckpoint(ctx, sv.Unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Seq != head.Seq || cp.Hash != head.Hash {
			t.Fatalf("start %d: checkpoint %d/%s, head %d/%s", run+1, cp.Seq, cp.Hash, head.Seq, head.Hash)
		}
	}
}
