package evidence

import (
	"math/rand/v2"
	"slices"
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
	d := &Dataset{Profile: []survey.ProfileField{{Code: ageField, Options: []string{"a", "b", "c", "d", "e", "f"}}, {Code: "jenis_kelamin", Options: []string{"L", "P"}},
		{Code: educationField, Options: []string{"SD", "SMP", "SMA", "D1-D3", "S1", "S2", "S3"}}}}
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		k := 2 + rng.IntN(9)
		n := 1 + rng.IntN([]int{8, 60, 3000}[seed%3])
		days, spread := 1+rng.IntN(30), 1+rng.IntN(6)
		recs := make([]qi, n)
		for i := range recs {
			recs[i] = qi{day: "2025-03-" + string(rune('0'+(1+rng.IntN(days))/10)) + string(rune('0'+(1+rng.IntN(days))%10)),
				hour: 7 + rng.IntN(10), counter: int64(1 + rng.IntN(spread)), service: int64(1 + rng.IntN(spread)),
				profile: []byte{byte(rng.IntN(7)), byte(rng.IntN(3)), byte(rng.IntN(8))}}
		}
		old, p := planBoth(d, recs, k)
		groups := map[string]int64{}
		var withheld int64
		for i := range recs {
			mask := p.masks[d.groupKey(&recs[i], p.level, 0)]
			if mask != 0 {
				withheld++
			}
			groups[d.groupKey(&recs[i], p.level, mask)]++
		}
		if got, was := starCells(d, p, recs), starCells(d, old, recs); got > was || got != p.cells {
			t.Fatalf("seed %d: %d cells withheld (plan says %d), %d by the whole-profile rule", seed, got, p.cells, was)
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

// starCells counts the cells a plan prints * in the rows of recs beyond
// its level, from each row's mask: the hour (below levelDay), counter and
// service, the day, each withheld profile field.
func starCells(d *Dataset, p *anonPlan, recs []qi) int64 {
	var n int64
	for i := range recs {
		mask := p.masks[d.groupKey(&recs[i], p.level, 0)]
		if mask&maskTime != 0 && p.level < levelDay {
			n++
		}
		if mask&maskPlace != 0 {
			n += 2
		}
		if mask&maskDay != 0 {
			n++
		}
		for f := range d.Profile {
			if mask&profileBit(f) != 0 {
				n++
			}
		}
	}
	return n
}

// planBoth plans recs as an export does (day by day, as EachRecord gives
// them), by the whole-profile rule and by the current one.
func planBoth(d *Dataset, recs []qi, k int) (old, p *anonPlan) {
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
			tallies[l].addDay(counts, k, int64(len(recs)), l == levels-1)
		}
	}
	return d.choosePlan(tallies, int64(len(recs)), k, true), d.choosePlan(tallies, int64(len(recs)), k, false)
}

// TestPlanCoarsensBeforeWithholding builds a day whose two small classes
// differ only in education (SD and SMP, 3 and 2 rows, k = 5) beside a
// class of 5: the whole-profile rule withholds all three profile cells of
// those 5 rows (15 cells), the per-field rule prints their education as
// "≤ SMP" and withholds nothing. A second case needs one field withheld
// (sex), not three.
func TestPlanCoarsensBeforeWithholding(t *testing.T) {
	t.Parallel()
	d := &Dataset{Profile: []survey.ProfileField{{Code: ageField, Options: []string{"a", "b", "c", "d", "e", "f"}}, {Code: "jenis_kelamin", Options: []string{"L", "P"}},
		{Code: educationField, Options: []string{"SD", "SMP", "SMA", "D1-D3", "S1", "S2", "S3"}}}}
	row := func(n int, profile ...byte) []qi {
		out := make([]qi, n)
		for i := range out {
			out[i] = qi{day: "2025-03-03", hour: 9, counter: 1, service: 1, profile: profile}
		}
		return out
	}
	for _, c := range []struct {
		name     string
		recs     []qi
		old, new int64
	}{
		{"education", slices.Concat(row(3, 1, 1, 1), row(2, 1, 1, 2), row(5, 5, 2, 6)), 15, 0},
		{"sex", slices.Concat(row(3, 1, 1, 3), row(2, 1, 2, 3), row(5, 5, 2, 6)), 15, 5},
	} {
		old, p := planBoth(d, c.recs, 5)
		if got, was := starCells(d, p, c.recs), starCells(d, old, c.recs); got != c.new || was != c.old {
			t.Errorf("%s: %d cells withheld, %d by the whole-profile rule; want %d and %d", c.name, got, was, c.new, c.old)
		}
		groups := map[string]int{}
		for i := range c.recs {
			groups[d.groupKey(&c.recs[i], p.level, p.masks[d.groupKey(&c.recs[i], p.level, 0)])]++
		}
		for _, n := range groups {
			if n < 5 {
				t.Errorf("%s: a class of %d rows", c.name, n)
			}
		}
	}
}
