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
// chosen level, added one step at a time until the class reaches k. Each
// profile field i has two bits: profileBit(i) withholds it, coarseBit(i)
// prints it in its coarser groups (see coarseGroups).
const (
	maskTime  uint64 = 1 << iota // jam
	maskPlace                    // layanan and loket
	maskDay                      // tanggal: the row moves to the end of the file
	maskFirstField
)

// maxProfileFields is how many profile fields a mask has bits for.
const maxProfileFields = (64 - 3) / 2

func profileBit(i int) uint64 { return maskFirstField << (2 * i) }
func coarseBit(i int) uint64  { return maskFirstField << (2*i + 1) }

// normal drops the coarse bit of every withheld field: such classes print
// alike, so they are one class.
func (d *Dataset) normal(mask uint64) uint64 {
	for i := range d.Profile {
		if mask&profileBit(i) != 0 {
			mask &^= coarseBit(i)
		}
	}
	return mask
}

// fullMask withholds every quasi-identifier.
func (d *Dataset) fullMask() uint64 {
	m := maskTime | maskPlace | maskDay
	for i := range d.Profile {
		m |= profileBit(i)
	}
	return m
}

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
	masks map[string]uint64
	// achieved is the smallest class of the exported rows (0 without rows).
	achieved int64
	// suppressed counts the rows with a withheld cell, cells the cells
	// withheld beyond the level.
	suppressed, cells int64
	rows              int64
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
func (d *Dataset) groupKey(q *qi, level int, mask uint64) string {
	mask = d.normal(mask)
	b := make([]byte, 0, 48)
	b = binary.BigEndian.AppendUint64(b, mask)
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
	for i, v := range q.profile {
		b = d.appendField(b, i, d.widen(i, v, level), mask)
	}
	return string(b)
}

// appendField appends profile answer v of field i (as widened at the
// level) as the mask prints it: nothing when withheld, its coarser group
// when the coarse bit is set.
func (d *Dataset) appendField(b []byte, i int, v byte, mask uint64) []byte {
	switch {
	case mask&profileBit(i) != 0:
		return b
	case mask&coarseBit(i) != 0 && v > 0:
		return append(b, d.coarse[i].of[v-1])
	}
	return append(b, v)
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

// educationField is a profile field with coarser groups of levels.
const educationField = "pendidikan"

// educationGroups are the coarser groups of education a class still
// smaller than k may be printed in, before the field is withheld.
var educationGroups = map[string]string{"SD": "≤ SMP", "SMP": "≤ SMP", "SMA": "SMA", "D1-D3": "D/S1", "S1": "D/S1", "S2": "S2/S3", "S3": "S2/S3"}

// occupationField is the other profile field with coarser groups.
const occupationField = "pekerjaan"

// occupationGroups are the coarser groups of occupation.
var occupationGroups = map[string]string{"PNS": "PNS/TNI/POLRI", "TNI": "PNS/TNI/POLRI", "POLRI": "PNS/TNI/POLRI", "Swasta": "Swasta/Wirausaha", "Wirausaha": "Swasta/Wirausaha", "Lainnya": "Lainnya"}

// coarseField is how a profile field prints in its coarser groups: the
// label of each option's group, and the group (1, 2, …) of each value as
// widened at the plan's level. A field without groups has no labels.
type coarseField struct {
	label []string
	of    []byte
}

// coarseGroups gives every profile field's coarser groups at a level: age
// in bands twice as wide as the level prints it, education and occupation
// by educationGroups and occupationGroups (when every option has a group);
// no others.
func (d *Dataset) coarseGroups(level int) []coarseField {
	out := make([]coarseField, len(d.Profile))
	for i, f := range d.Profile {
		var label []string
		switch f.Code {
		case ageField:
			w := 2
			if level >= levelWideAge {
				w = 4
			}
			for o := range f.Options {
				label = append(label, band(f.Options, o, w))
			}
		case educationField, occupationField:
			groups := educationGroups
			if f.Code == occupationField {
				groups = occupationGroups
			}
			for _, o := range f.Options {
				if g, ok := groups[o]; ok {
					label = append(label, g)
				}
			}
			if len(label) != len(f.Options) {
				label = nil
			}
		}
		if label == nil {
			continue
		}
		c := coarseField{label: label}
		ids := map[string]byte{}
		for o, l := range label {
			if ids[l] == 0 {
				ids[l] = byte(len(ids) + 1)
			}
			w := d.widen(i, byte(o+1), level)
			for len(c.of) < int(w) {
				c.of = append(c.of, 0)
			}
			c.of[w-1] = ids[l]
		}
		out[i] = c
	}
	return out
}

// withhold turns a class's key at a level (as groupKey gives it with no
// mask) into its key with the cells of mask withheld or coarsened, by
// dropping or mapping the key's parts: the plan keeps counts by key only,
// not each class's values.
func (d *Dataset) withhold(key string, level int, mask uint64) string {
	if mask == 0 {
		return key
	}
	mask = d.normal(mask)
	rest := key[8:]
	day := rest[:len(time.DateOnly)]
	rest = rest[len(day):]
	var clock string
	if level < levelDay {
		clock, rest = rest[:1], rest[1:]
	}
	_, n1 := binary.Varint([]byte(rest))
	_, n2 := binary.Varint([]byte(rest[n1:]))
	place, profile := rest[:n1+n2], rest[n1+n2:]
	b := binary.BigEndian.AppendUint64(nil, mask)
	if mask&maskDay == 0 {
		b = append(b, day...)
	}
	if mask&maskTime == 0 {
		b = append(b, clock...)
	}
	if mask&maskPlace == 0 {
		b = append(b, place...)
	}
	for i := range len(profile) {
		b = d.appendField(b, i, profile[i], mask)
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
func (d *Dataset) plan(ctx context.Context, store Store, k int, see func(rec *survey.Record)) error {
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
	err = d.eachRecord(ctx, store, func(rec *survey.Record) error {
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
	d.anon = d.choosePlan(tallies, rows, k, false)
	return nil
}

// choosePlan picks the finest level whose classes smaller than k hold at
// most suppressionLimit of the rows (the coarsest when none does), then
// withholds cells of those classes step by step until each, merged with
// the classes withheld alike, reaches k: it keeps whichever of two step
// orders withholds fewer cells (the first when equal), the per-field one
// (time; then one profile field at a time, printing it in its coarser
// groups before withholding it, the step that brings the most classes to k
// first; then counter and service; then the day) or the whole-profile one
// (time, every profile field, place, day: the rule of bundles exported
// before the per-field one, which legacy asks for alone). Classes of k or
// more are never touched, so no step shrinks one. When the rows withheld
// entirely are still fewer than k, the smallest other group is withheld
// entirely too.
func (d *Dataset) choosePlan(tallies []levelTally, rows int64, k int, legacy bool) *anonPlan {
	level := levels - 1
	for l, t := range tallies {
		if !t.out && float64(t.smallRows) <= suppressionLimit*float64(rows) {
			level = l
			break
		}
	}
	d.coarse = d.coarseGroups(level)
	p := d.stepPlan(tallies[level], level, rows, k, false)
	if legacy {
		return p
	}
	if q := d.stepPlan(tallies[level], level, rows, k, true); q.cells < p.cells {
		return q
	}
	return p
}

// stepPlan withholds cells of the level's small classes in one of the two
// step orders of choosePlan.
func (d *Dataset) stepPlan(t levelTally, level int, rows int64, k int, perField bool) *anonPlan {
	p := &anonPlan{k: k, level: level, masks: map[string]uint64{}, rows: rows}
	classes := map[string]int64{}
	pending := make([]string, 0, len(t.small))
	for _, c := range t.small {
		classes[c.key] = c.n
		pending = append(pending, c.key)
	}
	sort.Strings(pending)
	apply := func(step uint64) {
		n := map[string]int64{}
		for _, key := range pending {
			p.masks[key] |= step
			n[d.withhold(key, level, p.masks[key])] += classes[key]
		}
		var still []string
		for _, key := range pending {
			if n[d.withhold(key, level, p.masks[key])] < int64(k) {
				still = append(still, key)
			}
		}
		pending = still
	}
	// At levelDay and above the time is withheld from every row already;
	// its step then only marks the mask, so fully withheld keys are one.
	apply(maskTime)
	if perField {
		for len(pending) > 0 {
			step := d.bestFieldStep(pending, classes, p.masks, level, k)
			if step == 0 {
				break
			}
			apply(step)
		}
	}
	whole := uint64(0)
	for i := range d.Profile {
		whole |= profileBit(i)
	}
	for _, step := range []uint64{whole, maskPlace, maskDay} {
		if len(pending) > 0 {
			apply(step)
		}
	}
	full := d.fullMask()
	all := string(binary.BigEndian.AppendUint64(nil, full))
	groups := p.groups(d, classes)
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
			p.masks[large[0].key] = full
			large[0], large[1] = large[1], smallClass{}
		default:
			for key := range classes {
				if d.withhold(key, level, p.masks[key]) == smallest.key {
					p.masks[key] = full
				}
			}
		}
		groups = p.groups(d, classes)
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
			p.cells += classes[key] * d.withheldCells(level, mask)
		}
	}
	return p
}

// bestFieldStep is the next per-field step for the pending classes (which
// share one mask): for each profile field not yet withheld, printing it in
// its coarser groups when it has some and is not yet so printed, else
// withholding it. The step that brings the most pending classes to k wins,
// then the one leaving the fewest distinct classes, then the first field.
// 0 when every field is withheld.
func (d *Dataset) bestFieldStep(pending []string, classes map[string]int64, masks map[string]uint64, level, k int) uint64 {
	mask := masks[pending[0]]
	var best uint64
	bestDone, bestLeft := -1, 0
	for i := range d.Profile {
		step := profileBit(i)
		switch {
		case mask&profileBit(i) != 0:
			continue
		case d.coarse[i].label != nil && mask&coarseBit(i) == 0:
			step = coarseBit(i)
		}
		n := map[string]int64{}
		for _, key := range pending {
			n[d.withhold(key, level, mask|step)] += classes[key]
		}
		done := 0
		for _, key := range pending {
			if n[d.withhold(key, level, mask|step)] >= int64(k) {
				done++
			}
		}
		if done > bestDone || done == bestDone && len(n) < bestLeft {
			best, bestDone, bestLeft = step, done, len(n)
		}
	}
	return best
}

// withheldCells counts the cells printed * in a row with the mask, beyond
// what the level withholds from every row.
func (d *Dataset) withheldCells(level int, mask uint64) int64 {
	mask = d.normal(mask)
	var n int64
	if mask&maskTime != 0 && level < levelDay {
		n++
	}
	if mask&maskPlace != 0 {
		n += 2
	}
	if mask&maskDay != 0 {
		n++
	}
	for i := range d.Profile {
		if mask&profileBit(i) != 0 {
			n++
		}
	}
	return n
}

// groups sums the rows of each exported class that has withheld cells.
func (p *anonPlan) groups(d *Dataset, classes map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for key, n := range classes {
		out[d.withhold(key, p.level, p.masks[key])] += n
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
		"Tingkat generalisasi waktu untuk semua baris: %s. Baris yang kelompoknya masih kurang dari k disamarkan bertahap: jam; lalu kolom profil satu per satu, yang paling banyak menggenapkan kelompok lebih dulu, dan sebelum disamarkan sebuah kolom ditulis dalam kelompok yang lebih kasar bila ada (%s); lalu loket dan layanan; lalu tanggal. "+
		"Bila menyamarkan seluruh profil sekaligus menyamarkan lebih sedikit sel, cara itu yang dipakai. Sel disamarkan ditulis %s; baris bertanggal disamarkan diletakkan di akhir. Baris dengan sel disamarkan: %d dari %d baris; sel disamarkan: %d. %s. "+
		"Indeks dan statistik lain dihitung dari data lengkap sebelum generalisasi.",
		p.k, levelNames[p.level], coarseText, Withheld, p.suppressed, p.rows, p.cells, achieved)
}

// coarseText states the coarser groups of the profile fields.
const coarseText = "usia: kelompok dua kali lebih lebar (empat kali pada tingkat usia lebar); pendidikan: SD dan SMP → “≤ SMP”, SMA, D1-D3 dan S1 → “D/S1”, S2 dan S3 → “S2/S3”; pekerjaan: PNS, TNI dan POLRI → “PNS/TNI/POLRI”, Swasta dan Wirausaha → “Swasta/Wirausaha”, Lainnya"

// maskOf returns the cells withheld from the row of q.
func (p *anonPlan) maskOf(d *Dataset, q *qi) uint64 { return p.masks[d.groupKey(q, p.level, 0)] }
