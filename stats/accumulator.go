package stats

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	// MaxScore is the largest score Add accepts. Scores are integers in
	// [0, MaxScore]; with this bound every int64 sum of an Accumulator stays
	// exact up to MaxResponses respondents.
	MaxScore = 100

	// MaxItems is the largest number of items of one Accumulator. With this
	// bound the 128-bit co-moments of a whole section cannot overflow.
	MaxItems = 128

	// MaxResponses is the largest number of respondents an Accumulator holds
	// exactly: a cross-product sum is at most MaxResponses·MaxScore² < 2⁶³.
	MaxResponses = 1 << 49
)

// ErrCorrupt is wrapped by the errors of UnmarshalBinary.
var ErrCorrupt = errors.New("stats: corrupt accumulator encoding")

// Accumulator holds the mergeable sufficient statistics of one questionnaire
// section of k items over complete responses (every item answered with an
// integer score): the number of respondents n, the item sums Σxᵢ and the
// k×k cross-product matrix Σxᵢxⱼ, whose diagonal holds the item sums of
// squares. The per-respondent section totals T = Σᵢxᵢ follow exactly:
// ΣT = ΣᵢΣxᵢ and ΣT² = ΣᵢΣⱼΣxᵢxⱼ. All sums are exact int64, so adding,
// merging and (for rolling windows) removing days commute exactly, and every
// statistic of a date range computed from stored daily Accumulators equals
// the one computed from the raw responses.
//
// The zero value is not usable; create one with NewAccumulator. Methods that
// compute statistics only read, so they may run concurrently; Add, Merge and
// UnmarshalBinary need exclusive access.
type Accumulator struct {
	k     int
	n     int64
	sum   []int64 // Σxᵢ, i < k
	cross []int64 // Σxᵢxⱼ, i ≤ j, upper triangle packed row by row
}

// NewAccumulator returns an empty Accumulator for a section of the given
// number of items. It panics if items is not in [1, MaxItems].
func NewAccumulator(items int) *Accumulator {
	if items < 1 || items > MaxItems {
		panic(fmt.Sprintf("stats: item count %d outside [1, %d]", items, MaxItems))
	}
	sums := make([]int64, items+items*(items+1)/2)
	return &Accumulator{k: items, sum: sums[:items:items], cross: sums[items:]}
}

// Items returns the number of items k of the section.
func (a *Accumulator) Items() int { return a.k }

// N returns the number of respondents accumulated.
func (a *Accumulator) N() int64 { return a.n }

// checkItem panics unless i is an item index.
func (a *Accumulator) checkItem(i int) {
	if i < 0 || i >= a.k {
		panic(fmt.Sprintf("stats: item %d outside [0, %d)", i, a.k))
	}
}

// tri returns the index of Σxᵢxⱼ, i ≤ j, in the packed upper triangle.
func (a *Accumulator) tri(i, j int) int {
	return i*a.k - i*(i-1)/2 + (j - i)
}

// Add accumulates the scores of one respondent, one per item. It panics if
// len(scores) != a.Items(), a score is outside [0, MaxScore] or a already
// holds MaxResponses respondents. scores is not
// retained or modified. Add does not allocate.
func (a *Accumulator) Add(scores []int) {
	k := a.k
	if len(scores) != k {
		panic(fmt.Sprintf("stats: %d scores for %d items", len(scores), k))
	}
	for _, s := range scores {
		if uint(s) > MaxScore {
			panic(fmt.Sprintf("stats: score %d outside [0, %d]", s, MaxScore))
		}
	}
	if a.n == MaxResponses {
		panic("stats: accumulator full (MaxResponses)")
	}
	sum := a.sum[:k]
	cross := a.cross
	p := 0
	for i, si := range scores {
		x := int64(si)
		sum[i] += x
		tail := scores[i:]
		row := cross[p : p+len(tail)]
		for j, sj := range tail {
			row[j] += x * int64(sj)
		}
		p += len(tail)
	}
	a.n++
}

// Merge adds the statistics of b to a, as if every response of b had been
// added to a. b is not modified. It panics if the item counts differ or the
// merged count would exceed MaxResponses.
func (a *Accumulator) Merge(b *Accumulator) {
	a.combine(b, 1)
}

// unmerge removes from a the statistics of b, which must have been merged
// into a before; with exact sums a − b is exactly the rest.
func (a *Accumulator) unmerge(b *Accumulator) {
	a.combine(b, -1)
}

func (a *Accumulator) combine(b *Accumulator, sign int64) {
	if a.k != b.k {
		panic(fmt.Sprintf("stats: merging %d items into %d", b.k, a.k))
	}
	if sign > 0 && b.n > MaxResponses-a.n {
		panic("stats: merged accumulator above MaxResponses")
	}
	a.n += sign * b.n
	for i, v := range b.sum {
		a.sum[i] += sign * v
	}
	for i, v := range b.cross {
		a.cross[i] += sign * v
	}
}

// Clone returns an independent copy of a.
func (a *Accumulator) Clone() *Accumulator {
	c := NewAccumulator(a.k)
	c.n = a.n
	copy(c.sum, a.sum)
	copy(c.cross, a.cross)
	return c
}

// encodingVersion is the first byte of the binary form. Version 1 is
//
//	byte    1 (the version)
//	uvarint k, the number of items
//	uvarint n, the number of respondents
//	k uvarints          Σxᵢ
//	k(k+1)/2 uvarints   Σxᵢxⱼ for i ≤ j, row by row
//
// with nothing after it. A 13-item section of a few hundred respondents takes
// about 300 bytes.
const encodingVersion = 1

// MarshalBinary encodes a in the compact versioned form described at
// encodingVersion. It never fails.
func (a *Accumulator) MarshalBinary() ([]byte, error) {
	p := make([]byte, 0, 1+binary.MaxVarintLen64*(2+len(a.sum))+3*len(a.cross))
	p = append(p, encodingVersion)
	p = binary.AppendUvarint(p, uint64(a.k))
	p = binary.AppendUvarint(p, uint64(a.n))
	for _, v := range a.sum {
		p = binary.AppendUvarint(p, uint64(v))
	}
	for _, v := range a.cross {
		p = binary.AppendUvarint(p, uint64(v))
	}
	return p, nil
}

// UnmarshalBinary replaces a with the Accumulator encoded in p by
// MarshalBinary. It returns an error wrapping ErrCorrupt, and leaves a
// unchanged, if p is not such an encoding: unknown version, truncated or
// trailing bytes, or sums that no set of responses with scores in
// [0, MaxScore] can produce (checked: n ≤ MaxResponses, 0 ≤ Σxᵢ ≤ n·MaxScore,
// Σxᵢ ≤ Σxᵢ² ≤ MaxScore·Σxᵢ, (Σxᵢ)² ≤ n·Σxᵢ², (Σxᵢxⱼ)² ≤ Σxᵢ²·Σxⱼ²). These checks
// cannot prove the sums came from real responses; for any accepted input
// every statistic still stays finite and in range.
func (a *Accumulator) UnmarshalBinary(p []byte) error {
	if len(p) == 0 {
		return fmt.Errorf("%w: empty", ErrCorrupt)
	}
	if p[0] != encodingVersion {
		return fmt.Errorf("%w: unknown version %d", ErrCorrupt, p[0])
	}
	d := decoder{p: p[1:]}
	k := d.uvarint(MaxItems)
	n := d.uvarint(MaxResponses)
	if d.err != nil {
		return d.err
	}
	if k < 1 {
		return fmt.Errorf("%w: no items", ErrCorrupt)
	}
	// Every remaining value takes at least one byte: check before allocating.
	if want := k + k*(k+1)/2; uint64(len(d.p)) < want {
		return fmt.Errorf("%w: %d bytes for %d values", ErrCorrupt, len(d.p), want)
	}
	b := NewAccumulator(int(k))
	b.n = int64(n)
	d.values(b.sum, n*MaxScore)
	d.values(b.cross, n*MaxScore*MaxScore)
	if d.err != nil {
		return d.err
	}
	if len(d.p) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(d.p))
	}
	if err := b.checkConsistent(); err != nil {
		return err
	}
	*a = *b
	return nil
}

// checkConsistent checks the inequalities that sums of real responses obey.
func (a *Accumulator) checkConsistent() error {
	for i, s := range a.sum {
		sq := a.cross[a.tri(i, i)]
		if sq < s || sq > MaxScore*s { // integers in [0, MaxScore]: x ≤ x² ≤ MaxScore·x
			return fmt.Errorf("%w: item %d sum of squares %d out of range", ErrCorrupt, i, sq)
		}
		if mulNonNeg(a.n, sq).sub(mulNonNeg(s, s)).sign() < 0 {
			return fmt.Errorf("%w: item %d has negative variance", ErrCorrupt, i)
		}
		for j := i + 1; j < a.k; j++ {
			c := a.cross[a.tri(i, j)]
			if mulNonNeg(sq, a.cross[a.tri(j, j)]).sub(mulNonNeg(c, c)).sign() < 0 {
				return fmt.Errorf("%w: items %d and %d cross product out of range", ErrCorrupt, i, j)
			}
		}
	}
	return nil
}

// decoder reads bounded uvarints and keeps the first error.
type decoder struct {
	p   []byte
	err error
}

func (d *decoder) uvarint(max uint64) uint64 {
	v, w := binary.Uvarint(d.p)
	if w <= 0 || v > max {
		d.fail(w, v, max)
		return 0
	}
	d.p = d.p[w:]
	return v
}

// values decodes len(dst) uvarints of at most max into dst.
func (d *decoder) values(dst []int64, max uint64) {
	p := d.p
	for i := range dst {
		v, w := binary.Uvarint(p)
		if w <= 0 || v > max {
			d.fail(w, v, max)
			return
		}
		dst[i] = int64(v)
		p = p[w:]
	}
	d.p = p
}

// fail records the first decoding error; kept out of uvarint so that the
// hot path inlines.
func (d *decoder) fail(w int, v, max uint64) {
	if d.err != nil {
		return
	}
	if w <= 0 {
		d.err = fmt.Errorf("%w: truncated or overlong value", ErrCorrupt)
		return
	}
	d.err = fmt.Errorf("%w: value %d above %d", ErrCorrupt, v, max)
}
