package stats

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func TestAccumulatorSums(t *testing.T) {
	a := accumulate(t, handRows)
	// By hand from handRows: item sums 4+3+4+2+3 = 16, 3+3+4+2+4 = 16,
	// 4+2+4+3+4 = 17; Σx₁² = 16+9+16+4+9 = 54; Σx₁x₂ = 12+9+16+4+12 = 53;
	// Σx₂x₃ = 12+6+16+6+16 = 56; Σx₃² = 16+4+16+9+16 = 61.
	if a.N() != 5 || a.Items() != 3 {
		t.Fatalf("N, Items = %d, %d, want 5, 3", a.N(), a.Items())
	}
	for i, want := range []int64{16, 16, 17} {
		if a.sum[i] != want {
			t.Errorf("sum[%d] = %d, want %d", i, a.sum[i], want)
		}
	}
	for _, c := range []struct {
		i, j int
		want int64
	}{{0, 0, 54}, {0, 1, 53}, {1, 2, 56}, {2, 2, 61}} {
		if got := a.cross[a.tri(c.i, c.j)]; got != c.want {
			t.Errorf("Σx%dx%d = %d, want %d", c.i+1, c.j+1, got, c.want)
		}
	}
	// NRR by hand: 16/5 = 3.2, 16/5 = 3.2, 17/5 = 3.4.
	for i, want := range []float64{3.2, 3.2, 3.4} {
		assertClose(t, "ItemMean", a.ItemMean(i), want, 1e-15)
		assertClose(t, "ItemMeans", a.ItemMeans()[i], want, 1e-15)
	}
}

func TestAccumulatorPanics(t *testing.T) {
	a := NewAccumulator(3)
	mustPanic(t, "NewAccumulator(0)", func() { NewAccumulator(0) })
	mustPanic(t, "NewAccumulator(MaxItems+1)", func() { NewAccumulator(MaxItems + 1) })
	mustPanic(t, "Add short", func() { a.Add([]int{1, 2}) })
	mustPanic(t, "Add negative", func() { a.Add([]int{1, -1, 2}) })
	mustPanic(t, "Add above MaxScore", func() { a.Add([]int{1, MaxScore + 1, 2}) })
	mustPanic(t, "Merge sizes", func() { a.Merge(NewAccumulator(4)) })
	full := NewAccumulator(3)
	full.n = MaxResponses
	mustPanic(t, "Add to a full accumulator", func() { full.Add([]int{1, 1, 1}) })
	mustPanic(t, "Merge above MaxResponses", func() { full.Merge(accumulate(t, handRows)) })
	if a.N() != 0 || a.sum[0] != 0 {
		t.Errorf("rejected Add changed the accumulator: %+v", a)
	}
}

func TestEmptyAccumulator(t *testing.T) {
	a := NewAccumulator(4)
	if a.ItemMean(2) != 0 {
		t.Errorf("ItemMean of empty = %v, want 0", a.ItemMean(2))
	}
	e := a.SectionEstimate(t95(0))
	checkEstimate(t, "SectionEstimate", e)
	if e.Defined || e.Reason != "tidak ada responden" {
		t.Errorf("SectionEstimate of empty = %+v, want undefined, tidak ada responden", e)
	}
	mustPanic(t, "ItemMean out of range", func() { a.ItemMean(4) })
}

func TestCloneIndependent(t *testing.T) {
	a := accumulate(t, handRows)
	c := a.Clone()
	c.Add([]int{1, 1, 1})
	if a.N() != 5 || c.N() != 6 || a.sum[0] != 16 || c.sum[0] != 17 {
		t.Errorf("Clone shares state: a.N=%d c.N=%d", a.N(), c.N())
	}
}

// TestMergeAnyGrouping checks the property that makes daily rollups exact:
// merging accumulators of any partition of the responses, in any grouping,
// gives the accumulator of all responses, and the same statistics (relative
// error ≤ 1e-12).
func TestMergeAnyGrouping(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	for trial := range 50 {
		k := 1 + rng.IntN(13)
		rows := randomRows(rng, 1+rng.IntN(300), k, 2+rng.IntN(9))
		whole := accumulate(t, rows)

		// Split into random consecutive parts, then merge them in a random
		// tree: repeatedly merge a random neighbour pair.
		var parts []*Accumulator
		for i := 0; i < len(rows); {
			j := min(len(rows), i+1+rng.IntN(40))
			p := NewAccumulator(k)
			for _, r := range rows[i:j] {
				p.Add(r)
			}
			parts = append(parts, p)
			i = j
		}
		for len(parts) > 1 {
			i := rng.IntN(len(parts) - 1)
			before, _ := parts[i+1].MarshalBinary()
			parts[i].Merge(parts[i+1])
			after, _ := parts[i+1].MarshalBinary()
			if !bytes.Equal(before, after) {
				t.Fatal("Merge modified its argument")
			}
			parts = append(parts[:i+1], parts[i+2:]...)
		}
		merged := parts[0]

		wb, _ := whole.MarshalBinary()
		mb, _ := merged.MarshalBinary()
		if !bytes.Equal(wb, mb) {
			t.Fatalf("trial %d: merged sums differ from whole", trial)
		}
		we, me := whole.SectionEstimate(t95(0)), merged.SectionEstimate(t95(0))
		assertClose(t, "merged Mean", me.Mean, we.Mean, 1e-12)
		assertClose(t, "merged SD", me.SD, we.SD, 1e-12)
		assertClose(t, "merged Lo", me.Lo, we.Lo, 1e-12)
		wa, ma := whole.Alpha(0), merged.Alpha(0)
		if wa.Defined != ma.Defined {
			t.Fatalf("alpha defined %v vs %v", wa.Defined, ma.Defined)
		}
		assertClose(t, "merged alpha", ma.Alpha, wa.Alpha, 1e-12)

		// Removing a merged part gives back the rest exactly.
		rest := whole.Clone()
		head := accumulate(t, rows[:len(rows)/2+1])
		rest.unmerge(head)
		tail := NewAccumulator(k)
		for _, r := range rows[len(rows)/2+1:] {
			tail.Add(r)
		}
		rb, _ := rest.MarshalBinary()
		tb, _ := tail.MarshalBinary()
		if !bytes.Equal(rb, tb) {
			t.Fatalf("trial %d: whole − head ≠ tail", trial)
		}
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, a := range []*Accumulator{
		NewAccumulator(1),
		accumulate(t, handRows),
		accumulate(t, spakRows),
		accumulate(t, randomRows(rng, 1000, 13, 6)),
		accumulate(t, [][]int{{0, MaxScore}, {MaxScore, MaxScore}}),
	} {
		p, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if p[0] != 1 {
			t.Errorf("version byte %d, want 1", p[0])
		}
		b := NewAccumulator(7)
		if err := b.UnmarshalBinary(p); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		q, _ := b.MarshalBinary()
		if !bytes.Equal(p, q) || b.Items() != a.Items() || b.N() != a.N() {
			t.Fatalf("round trip changed the accumulator")
		}
	}
	// Compactness: 13 items, 300 respondents on 1–6 is 1+1+2 bytes of
	// header, 13 sums below 2¹⁴ (2 bytes each) and 91 cross products below
	// 300·36 < 2¹⁴ (2 bytes each): 4 + 26 + 182 = 212 bytes.
	p, _ := accumulate(t, randomRows(rng, 300, 13, 6)).MarshalBinary()
	if len(p) != 212 {
		t.Errorf("encoding of 13 items × 300 respondents is %d bytes, want 212", len(p))
	}
}

func TestUnmarshalRejects(t *testing.T) {
	good, _ := accumulate(t, handRows).MarshalBinary()
	// The encoding of handRows, by hand: version 1, k = 3, n = 5, item sums
	// 16 16 17, then Σx₁² = 54, Σx₁x₂ = 53, Σx₁x₃ = 16+6+16+6+12 = 56,
	// Σx₂² = 9+9+16+4+16 = 54, Σx₂x₃ = 12+6+16+6+16 = 56, Σx₃² = 61; every
	// value below 128 takes one byte.
	want := []byte{1, 3, 5, 16, 16, 17, 54, 53, 56, 54, 56, 61}
	if !bytes.Equal(good, want) {
		t.Fatalf("encoding = %v, want %v", good, want)
	}
	with := func(i int, v byte) []byte {
		p := bytes.Clone(good)
		p[i] = v
		return p
	}
	cases := []struct {
		name string
		p    []byte
	}{
		{"empty", nil},
		{"version 0", with(0, 0)},
		{"version 2", with(0, 2)},
		{"no items", with(1, 0)},
		{"too many items", []byte{1, 0x81, 0x01, 0}},
		{"truncated", good[:len(good)-1]},
		{"header only", good[:3]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"overlong varint", []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"n above MaxResponses", []byte{1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0}},
		{"sum above n·MaxScore", []byte{1, 1, 1, 101, 101}},
		{"sum of squares below sum", with(6, 15)},
		{"sum of squares above MaxScore·sum", []byte{1, 1, 1, 1, 101}},
		{"negative variance", with(6, 51)},                   // 5·51 = 255 < 16² = 256
		{"cross product beyond Cauchy–Schwarz", with(7, 58)}, // 58² = 3364 > 54·54 = 2916
	}
	for _, c := range cases {
		a := accumulate(t, handRows)
		err := a.UnmarshalBinary(c.p)
		if err == nil {
			t.Errorf("%s: accepted %v", c.name, c.p)
			continue
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v does not wrap ErrCorrupt", c.name, err)
		}
		if a.N() != 5 || a.sum[2] != 17 {
			t.Errorf("%s: failed UnmarshalBinary changed the accumulator", c.name)
		}
	}
}

// TestConcurrentReads runs the read-only methods side by side; with -race it
// checks the documented promise that they may run concurrently.
func TestConcurrentReads(t *testing.T) {
	a := accumulate(t, spakRows)
	want := a.SectionEstimate(t95(0))
	done := make(chan Estimate)
	for range 4 {
		go func() {
			a.Alpha(0)
			a.ItemValidity(0)
			a.MarshalBinary()
			done <- a.SectionEstimate(t95(0))
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Errorf("concurrent SectionEstimate = %+v, want %+v", got, want)
		}
	}
}
