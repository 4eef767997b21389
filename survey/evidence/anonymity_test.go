package evidence

import (
	"math/rand/v2"
	"testing"

	"persepsi/survey"
)

// TestPlanReachesK draws random datasets (from 1 row to a few thousand,
// dense and sparse quasi-identifiers, k from 2 to 10), plans them as an
// export does (day by day), and groups every row by the cells it is
// exported with: each group holds at least k rows whenever the dataset
// does, the achieved k the plan reports is the smallest group, and the
// rows with withheld cells are counted right.
func TestPlanReachesK(t *testing.T) {
	t.Parallel()
	d := &Dataset{Profile: []survey.ProfileField{{Code: ageField, Options: []string{"a", "b", "c", "d", "e", "f"}}, {Code: "jenis_kelamin", Options: []string{"L", "P"}}}}
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		k := 2 + rng.IntN(9)
		n := 1 + rng.IntN([]int{8, 60, 3000}[seed%3])
		days, spread := 1+rng.IntN(30), 1+rng.IntN(6)
		recs := make([]qi, n)
		for i := range recs {
			recs[i] = qi{day: "2025-03-" + string(rune('0'+(1+rng.IntN(days))/10)) + string(rune('0'+(1+rng.IntN(days))%10)),
				hour: 7 + rng.IntN(10), counter: int64(1 + rng.IntN(spread)), service: int64(1 + rng.IntN(spread)),
				profile: []byte{byte(rng.IntN(7)), byte(rng.IntN(3))}}
		}
		// Records come day by day, as EachRecord gives them.
		byDay := map[string][]qi{}
		for _, q := range recs {
			byDay[q.day] = append(byDay[q.day], q)
		}
		tallies := make([]levelTally, levels)
		for _, qs := range byDay {
			for l := range levels {
				counts := map[string]int64{}
				for i := range qs {
					counts[d.groupKey(&qs[i], l, 0)]++
				}
				tallies[l].addDay(counts, k, int64(n), l == levels-1)
			}
		}
		p := choosePlan(tallies, int64(n), k)
		groups := map[string]int64{}
		var withheld int64
		for i := range recs {
			mask := p.masks[d.groupKey(&recs[i], p.level, 0)]
			if mask != 0 {
				withheld++
			}
			groups[d.groupKey(&recs[i], p.level, mask)]++
		}
		smallest := int64(n)
		for _, g := range groups {
			smallest = min(smallest, g)
		}
		if n >= k && smallest < int64(k) {
			t.Fatalf("seed %d (n %d, k %d, level %d): a group of %d rows", seed, n, k, p.level, smallest)
		}
		if p.achieved != smallest || p.suppressed != withheld || p.rows != int64(n) {
			t.Fatalf("seed %d: plan says achieved %d, withheld %d of %d; rows say %d, %d of %d", seed, p.achieved, p.suppressed, p.rows, smallest, withheld, n)
		}
	}
}
