package evidence

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"persepsi/survey"
)

// DefaultK is the k of k-anonymity exported rows meet by default: every
// combination of the quasi-identifiers (time bucket, counter, service and
// the profile fields) is shared by at least k rows.
const DefaultK = 5

// suppressionLimit is the share of rows a generalisation level may leave in
// classes smaller than k; those rows get their cells suppressed. A level
// that leaves more is too fine, and the next one is tried.
const suppressionLimit = 0.10

// Withheld is the cell of a quasi-identifier withheld for anonymity.
const Withheld = "*"

// The generalisation levels, applied to every row: the hour, the part of the
// day, the day alone, the day alone with age in bands twice as wide.
const (
	levelHour = iota
	levelPartOfDay
	levelDay
	levelWideAge
	levels
)

// The cells withheld from the rows of a class still smaller than k at the
// chosen level, added one step at a time until the class reaches k.
const (
	maskTime    = 1 << iota // jam
	maskProfile             // every profile field
	maskPlace               // layanan and loket
	maskDay                 // tanggal: the row moves to the end of the file
	maskAll     = maskTime | maskProfile | maskPlace | maskDay
)

// partsOfDay divide the local day (upper bounds exclusive).
var partsOfDay = []struct {
	until int
	label string
}{{5, "dini hari (00–04)"}, {11, "pagi (05–10)"}, {15, "siang (11–14)"}, {18, "sore (15–17)"}, {24, "malam (18–23)"}}

func partOfDay(hour int) int {
	for i, p := range partsOfDay {
		if hour < p.until {
			return i
		}
	}
	return len(partsOfDay) - 1
}

// anonPlan is how a dataset's rows are generalised: one level for every
// row, and the cells withheld from the rows of classes still smaller than
// k, by their class at that level. It is computed from the dataset's own
// records, so every rendering of the same snapshot (export, Verify)
// prints each row the same way.
type anonPlan struct {
	k     int
	level int
	masks map[string]uint8
	// achieved is the smallest class of the exported rows (0 without rows).
	achieved int64
	// suppressed counts the rows with a withheld cell.
	suppressed int64
	rows       int64
}

// qi is a record's quasi-identifiers: its local day, the hour of its time
// bucket, counter, service and profile answers (option index + 1, 0 when
// not answered).
type qi struct {
	day              string
	hour             int
	counter, service int64
	profile          []byte
}

// quasi reads a record's quasi-identifiers.
func (d *Dataset) quasi(rec *survey.Record, dst *qi) {
	dst.day = rec.LocalDay
	dst.hour = rec.SubmittedAt.In(d.Unit.Location()).Hour()
	dst.counter, dst.service = rec.CounterID, rec.ServiceID
	dst.profile = dst.profile[:0]
	for _, f := range d.Profile {
		v, code := byte(0), rec.Profile(f.Code)
		for i, o := range f.Options {
			if o == code {
				v = byte(i + 1)
			}
		}
		dst.profile = append(dst.profile, v)
	}
}

// groupKey encodes q generalised to a level with the cells of mask
// withheld: rows with equal keys are one class of the exported data.
func (d *Dataset) groupKey(q *qi, level int, mask uint8) string {
	b := make([]byte, 0, 40)
	b = append(b, mask)
	if mask&maskDay == 0 {
		b = append(b, q.day...)
	}
	switch {
	case mask&maskTime != 0 || level >= levelDay:
	case level == levelHour:
		b = append(b, byte(q.hour))
	default:
		b = append(b, byte(100+partOfDay(q.hour)))
	}
	if mask&maskPlace == 0 {
		b = binary.AppendVarint(b, q.counter)
		b = binary.AppendVarint(b, q.service)
	}
	if mask&maskProfile == 0 {
		for i, v := range q.profile {
			b = append(b, d.widen(i, v, level))
		}
	}
	return string(b)
}

// widen is profile answer v of field i at a level: ages in bands twice as
// wide at levelWideAge (option pairs 1+2, 3+4, …).
func (d *Dataset) widen(i int, v byte, level int) byte {
	if level >= levelWideAge && d.Profile[i].Code == ageField && v > 0 {
		return (v-1)/2 + 1
	}
	return v
}

// ageField is the profile field widened at levelWideAge.
const ageField = "usia"

// withhold turns a class's key at a level (as groupKey gives it with no
// mask) into its key with the cells of mask withheld, by dropping the
// key's parts: the plan keeps counts by key only, not each class's values.
func withhold(key string, level int, mask uint8) string {
	if mask == 0 {
		return key
	}
	rest := key[1:]
	day := rest[:len(time.DateOnly)]
	rest = rest[len(day):]
	var clock string
	if level < levelDay {
		clock, rest = rest[:1], rest[1:]
	}
	_, n1 := binary.Varint([]byte(rest))
	_, n2 := binary.Varint([]byte(rest[n1:]))
	place, profile := rest[:n1+n2], rest[n1+n2:]
	b := []byte{mask}
	if mask&maskDay == 0 {
		b = append(b, day...)
	}
	if mask&maskTime == 0 {
		b = append(b, clock...)
	}
	if mask&maskPlace == 0 {
		b = append(b, place...)
	}
	if mask&maskProfile == 0 {
		b = append(b, profile...)
	}
	return string(b)
}

// levelTally is what the pass keeps of one level: its classes under k
// (while the level may still be chosen), how many rows they hold, and the
// two smallest classes of k or more. Records come day by day and every
// class lies within a day, so a day's counts are dropped once the day is
// done: memory follows the small classes, not the rows.
type levelTally struct {
	small     []smallClass
	smallRows int64
	// out marks a level whose small classes already exceed the limit.
	out   bool
	large [2]smallClass
}

type smallClass struct {
	key string
	n   int64
}

// before orders classes by size, then key.
func (a smallClass) before(b smallClass) bool { return a.n < b.n || a.n == b.n && a.key < b.key }

// keepLarge remembers c if it is among the two smallest large classes.
func (t *levelTally) keepLarge(c smallClass) {
	switch {
	case t.large[0].n == 0 || c.before(t.large[0]):
		t.large[1], t.large[0] = t.large[0], c
	case t.large[1].n == 0 || c.before(t.large[1]):
		t.large[1] = c
	}
}

// addDay takes the class counts of one day at the level. bound is at least
// the number of rows of the dataset; the coarsest level is the fallback
// and keeps its small classes however many.
func (t *levelTally) addDay(counts map[string]int64, k int, bound int64, coarsest bool) {
	for key, n := range counts {
		if n >= int64(k) {
			t.keepLarge(smallClass{key, n})
			continue
		}
		t.smallRows += n
		if !t.out {
			t.small = append(t.small, smallClass{key, n})
		}
	}
	if !coarsest && float64(t.smallRows) > suppressionLimit*float64(bound) {
		t.out, t.small = true, nil
	}
}

// plan reads every record of the snapshot once and chooses the
// generalisation. see, when not nil, hears every record of the pass.
func (d *Dataset) plan(ctx context.Context, store *survey.Store, k int, see func(rec *survey.Record)) error {
	bound, err := store.CountPeriodResponses(ctx, d.Unit.ID, d.Period)
	if err != nil {
		return err
	}
	tallies := make([]levelTally, levels)
	day := make([]map[string]int64, levels)
	for i := range day {
		day[i] = map[string]int64{}
	}
	flush := func() {
		for l := range levels {
			tallies[l].addDay(day[l], k, bound, l == levels-1)
			clear(day[l])
		}
	}
	var q qi
	var rows int64
	current := ""
	err = store.EachRecord(ctx, d.Unit.ID, d.Period, d.AsOf, func(rec *survey.Record) error {
		if rec.Seq == 0 || rec.Seq > d.AsOf {
			return nil
		}
		if see != nil {
			see(rec)
		}
		if rec.LocalDay != current {
			flush()
			current = rec.LocalDay
		}
		rows++
		d.quasi(rec, &q)
		for l := range levels {
			day[l][d.groupKey(&q, l, 0)]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	flush()
	d.anon = choosePlan(tallies, rows, k)
	return nil
}

// choosePlan picks the finest level whose classes smaller than k hold at
// most suppressionLimit of the rows (the coarsest when none does), then
// withholds cells of those classes step by step (time, profile, place,
// day) until each, merged with the classes withheld alike, reaches k.
// Classes of k or more are never touched, so no step shrinks one. When the
// rows withheld entirely are still fewer than k, the smallest other group
// is withheld entirely too.
func choosePlan(tallies []levelTally, rows int64, k int) *anonPlan {
	p := &anonPlan{k: k, level: levels - 1, masks: map[string]uint8{}, rows: rows}
	for l, t := range tallies {
		if !t.out && float64(t.smallRows) <= suppressionLimit*float64(rows) {
			p.level = l
			break
		}
	}
	t := tallies[p.level]
	classes := map[string]int64{}
	pending := make([]string, 0, len(t.small))
	for _, c := range t.small {
		classes[c.key] = c.n
		pending = append(pending, c.key)
	}
	sort.Strings(pending)
	// At levelDay and above the time is withheld from every row already;
	// its step then only marks the mask, so fully withheld keys are one.
	for _, step := range []uint8{maskTime, maskProfile, maskPlace, maskDay} {
		if len(pending) == 0 {
			break
		}
		n := map[string]int64{}
		for _, key := range pending {
			p.masks[key] |= step
			n[withhold(key, p.level, p.masks[key])] += classes[key]
		}
		var still []string
		for _, key := range pending {
			if n[withhold(key, p.level, p.masks[key])] < int64(k) {
				still = append(still, key)
			}
		}
		pending = still
	}
	all := string([]byte{maskAll})
	groups := p.groups(classes)
	large := t.large
	if n := groups[all]; n > 0 && n < int64(k) {
		// The smallest other group: a withheld one, or the smallest class
		// left whole.
		smallest := large[0]
		for g, n := range groups {
			if c := (smallClass{g, n}); g != all && (smallest.n == 0 || c.before(smallest)) {
				smallest = c
			}
		}
		switch {
		case smallest.n == 0:
		case smallest == large[0] && p.masks[large[0].key] == 0 && classes[large[0].key] == 0:
			classes[large[0].key] = large[0].n
			p.masks[large[0].key] = maskAll
			large[0], large[1] = large[1], smallClass{}
		default:
			for key := range classes {
				if withhold(key, p.level, p.masks[key]) == smallest.key {
					p.masks[key] = maskAll
				}
			}
		}
		groups = p.groups(classes)
	}
	p.achieved = large[0].n
	for _, n := range groups {
		if p.achieved == 0 || n < p.achieved {
			p.achieved = n
		}
	}
	for key, mask := range p.masks {
		if mask != 0 {
			p.suppressed += classes[key]
		}
	}
	return p
}

// groups sums the rows of each exported class that has withheld cells.
func (p *anonPlan) groups(classes map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for key, n := range classes {
		out[withhold(key, p.level, p.masks[key])] += n
	}
	return out
}

// levelNames describe the generalisation levels.
var levelNames = [levels]string{
	levelHour:      "jam penuh",
	levelPartOfDay: "bagian hari (dini hari, pagi, siang, sore, malam)",
	levelDay:       "hari saja (jam disamarkan)",
	levelWideAge:   "hari saja, dengan kelompok usia dua kali lebih lebar",
}

// anonymityText states the policy and what the rows achieve, for the
// codebook and the report.
func (ex *Export) anonymityText() string { return ex.Dataset.anonymityText() }

func (d *Dataset) anonymityText() string {
	p := d.anon
	achieved := "tidak ada baris"
	if p.rows > 0 {
		achieved = fmt.Sprintf("k tercapai = %d", p.achieved)
		if p.achieved < int64(p.k) {
			achieved += fmt.Sprintf(" (seluruh data hanya %d baris, kurang dari k)", p.rows)
		}
	}
	return fmt.Sprintf("Baris data memenuhi k-anonimitas dengan k = %d atas waktu, loket, layanan dan profil responden: setiap kombinasi nilai tersebut dimiliki sedikitnya k baris. "+
		"Tingkat generalisasi waktu untuk semua baris: %s. Baris yang kelompoknya masih kurang dari k disamarkan bertahap (jam, lalu profil, lalu loket dan layanan, lalu tanggal; sel disamarkan ditulis %s; baris bertanggal disamarkan diletakkan di akhir): %d dari %d baris. %s. "+
		"Indeks dan statistik lain dihitung dari data lengkap sebelum generalisasi.",
		p.k, levelNames[p.level], Withheld, p.suppressed, p.rows, achieved)
}

// maskOf returns the cells withheld from the row of q.
func (p *anonPlan) maskOf(d *Dataset, q *qi) uint8 { return p.masks[d.groupKey(q, p.level, 0)] }
