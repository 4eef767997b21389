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
