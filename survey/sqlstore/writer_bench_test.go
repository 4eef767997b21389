package sqlstore_test

import (
	"context"
	"fmt"
	"persepsi/survey/storetest"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSubmit measures validated submissions through the batching writer
// from many goroutines, the path every HTTP submission takes after parsing.
func BenchmarkSubmit(b *testing.B) {
	s := mustOpen(b)
	sv := storetest.Survey(b, s, "Asia/Jakarta")
	ctx := context.Background()
	var seq atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			in := storetest.Input(sv, "5")
			in.Key = fmt.Sprintf("bench-%020d", seq.Add(1))
			r, err := sv.Validate(in, time.Now())
			if err != nil {
				b.Error(err)
				return
			}
			if _, _, err := s.Submit(ctx, r); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkHourManyUnits measures what one hour of a central deployment
// costs its maintenance owner beyond the submissions: sealing the closed
// hour of many units that each had a few responses (sealUnits units × 6,
// about a unit's share of 50 a day in one office hour), then publishing
// every unit's checkpoint. It reports the cost per unit, the figure the
// projection in docs/PERFORMANCE.md multiplies by the number of units.
// PERSEPSI_TEST_STORE=postgres runs it on PostgreSQL.
func BenchmarkHourManyUnits(b *testing.B) {
	const sealUnits = 200
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := mustOpen(b)
		hourAgo := time.Now().Add(-2 * time.Hour)
		for range sealUnits {
			sv := storetest.Survey(b, s, "Asia/Jakarta")
			storetest.SubmitAt(b, s, sv, hourAgo, 6, "5", "Tidak")
		}
		b.StartTimer()
		t0 := time.Now()
		n, err := s.SealClosed(ctx)
		if err != nil || n != sealUnits*6 {
			b.Fatalf("sealed %d of %d: %v", n, sealUnits*6, err)
		}
		seal := time.Since(t0)
		t0 = time.Now()
		cps, err := s.PublishCheckpoints(ctx, time.Now().Truncate(time.Hour))
		if err != nil || len(cps) != sealUnits {
			b.Fatalf("published %d of %d: %v", len(cps), sealUnits, err)
		}
		b.ReportMetric(float64(seal.Microseconds())/sealUnits, "seal-µs/unit")
		b.ReportMetric(float64(time.Since(t0).Microseconds())/sealUnits, "publish-µs/unit")
	}
}
