package survey

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"persepsi/stats"
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

// Summary returns the numbers of a unit over a period of its local days,
// optionally narrowed to a counter or service. It reads the daily rollups
// (excluded responses are already left out there) in one short read
// transaction, and is cached for a few seconds: callers must not modify the
// result. Responses on another questionnaire version than the unit's
// current one are not mixed in; they are reported in VersionBreaks.
func (s *Store) Summary(ctx context.Context, unitID int64, p Period, f Filter) (*Summary, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	key := fmt.Sprintf("sum|%d|%s|%s|%d|%d", unitID, p.From, p.To, f.CounterID, f.ServiceID)
	if v, ok := s.sums.get(key, now); ok {
		return v.(*Summary), nil
	}
	var sum *Summary
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		sum, err = s.summaryTx(ctx, tx, unitID, p, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	sum.GeneratedAt = now.UTC()
	s.sums.put(key, sum, now)
	return sum, nil
}

// unitContext is what every summary reads first.
type unitContext struct {
	unit     Unit
	q        *Questionnaire
	settings Settings
}

func (s *Store) unitContextTx(ctx context.Context, tx *gorm.DB, unitID int64) (*unitContext, error) {
	var u Unit
	if err := tx.Take(&u, unitID).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	q, err := s.Questionnaire(u.QuestionnaireID)
	if err != nil {
		return nil, fmt.Errorf("storage: unit %d runs unknown questionnaire %d", u.ID, u.QuestionnaireID)
	}
	st, err := s.settingsTx(tx)
	if err != nil {
		return nil, err
	}
	return &unitContext{unit: u, q: q, settings: st}, nil
}

// readRollups calls fn for every rollup row of the unit in the period that
// passes the filter, decoded when it belongs to q; rows of other versions
// are tallied into version breaks. The rollup passed to fn is scratch
// memory, overwritten by the next row: fn merges it, never keeps it.
func (s *Store) readRollups(tx *gorm.DB, unitID int64, q *Questionnaire, p Period, f Filter, fn func(row *rollupRow, r *rollup)) ([]VersionBreak, error) {
	db := tx.Table("rollups").Select("local_day, counter_id, service_id, questionnaire_id, n, payload").
		Where("unit_id = ? AND local_day BETWEEN ? AND ?", unitID, p.From, p.To)
	if f.CounterID != 0 {
		db = db.Where("counter_id = ?", f.CounterID)
	}
	if f.ServiceID != 0 {
		db = db.Where("service_id = ?", f.ServiceID)
	}
	// Rows are scanned by hand: a year is a few thousand rows, and GORM's
	// reflection-based scan cost as much as decoding them.
	rows, err := db.Rows()
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read rollups: %w", err)
	}
	defer rows.Close()
	breaks := map[int64]*VersionBreak{}
	scratch := newRollup(q)
	row := &rollupRow{UnitID: unitID}
	for rows.Next() {
		if err := rows.Scan(&row.LocalDay, &row.CounterID, &row.ServiceID, &row.QuestionnaireID, &row.N, &row.Payload); err != nil {
			return nil, fmt.Errorf("storage: unable to read rollups: %w", err)
		}
		if row.QuestionnaireID != q.ID {
			b, ok := breaks[row.QuestionnaireID]
			if !ok {
				b = &VersionBreak{QuestionnaireID: row.QuestionnaireID, From: row.LocalDay, To: row.LocalDay}
				if oq, err := s.Questionnaire(row.QuestionnaireID); err == nil {
					b.Ref, b.Title = oq.Ref(), oq.Title
				}
				breaks[row.QuestionnaireID] = b
			}
			b.N += row.N
			b.From, b.To = min(b.From, row.LocalDay), max(b.To, row.LocalDay)
			continue
		}
		if err := scratch.decode(row.Payload); err != nil {
			return nil, fmt.Errorf("storage: rollup %v: %w", row.key(), err)
		}
		fn(row, scratch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: unable to read rollups: %w", err)
	}
	out := make([]VersionBreak, 0, len(breaks))
	for _, b := range breaks {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From < out[j].From })
	return out, nil
}

func (s *Store) summaryTx(ctx context.Context, tx *gorm.DB, unitID int64, p Period, f Filter) (*Summary, error) {
	uc, err := s.unitContextTx(ctx, tx, unitID)
	if err != nil {
		return nil, err
	}
	q := uc.q
	pop, err := s.populationFor(ctx, tx, unitID, p)
	if err != nil {
		return nil, err
	}
	// Rows are merged once, per (counter, service) pair; the total and the
	// breakdowns are then built from the few pairs.
	type pair struct{ counter, service int64 }
	byPair := map[pair]*rollup{}
	breaks, err := s.readRollups(tx, unitID, q, p, f, func(row *rollupRow, r *rollup) {
		k := pair{row.CounterID, row.ServiceID}
		g, ok := byPair[k]
		if !ok {
			g = newRollup(q)
			byPair[k] = g
		}
		g.merge(r)
	})
	if err != nil {
		return nil, err
	}
	total := newRollup(q)
	byCounter := map[int64]*rollup{}
	byService := map[int64]*rollup{}
	group := func(m map[int64]*rollup, id int64, r *rollup) {
		g, ok := m[id]
		if !ok {
			g = newRollup(q)
			m[id] = g
		}
		g.merge(r)
	}
	for k, r := range byPair {
		total.merge(r)
		group(byCounter, k.counter, r)
		group(byService, k.service, r)
	}
	sum := &Summary{
		Unit: uc.unit, Zone: ZoneAbbr(uc.unit.TimeZone), Questionnaire: q, Period: p, Filter: f,
		Conversion: string(conversionOf(q)), Thresholds: uc.settings.Thresholds, MinGroup: uc.settings.MinGroup,
		N: total.n, VersionBreaks: breaks,
	}
	sum.Sections = sectionSummaries(q, total, pop, uc.settings.Thresholds)
	sum.Control = controlSummary(q, total)
	sum.Profile = profileSummaries(q, total)

	var counters []Counter
	if err := tx.Where("unit_id = ?", unitID).Order("name, id").Find(&counters).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list counters: %w", err)
	}
	var services []Service
	if err := tx.Where("unit_id = ?", unitID).Order("name, id").Find(&services).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list services: %w", err)
	}
	for _, c := range counters {
		if g, ok := byCounter[c.ID]; ok {
			sum.addGroup(&sum.Counters, c.ID, c.Name, g)
		}
	}
	for _, sv := range services {
		if g, ok := byService[sv.ID]; ok {
			sum.addGroup(&sum.Services, sv.ID, sv.Name, g)
		}
	}

	sum.Sample = SampleSize{N: total.n, Population: pop, Minimum: stats.KrejcieMorgan(largePopulation)}
	if pop > 0 {
		sum.Sample.Minimum = stats.KrejcieMorgan(pop)
	}
	if sum.Sample.Minimum > 0 {
		sum.Sample.Progress = float64(total.n) / float64(sum.Sample.Minimum)
	}
	if len(sum.Sections) > 0 && sum.Sections[0].Est.HasInterval {
		e := sum.Sections[0].Est
		sum.Sample.MarginOfError, sum.Sample.HasMargin = (e.Hi-e.Lo)/2, true
	}
	if sum.Suggestions, err = latestSuggestions(tx, unitID, p, f, services); err != nil {
		return nil, err
	}
	return sum, nil
}

// addGroup appends a counter or service group, or counts it as hidden when
// it is smaller than the minimum group size.
func (sum *Summary) addGroup(dst *[]GroupSummary, id int64, name string, g *rollup) {
	if g.n < int64(sum.MinGroup) {
		sum.HiddenGroups++
		return
	}
	gs := GroupSummary{ID: id, Name: name, N: g.n}
	for _, a := range g.sections {
		gs.Sections = append(gs.Sections, convertEstimate(a.SectionEstimate(Level, 0), sum.Questionnaire))
	}
	*dst = append(*dst, gs)
}

func conversionOf(q *Questionnaire) stats.Conversion {
	c, err := stats.ParseConversion(q.Conversion)
	if err != nil {
		return stats.Proportional // questionnaires are validated on load
	}
	return c
}

// convertEstimate turns a raw-scale estimate into an Estimate carrying both
// scales.
func convertEstimate(e stats.Estimate, q *Questionnaire) Estimate {
	c := stats.ConvertEstimate(e, q.Scale.Max, conversionOf(q))
	out := Estimate{N: e.N, RawMean: e.Mean, RawSD: e.SD, RawLo: e.Lo, RawHi: e.Hi,
		Index: c.Mean, Lo: c.Lo, Hi: c.Hi, Level: e.Level, HasInterval: e.Defined, Defined: e.N > 0, Reason: e.Reason}
	if e.N == 0 {
		out.Reason = "Belum ada respons pada periode ini."
	}
	return out
}

// sectionSummaries computes every section of q from a merged rollup.
func sectionSummaries(q *Questionnaire, r *rollup, pop int64, th Thresholds) []SectionSummary {
	out := make([]SectionSummary, 0, len(q.Sections))
	item := 0
	for si, sec := range q.Sections {
		acc := r.sections[si]
		raw := acc.SectionEstimate(Level, pop)
		est := convertEstimate(raw, q)
		ss := SectionSummary{Code: sec.Code, Index: sec.Index, Name: sec.Name, Label: IndexLabel(sec.Index, sec.Name), Est: est}
		if est.Defined {
			ss.Predicate = predicateOf(est.Index)
			ss.LKEScore = stats.LKEScore(est.Index, stats.DefaultLKEWeight)
		}
		conv := stats.ConvertEstimate(raw, q.Scale.Max, conversionOf(q))
		for _, t := range th.For(sec.Index) {
			ss.Verdicts = append(ss.Verdicts, ThresholdResult{Threshold: t, Verdict: verdictOf(conv, t.Min)})
		}
		rel := acc.Alpha()
		ss.Alpha = Reliability{Alpha: rel.Alpha, N: acc.N(), Defined: rel.Defined, Reason: rel.Reason}
		if sec.Index == "IKM" && acc.N() > 0 {
			ikm := stats.IKM(acc.ItemMeans())
			ss.IKM = &IKMScore{Raw: ikm.Raw, Converted: ikm.Converted, Lo: est.Lo * 25, Hi: est.Hi * 25, Predicate: Predicate{Grade: ikm.Grade, Label: ikm.Label}}
			ss.Predicate = ss.IKM.Predicate
		}
		validity := acc.ItemValidity()
		for j, it := range sec.Items {
			ie := convertEstimate(acc.ItemEstimate(j, Level, pop), q)
			is := ItemSummary{Code: it.Code, Name: it.Name, Text: it.Text, Section: sec.Code, Est: ie,
				Distribution: append([]int64(nil), r.hist[item]...)}
			if ie.Defined {
				is.Predicate = predicateOf(ie.Index)
			}
			v := validity[j]
			is.Validity = Validity{R: v.R, Critical: v.Critical, Valid: v.Valid, Defined: v.Defined, Reason: v.Reason}
			ss.Items = append(ss.Items, is)
			item++
		}
		ss.Weakest = append([]ItemSummary(nil), ss.Items...)
		sort.SliceStable(ss.Weakest, func(i, j int) bool { return ss.Weakest[i].Est.Index < ss.Weakest[j].Est.Index })
		out = append(out, ss)
	}
	return out
}

func predicateOf(index4 float64) Predicate {
	p := stats.PredicateFor(index4, stats.DefaultPredicates())
	return Predicate{Grade: p.Grade, Label: p.Label}
}

func verdictOf(e stats.Estimate, minimum float64) Verdict {
	switch stats.ThresholdVerdict(e, minimum) {
	case stats.Met:
		return VerdictMet
	case stats.NotMet:
		return VerdictNotMet
	}
	return VerdictUncertain
}

func controlSummary(q *Questionnaire, r *rollup) *ControlSummary {
	c := q.Control
	if c == nil {
		return nil
	}
	yes := 0
	if c.Options[1] == ControlCoached {
		yes = 1
	}
	cs := &ControlSummary{Text: c.Text, Yes: r.control[yes], No: r.control[1-yes]}
	n := cs.Yes + cs.No
	if n > 0 {
		w := stats.Wilson(cs.Yes, n, Level)
		cs.Share, cs.Lo, cs.Hi, cs.HasInterval = w.Mean, w.Lo, w.Hi, w.Defined
	}
	return cs
}

func profileSummaries(q *Questionnaire, r *rollup) []ProfileSummary {
	out := make([]ProfileSummary, 0, len(q.Profile))
	for fi, f := range q.Profile {
		ps := ProfileSummary{Code: f.Code, Label: f.Label, Unanswered: r.n}
		for oi, o := range f.Options {
			n := r.profile[fi][oi]
			ps.Options = append(ps.Options, OptionCount{Option: o, Label: f.OptionLabel(oi), Count: n})
			ps.Unanswered -= n
		}
		out = append(out, ps)
	}
	return out
}

// latestSuggestions returns the newest suggestions of the period (latest
// local day first, then latest id), excluded responses left out.
func latestSuggestions(tx *gorm.DB, unitID int64, p Period, f Filter, services []Service) ([]Suggestion, error) {
	db := tx.Table("responses r").Select("r.id, r.local_day, r.service_id, r.suggestion").
		Where("r.unit_id = ? AND r.suggestion <> '' AND r.local_day BETWEEN ? AND ?", unitID, p.From, p.To).
		Where("NOT EXISTS (SELECT 1 FROM exclusions e WHERE e.response_id = r.id)")
	if f.CounterID != 0 {
		db = db.Where("r.counter_id = ?", f.CounterID)
	}
	if f.ServiceID != 0 {
		db = db.Where("r.service_id = ?", f.ServiceID)
	}
	var rows []struct {
		ID         int64
		LocalDay   string
		ServiceID  int64
		Suggestion string
	}
	if err := db.Order("r.local_day DESC, r.id DESC").Limit(MaxSuggestions).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to read suggestions: %w", err)
	}
	names := map[int64]string{}
	for _, sv := range services {
		names[sv.ID] = sv.Name
	}
	out := make([]Suggestion, len(rows))
	for i, r := range rows {
		out[i] = Suggestion{ResponseID: r.ID, LocalDay: r.LocalDay, Service: names[r.ServiceID], Text: r.Suggestion}
	}
	return out, nil
}

// Daily returns the daily series of a unit over a period: every local day
// with each section's own estimate and its rolling estimate over
// RollingWindow days, both converted to the 4-point scale. The rolling
// window reaches back before the period's first day, so the first points of
// a short period are not built on fewer days. Cached like Summary.
func (s *Store) Daily(ctx context.Context, unitID int64, p Period, f Filter) (*Daily, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.Days() > MaxSeriesDays {
		return nil, &ValidationError{Fields: map[string]string{"to": fmt.Sprintf("Rentang deret harian paling panjang %d hari.", MaxSeriesDays)}}
	}
	now := s.now()
	key := fmt.Sprintf("day|%d|%s|%s|%d|%d", unitID, p.From, p.To, f.CounterID, f.ServiceID)
	if v, ok := s.sums.get(key, now); ok {
		return v.(*Daily), nil
	}
	var d *Daily
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		d, err = s.dailyTx(ctx, tx, unitID, p, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sums.put(key, d, now)
	return d, nil
}

func (s *Store) dailyTx(ctx context.Context, tx *gorm.DB, unitID int64, p Period, f Filter) (*Daily, error) {
	uc, err := s.unitContextTx(ctx, tx, unitID)
	if err != nil {
		return nil, err
	}
	q := uc.q
	from, _ := time.Parse(time.DateOnly, p.From)
	lead := RollingWindow - 1
	ext := Period{From: from.AddDate(0, 0, -lead).Format(time.DateOnly), To: p.To}
	days := make([]string, 0, ext.Days())
	index := map[string]int{}
	for t := from.AddDate(0, 0, -lead); t.Format(time.DateOnly) <= p.To; t = t.AddDate(0, 0, 1) {
		index[t.Format(time.DateOnly)] = len(days)
		days = append(days, t.Format(time.DateOnly))
	}
	perDay := make([]*rollup, len(days))
	breaks, err := s.readRollups(tx, unitID, q, ext, f, func(row *rollupRow, r *rollup) {
		i := index[row.LocalDay]
		if perDay[i] == nil {
			perDay[i] = newRollup(q)
		}
		perDay[i].merge(r)
	})
	if err != nil {
		return nil, err
	}
	d := &Daily{Unit: uc.unit, Zone: ZoneAbbr(uc.unit.TimeZone), Questionnaire: q, Period: p, Filter: f,
		Window: RollingWindow, SmallN: SmallDayN, Thresholds: uc.settings.Thresholds}
	for _, b := range breaks {
		if b.To >= p.From {
			d.VersionBreaks = append(d.VersionBreaks, b)
		}
	}
	d.Points = make([]DayPoint, len(days)-lead)
	for i := range d.Points {
		d.Points[i].Day = days[i+lead]
		if r := perDay[i+lead]; r != nil {
			d.Points[i].N = r.n
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
		pts := stats.Rolling(days, accs, RollingWindow, Level)
		for i := range d.Points {
			pt := pts[i+lead]
			d.Points[i].Sections = append(d.Points[i].Sections, convertEstimate(pt.Est, q))
			d.Points[i].Rolling = append(d.Points[i].Rolling, convertEstimate(pt.Rolling, q))
		}
	}
	return d, nil
}
