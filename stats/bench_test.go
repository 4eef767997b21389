package stats

import (
	"math/rand/v2"
	"testing"
)

const (
	benchItems     = 13
	benchResponses = 1_000_000
	benchPool      = 1 << 12 // distinct responses, cycled
)

// benchScores returns benchPool responses of benchItems scores on 1–6, flat.
func benchScores() []int {
	rng := rand.New(rand.NewPCG(2017, 14))
	flat := make([]int, benchPool*benchItems)
	for i := range flat {
		flat[i] = 1 + rng.IntN(6)
	}
	return flat
}

// BenchmarkAccumulate adds 1,000,000 responses of 13 items per iteration.
func BenchmarkAccumulate(b *testing.B) {
	flat := benchScores()
	a := NewAccumulator(benchItems)
	b.ReportAllocs()
	for b.Loop() {
		for r := range benchResponses {
			i := r % benchPool * benchItems
			a.Add(flat[i : i+benchItems])
		}
	}
	b.ReportMetric(float64(b.N)*benchResponses/b.Elapsed().Seconds(), "responses/s")
}

// BenchmarkAccumulateBaseline is the same-run baseline of
// BenchmarkAccumulate: a plain loop that reads the same 13,000,000 integers
// and sums them.
func BenchmarkAccumulateBaseline(b *testing.B) {
	flat := benchScores()
	var total int64
	for b.Loop() {
		for r := range benchResponses {
			i := r % benchPool * benchItems
			for _, s := range flat[i : i+benchItems] {
				total += int64(s)
			}
		}
	}
	b.ReportMetric(float64(b.N)*benchResponses/b.Elapsed().Seconds(), "responses/s")
	if total == 0 {
		b.Fatal("no work")
	}
}

// yearOfDays returns 365 daily Accumulators of 13 items, 300 responses each.
func yearOfDays() []*Accumulator {
	flat := benchScores()
	days := make([]*Accumulator, 365)
	for d := range days {
		days[d] = NewAccumulator(benchItems)
		for r := range 300 {
			i := (d*300 + r) % benchPool * benchItems
			days[d].Add(flat[i : i+benchItems])
		}
	}
	return days
}

// yearSummary merges the daily Accumulators and computes every statistic a
// report shows.
func yearSummary(days []*Accumulator) (Estimate, Reliability, []ItemValidity) {
	year := NewAccumulator(days[0].Items())
	for _, d := range days {
		year.Merge(d)
	}
	const population = 150_000
	for i := range year.Items() {
		e := ConvertEstimate(year.ItemEstimate(i, t95(population)), 6, Proportional)
		PredicateFor(e.Mean, DefaultPredicates())
	}
	section := ConvertEstimate(year.SectionEstimate(t95(population)), 6, Proportional)
	ThresholdVerdict(section, 3.60)
	LKEScore(section.Mean, DefaultLKEWeight)
	IKM(year.ItemMeans())
	return section, year.Alpha(0), year.ItemValidity(0)
}

// BenchmarkYearSummary merges 365 daily rollups of a 13-item section and
// computes every statistic from the result.
func BenchmarkYearSummary(b *testing.B) {
	days := yearOfDays()
	b.ReportAllocs()
	for b.Loop() {
		yearSummary(days)
	}
}

// BenchmarkYearSummaryBaseline is the same-run baseline of
// BenchmarkYearSummary: a plain loop summing the same 365 × 104 integers.
func BenchmarkYearSummaryBaseline(b *testing.B) {
	days := yearOfDays()
	var total int64
	for b.Loop() {
		for _, d := range days {
			for _, v := range d.sum {
				total += v
			}
			for _, v := range d.cross {
				total += v
			}
		}
	}
	if total == 0 {
		b.Fatal("no work")
	}
}

// BenchmarkYearDecode decodes 365 stored daily rollups, the step before
// BenchmarkYearSummary when the rollups come from the database.
func BenchmarkYearDecode(b *testing.B) {
	days := yearOfDays()
	blobs := make([][]byte, len(days))
	for i, d := range days {
		blobs[i], _ = d.MarshalBinary()
	}
	a := NewAccumulator(1)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range blobs {
			if err := a.UnmarshalBinary(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRolling computes a year of daily estimates with a 30-day window.
func BenchmarkRolling(b *testing.B) {
	days := yearOfDays()
	labels := make([]string, len(days))
	b.ReportAllocs()
	for b.Loop() {
		Rolling(labels, days, 30, t95(0))
	}
}
