package survey

import (
	"fmt"
	"math/big"
	"persepsi/stats"
	"sort"
	"time"
)

// Level is the confidence level of every interval Persepsi prints.
const Level = 0.95

// RollingWindow is the window of the rolling mean in daily series, in days.
const RollingWindow = 7

// SmallDayN marks a day with fewer responses as small in trend charts: its
// own interval is too wide to read much into.
const SmallDayN = 10

// MaxSeriesDays bounds a daily series (two years and a day).
const MaxSeriesDays = 731

// MaxSuggestions is how many latest suggestions a summary carries.
const MaxSuggestions = 20

// largePopulation stands for "N unknown" in the Krejcie–Morgan formula,
// which tends to 384 as N grows.
const largePopulation = 1_000_000_000

// SummaryInput is everything Summarize needs; it holds no connection to a
// database, so a summary can be built from any consistent snapshot.
type SummaryInput struct {
	Unit Unit
	// Versions names the questionnaire versions that version breaks may
	// refer to (optional: an unnamed break still carries its id and counts).
	Versions []*Questionnaire
	Period   Period
	Filter   Filter
	Settings Settings
	// Population is N, the period's number of service users; 0: unknown.
	Population int64
	// Counters and Services are the unit's, in the order breakdowns list
	// them; groups of the rollups missing here are listed after them.
	Counters []Counter
	Services []Service
	Rollups  *Rollups
	// GeneratedAt is when the numbers were read.
	GeneratedAt time.Time
}

// Summarize computes the summary of one unit's period from its rollups and
// settings. It reads nothing else: the store's Summary and an evidence
// export that gathered Rollups from its own snapshot of records print the
// same numbers for the same responses. Three rules keep respondents of small
// groups unidentifiable (see docs/STATISTICS.md, "Kelompok kecil"):
//   - a counter or service with fewer than Settings.MinGroup responses is
//     hidden from breakdowns, and so is the next smallest one when the
//     hidden ones hold fewer than MinGroup together (secondary
//     suppression), so no hidden n follows from the total minus the rest;
//   - a filter naming a hidden group, or a counter × service cell that is
//     not a whole shown group, yields a withheld summary without numbers;
//   - a filtered summary carries no cross breakdown.
//
// in.Rollups must not be nil; zero settings take their defaults.
func Summarize(in SummaryInput) *Summary {
	rs := in.Rollups
	q := rs.q
	st := in.Settings.withDefaults()
	f := in.Filter
	sum := &Summary{
		Unit: in.Unit, Zone: ZoneAbbr(in.Unit.TimeZone), Questionnaire: q, Period: in.Period, Filter: f,
		Conversion: string(conversionOf(q)), IntervalMethod: string(stats.DefaultInterval), Thresholds: st.Thresholds, MinGroup: st.MinGroup,
		MinRespondents: st.MinRespondents, GeneratedAt: in.GeneratedAt,
	}
	counterN, serviceN := map[int64]int64{}, map[int64]int64{}
	for k, p := range rs.pairs {
		if p.counted.N > 0 {
			counterN[k.CounterID] += p.counted.N
			serviceN[k.ServiceID] += p.counted.N
		}
	}
	hiddenC, hiddenS := suppressGroups(counterN, st.MinGroup), suppressGroups(serviceN, st.MinGroup)
	if reason := withheldReason(rs, f, counterN, serviceN, hiddenC, hiddenS); reason != "" {
		sum.Withheld = reason
		return sum
	}

	sel := NewRollup(q)
	var excluded int64
	var exclControl [2]int64
	var suggestions []Suggestion
	for k, p := range rs.pairs {
		if !f.matches(k) {
			continue
		}
		sel.Merge(p.counted)
		excluded += p.excluded
		exclControl[0] += p.exclControl[0]
		exclControl[1] += p.exclControl[1]
		suggestions = append(suggestions, p.suggestions...)
	}
	sum.N, sum.Excluded = sel.N, excluded
	sum.VersionBreaks = rs.versionBreaks(f, in.Versions)

	pop := in.Population
	sum.Sample = sampleSize(sel.N, pop, f)
	if !sum.Sample.FPCApplied {
		pop = 0
	}
	sum.Sections = sectionSummaries(q, sel, pop, st)
	sum.Sample.Margins = margins(sum.Sections)
	sum.Control = controlSummary(q, sel, exclControl)
	sum.Profile = profileSummaries(q, sel)

	names := map[int64]string{}
	for _, sv := range in.Services {
		names[sv.ID] = sv.Name
	}
	sortSuggestions(suggestions)
	for _, s := range suggestions[:min(len(suggestions), MaxSuggestions)] {
		if !hiddenS[s.ServiceID] {
			s.Service = names[s.ServiceID]
		}
		sum.Suggestions = append(sum.Suggestions, s)
	}

	if f != (Filter{}) {
		sum.BreakdownNote = "Rincian per loket dan per layanan hanya ditampilkan tanpa penyaring: rincian silang loket × layanan dapat mengungkap kelompok kecil."
		return sum
	}
	byCounter, byService := map[int64]*Rollup{}, map[int64]*Rollup{}
	for k, p := range rs.pairs {
		groupInto(byCounter, k.CounterID, p.counted)
		groupInto(byService, k.ServiceID, p.counted)
	}
	counters := make([]namedGroup, 0, len(in.Counters))
	for _, c := range in.Counters {
		counters = append(counters, namedGroup{c.ID, c.Name})
	}
	services := make([]namedGroup, 0, len(in.Services))
	for _, sv := range in.Services {
		services = append(services, namedGroup{sv.ID, sv.Name})
	}
	sum.Counters, sum.HiddenCounters = breakdown(q, counters, byCounter, hiddenC)
	sum.Services, sum.HiddenServices = breakdown(q, services, byService, hiddenS)
	return sum
}

// matches reports whether pair k passes the filter.
func (f Filter) matches(k GroupKey) bool {
	return (f.CounterID == 0 || f.CounterID == k.CounterID) && (f.ServiceID == 0 || f.ServiceID == k.ServiceID)
}

// withheldText is the one reason given for every withheld group: saying
// which rule hid it would tell a small group from a secondary suppression.
const withheldText = "Data kelompok ini tidak ditampilkan untuk menjaga kerahasiaan responden: jumlah responsnya di bawah ukuran kelompok minimum, atau angkanya dapat dipakai untuk menghitung kelompok kecil lain dari selisih."

// withheldReason returns why the filtered group may not be shown, or "".
// A single counter or service may be shown when its breakdown row is; a
// counter × service cell only when it is the whole of a shown counter or
// service (otherwise it is a cross-tabulation cell, which the breakdowns
// never publish). An empty selection reveals no respondent and is shown.
func withheldReason(rs *Rollups, f Filter, counterN, serviceN map[int64]int64, hiddenC, hiddenS map[int64]bool) string {
	switch {
	case f.CounterID == 0 && f.ServiceID == 0:
		return ""
	case f.ServiceID == 0:
		if hiddenC[f.CounterID] {
			return withheldText
		}
		return ""
	case f.CounterID == 0:
		if hiddenS[f.ServiceID] {
			return withheldText
		}
		return ""
	}
	var cell int64
	if p, ok := rs.pairs[GroupKey{f.CounterID, f.ServiceID}]; ok {
		cell = p.counted.N
	}
	wholeCounter := cell == counterN[f.CounterID] && !hiddenC[f.CounterID]
	wholeService := cell == serviceN[f.ServiceID] && !hiddenS[f.ServiceID]
	if cell == 0 || wholeCounter || wholeService {
		return ""
	}
	return withheldText
}

// suppressGroups returns the groups of a breakdown to hide, given each
// group's number of responses: every group below minGroup (primary
// suppression) and then, while the hidden groups together hold fewer than
// minGroup, the smallest shown group (secondary suppression; ties by id).
// Then the total minus the shown groups is either 0 or at least minGroup,
// so no hidden group's n, nor its statistics, follow by subtraction.
func suppressGroups(n map[int64]int64, minGroup int) map[int64]bool {
	hidden := map[int64]bool{}
	var hiddenN int64
	var shown []int64
	for id, c := range n {
		if c < int64(minGroup) {
			hidden[id], hiddenN = true, hiddenN+c
		} else {
			shown = append(shown, id)
		}
	}
	sort.Slice(shown, func(i, j int) bool {
		if n[shown[i]] != n[shown[j]] {
			return n[shown[i]] < n[shown[j]]
		}
		return shown[i] < shown[j]
	})
	for _, id := range shown {
		if len(hidden) == 0 || hiddenN >= int64(minGroup) {
			break
		}
		hidden[id], hiddenN = true, hiddenN+n[id]
	}
	return hidden
}

type namedGroup struct {
	id   int64
	name string
}

func groupInto(m map[int64]*Rollup, id int64, r *Rollup) {
	g, ok := m[id]
	if !ok {
		g = NewRollup(r.Q)
		m[id] = g
	}
	g.Merge(r)
}

// breakdown lists the shown groups, in the order of known (then unknown
// groups by id), and counts the hidden ones. Groups carry no finite
// population correction: N is known for the unit only.
func breakdown(q *Questionnaire, known []namedGroup, by map[int64]*Rollup, hidden map[int64]bool) ([]GroupSummary, int) {
	seen := map[int64]bool{}
	for _, g := range known {
		seen[g.id] = true
	}
	var extra []namedGroup
	for id := range by {
		if !seen[id] {
			extra = append(extra, namedGroup{id, "(tanpa nama)"})
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].id < extra[j].id })
	var out []GroupSummary
	nHidden := 0
	for _, g := range append(known, extra...) {
		r, ok := by[g.id]
		if !ok || r.N == 0 {
			continue
		}
		if hidden[g.id] {
			nHidden++
			continue
		}
		gs := GroupSummary{ID: g.id, Name: g.name, N: r.N}
		for _, a := range r.sections {
			gs.Sections = append(gs.Sections, convertEstimate(a.SectionEstimate(intervalSpec(q, 0)), a.SectionMeanRat(), q))
		}
		out = append(out, gs)
	}
	return out, nHidden
}

// versionBreaks reports the responses passing f on other questionnaire
// versions than the one summarised, by first day.
func (rs *Rollups) versionBreaks(f Filter, versions []*Questionnaire) []VersionBreak {
	var out []VersionBreak
	for qid, m := range rs.others {
		b := VersionBreak{QuestionnaireID: qid}
		for k, t := range m {
			if !f.matches(k) {
				continue
			}
			if b.N+b.Excluded == 0 {
				b.From, b.To = t.from, t.to
			}
			b.N, b.Excluded = b.N+t.counted, b.Excluded+t.excluded
			b.From, b.To = min(b.From, t.from), max(b.To, t.to)
		}
		if b.N+b.Excluded == 0 {
			continue
		}
		for _, v := range versions {
			if v.ID == qid {
				b.Ref, b.Title = v.Ref(), v.Title
			}
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].QuestionnaireID < out[j].QuestionnaireID
	})
	return out
}

func sortSuggestions(s []Suggestion) {
	sort.Slice(s, func(i, j int) bool { return suggestionBefore(s[i], s[j]) })
}

// sampleSize compares n with the Krejcie–Morgan minimum and says whether
// the finite population correction applies: only to the whole unit (N is
// the unit's number of service users; no N is known for a counter, a
// service or a day), and only when N ≥ n.
func sampleSize(n, pop int64, f Filter) SampleSize {
	ss := SampleSize{N: n, Population: pop, Minimum: stats.KrejcieMorgan(largePopulation)}
	switch {
	case pop == 0:
		ss.FPCNote = "Koreksi populasi hingga tidak diterapkan: jumlah pengguna layanan (N) periode ini belum diisi."
	case pop < n:
		ss.FPCNote = fmt.Sprintf("Koreksi populasi hingga tidak diterapkan: N = %s lebih kecil dari jumlah responden n = %s. Perbarui N periode ini.",
			FormatDecimal(float64(pop), 0), FormatDecimal(float64(n), 0))
	case f != (Filter{}):
		ss.Minimum = stats.KrejcieMorgan(pop)
		ss.FPCNote = "Koreksi populasi hingga tidak diterapkan pada data yang disaring: N diketahui untuk unit, tidak per loket atau layanan."
	default:
		ss.Minimum = stats.KrejcieMorgan(pop)
		ss.FPCApplied = true
		ss.FPCNote = fmt.Sprintf("Koreksi populasi hingga (N = %s) diterapkan pada interval indeks dan butir unit; tidak pada rincian per loket/layanan dan deret harian, karena N per kelompok dan per hari tidak diketahui.",
			FormatDecimal(float64(pop), 0))
	}
	if ss.Minimum > 0 {
		ss.Progress = float64(n) / float64(ss.Minimum)
	}
	return ss
}

// margins gives the margin of error reached by each index: the half-width
// of its interval on the 4-point scale.
func margins(secs []SectionSummary) []Margin {
	out := make([]Margin, 0, len(secs))
	for _, s := range secs {
		m := Margin{Index: s.Index, Label: s.Label}
		if s.Est.HasInterval {
			m.Value, m.Defined = (s.Est.Hi-s.Est.Lo)/2, true
		} else {
			m.Reason = s.Est.Reason
		}
		out = append(out, m)
	}
	return out
}

func conversionOf(q *Questionnaire) stats.Conversion {
	c, err := stats.ParseConversion(q.Conversion)
	if err != nil {
		return stats.Proportional // questionnaires are validated on load
	}
	return c
}

// intervalSpec is the interval of every mean of q: stats.DefaultInterval
// at Level on q's answer scale, with the FPC when pop > 0.
func intervalSpec(q *Questionnaire, pop int64) stats.IntervalSpec {
	return stats.IntervalSpec{Method: stats.DefaultInterval, Level: Level, Population: pop, Min: q.Scale.Min, Max: q.Scale.Max}
}

// convertEstimate turns a raw-scale estimate into an Estimate carrying both
// scales; exact is the raw mean as an exact ratio, or nil.
func convertEstimate(e stats.Estimate, exact *big.Rat, q *Questionnaire) Estimate {
	c := stats.ConvertEstimate(e, q.Scale.Max, conversionOf(q))
	out := Estimate{N: e.N, RawMean: e.Mean, RawSD: e.SD, RawLo: e.Lo, RawHi: e.Hi,
		Index: c.Mean, Lo: c.Lo, Hi: c.Hi, Level: e.Level, Method: string(e.Method), HasInterval: e.Defined, Defined: e.N > 0, Reason: e.Reason}
	if e.N == 0 {
		out.Reason = "Belum ada respons pada periode ini."
		return out
	}
	if exact != nil {
		out.RawExact, out.Exact = exact, stats.ConvertRat(exact, q.Scale.Max, conversionOf(q))
	}
	return out
}

// sectionSummaries computes every section of q from a merged rollup.
func sectionSummaries(q *Questionnaire, r *Rollup, pop int64, st Settings) []SectionSummary {
	out := make([]SectionSummary, 0, len(q.Sections))
	item := 0
	for si, sec := range q.Sections {
		acc := r.sections[si]
		raw := acc.SectionEstimate(intervalSpec(q, pop))
		est := convertEstimate(raw, acc.SectionMeanRat(), q)
		ss := SectionSummary{Code: sec.Code, Index: sec.Index, Name: sec.Name, Label: IndexLabel(sec.Index, sec.Name), Est: est}
		if est.Defined {
			ss.Predicate = predicateOf(est.Index)
			ss.LKEScore = stats.LKEScore(est.Index, stats.DefaultLKEWeight)
			ss.LKEExact = stats.LKEScoreRat(est.Exact, lkeWeight)
		}
		conv := stats.ConvertEstimate(raw, q.Scale.Max, conversionOf(q))
		for _, t := range st.Thresholds.For(sec.Index) {
			v, why := verdictOf(conv, t.Min, st.MinRespondents)
			ss.Verdicts = append(ss.Verdicts, ThresholdResult{Threshold: t, Verdict: v, Reason: why})
		}
		rel := acc.Alpha(int64(st.MinRespondents))
		ss.Alpha = Reliability{Alpha: rel.Alpha, N: acc.N(), Defined: rel.Defined, Cause: rel.Cause, Reason: rel.Reason}
		if sec.Index == "IKM" && acc.N() > 0 {
			ikm := stats.IKM(acc.ItemMeans())
			ss.IKM = &IKMScore{Raw: ikm.Raw, Converted: ikm.Converted, Lo: est.Lo * 25, Hi: est.Hi * 25, Predicate: Predicate{Grade: ikm.Grade, Label: ikm.Label},
				Exact: new(big.Rat).Mul(est.RawExact, big.NewRat(25, 1))}
			ss.Predicate = ss.IKM.Predicate
		}
		validity := acc.ItemValidity(int64(st.MinRespondents))
		for j, it := range sec.Items {
			ie := convertEstimate(acc.ItemEstimate(j, intervalSpec(q, pop)), acc.ItemMeanRat(j), q)
			is := ItemSummary{Code: it.Code, Name: it.Name, Text: it.Text, Section: sec.Code, Est: ie,
				Distribution: append([]int64(nil), r.hist[item]...)}
			if ie.Defined {
				is.Predicate = predicateOf(ie.Index)
			}
			v := validity[j]
			is.Validity = Validity{R: v.R, Critical: v.Critical, Valid: v.Valid, Defined: v.Defined, Cause: v.Cause, Reason: v.Reason}
			ss.Items = append(ss.Items, is)
			item++
		}
		ss.Weakest = append([]ItemSummary(nil), ss.Items...)
		sort.SliceStable(ss.Weakest, func(i, j int) bool { return ss.Weakest[i].Est.Index < ss.Weakest[j].Est.Index })
		out = append(out, ss)
	}
	return out
}

// lkeWeight is stats.DefaultLKEWeight, 17.5, as an exact ratio.
var lkeWeight = big.NewRat(35, 2)

func predicateOf(index4 float64) Predicate {
	p := stats.PredicateFor(index4, stats.DefaultPredicates())
	return Predicate{Grade: p.Grade, Label: p.Label}
}

// verdictOf checks an interval on the 4-point scale against a minimum and
// says, for every "belum pasti", why: too few respondents (below
// minRespondents, the field's long-standing rule), a sample without
// variance (every respondent gave the same total, so its interval has no
// width and says nothing about the population), an interval that cannot be
// computed, or one that straddles the minimum.
func verdictOf(e stats.Estimate, minimum float64, minRespondents int) (Verdict, string) {
	switch {
	case e.N == 0:
		return VerdictUncertain, "Belum ada respons pada periode ini."
	case e.N < int64(minRespondents):
		return VerdictUncertain, fmt.Sprintf("Responden baru %s, kurang dari minimum %s untuk menyatakan memenuhi atau tidak.",
			FormatDecimal(float64(e.N), 0), FormatDecimal(float64(minRespondents), 0))
	case !e.Defined:
		return VerdictUncertain, "Interval tidak dapat dihitung: " + e.Reason + "."
	case e.SD == 0:
		return VerdictUncertain, "Semua responden memberi nilai yang sama (varians nol): interval tanpa lebar tidak dapat menjadi dasar keputusan."
	}
	switch stats.ThresholdVerdict(e, minimum) {
	case stats.Met:
		return VerdictMet, ""
	case stats.NotMet:
		return VerdictNotMet, ""
	}
	return VerdictUncertain, "Interval kepercayaan 95% memuat batas: data belum cukup untuk memastikan."
}

// controlSummary reports the coached share over every response of the
// period, excluded ones included: excluding the respondents who said "Ya"
// must not make the collection look clean.
func controlSummary(q *Questionnaire, r *Rollup, excluded [2]int64) *ControlSummary {
	c := q.Control
	if c == nil {
		return nil
	}
	yes := 0
	if c.Options[1] == ControlCoached {
		yes = 1
	}
	cs := &ControlSummary{Text: c.Text, Yes: r.control[yes] + excluded[yes], No: r.control[1-yes] + excluded[1-yes],
		Excluded: excluded[0] + excluded[1], ExcludedYes: excluded[yes]}
	n := cs.Yes + cs.No
	if n > 0 {
		w := stats.Wilson(cs.Yes, n, Level)
		cs.Share, cs.Lo, cs.Hi, cs.HasInterval, cs.Defined = w.Mean, w.Lo, w.Hi, w.Defined, true
	}
	return cs
}

func profileSummaries(q *Questionnaire, r *Rollup) []ProfileSummary {
	out := make([]ProfileSummary, 0, len(q.Profile))
	for fi, f := range q.Profile {
		ps := ProfileSummary{Code: f.Code, Label: f.Label, Unanswered: r.N}
		for oi, o := range f.Options {
			n := r.profile[fi][oi]
			ps.Options = append(ps.Options, OptionCount{Option: o, Label: f.OptionLabel(oi), Count: n})
			ps.Unanswered -= n
		}
		out = append(out, ps)
	}
	return out
}

// DailyInput is everything SummarizeDaily needs; like SummaryInput it holds
// no connection to a database.
type DailyInput struct {
	Unit     Unit
	Versions []*Questionnaire
	Period   Period
	Filter   Filter
	Settings Settings
	// Days holds each local day's Rollups, all of one questionnaire
	// version. Days before Period.From (up to RollingWindow − 1) feed the
	// first rolling points; an export gives only the period's own.
	Days map[string]*Rollups
	// Others tallies the period's responses on other versions, for the
	// version breaks.
	Others *Rollups
}

// SummarizeDaily computes the daily series from per-day rollups: every day
// of the period with each section's estimate and its rolling estimate over
// RollingWindow days, converted to the 4-point scale.
func SummarizeDaily(in DailyInput) *Daily {
	q := in.Others.Questionnaire()
	from, _ := time.Parse(time.DateOnly, in.Period.From)
	lead := RollingWindow - 1
	days := make([]string, 0, in.Period.Days()+lead)
	for t := from.AddDate(0, 0, -lead); t.Format(time.DateOnly) <= in.Period.To; t = t.AddDate(0, 0, 1) {
		days = append(days, t.Format(time.DateOnly))
	}
	perDay := make([]*Rollup, len(days))
	for i, day := range days {
		if rs := in.Days[day]; rs != nil {
			perDay[i] = NewRollup(q)
			for _, p := range rs.pairs {
				perDay[i].Merge(p.counted)
			}
		}
	}
	d := &Daily{Unit: in.Unit, Zone: ZoneAbbr(in.Unit.TimeZone), Questionnaire: q, Period: in.Period, Filter: in.Filter,
		Window: RollingWindow, SmallN: SmallDayN, Thresholds: in.Settings.withDefaults().Thresholds,
		VersionBreaks: in.Others.versionBreaks(Filter{}, in.Versions)}
	d.Points = make([]DayPoint, len(days)-lead)
	for i := range d.Points {
		d.Points[i].Day = days[i+lead]
		if r := perDay[i+lead]; r != nil {
			d.Points[i].N = r.N
		}
	}
	for si, sec := range q.Sections {
		d.Indexes = append(d.Indexes, sec.Index)
		d.Labels = append(d.Labels, IndexLabel(sec.Index, sec.Name))
		accs := make([]*stats.Accumulator, len(days))
		for i, r := range perDay {
			if r != nil {
				accs[i] = r.sections[si]
			}
		}
		pts := stats.Rolling(days, accs, RollingWindow, intervalSpec(q, 0))
		for i := range d.Points {
			pt := pts[i+lead]
			d.Points[i].Sections = append(d.Points[i].Sections, convertEstimate(pt.Est, nil, q))
			d.Points[i].Rolling = append(d.Points[i].Rolling, convertEstimate(pt.Rolling, nil, q))
		}
	}
	return d
}
