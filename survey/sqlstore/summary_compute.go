package sqlstore

import (
	"context"
	"fmt"
	"persepsi/survey"
	"time"

	"gorm.io/gorm"
)

// Summary returns the numbers of a unit over a period of its local days,
// optionally narrowed to a counter or service. It reads the daily rollups
// (excluded responses are already left out there) in one short read
// transaction, and is cached for a few seconds: callers must not modify the
// result. Responses on another questionnaire version than the unit's
// current one are not mixed in; they are reported in VersionBreaks.
func (s *Store) Summary(ctx context.Context, unitID int64, p survey.Period, f survey.Filter) (*survey.Summary, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	key := fmt.Sprintf("sum|%d|%s|%s|%d|%d", unitID, p.From, p.To, f.CounterID, f.ServiceID)
	if v, ok := s.sums.get(key, unitID, now); ok {
		return v.(*survey.Summary), nil
	}
	gen := s.sums.generation(unitID)
	var sum *survey.Summary
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		sum, err = s.summaryTx(ctx, tx, unitID, p, f, now)
		return err
	}, s.d.ReadTx())
	if err != nil {
		return nil, err
	}
	s.sums.put(key, gen, sum, now, s.cacheTTL(summaryTTL))
	return sum, nil
}

// unitContext is what every summary reads first.
type unitContext struct {
	unit     survey.Unit
	q        *survey.Questionnaire
	settings survey.Settings
}

func (s *Store) unitContextTx(ctx context.Context, tx *gorm.DB, unitID int64) (*unitContext, error) {
	var u survey.Unit
	if err := tx.Take(&u, unitID).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	q, err := s.unitQuestionnaire(ctx, &u)
	if err != nil {
		return nil, err
	}
	st, err := s.settingsTx(tx)
	if err != nil {
		return nil, err
	}
	return &unitContext{unit: u, q: q, settings: st}, nil
}

// readRollups calls fn for every rollup row of the unit in the period that
// passes the filter, with its decoded statistics when it belongs to q and
// nil for a row of another version. The rollup passed to fn is scratch
// memory, overwritten by the next row: fn merges it, never keeps it.
func readRollups(tx *gorm.DB, unitID int64, q *survey.Questionnaire, p survey.Period, f survey.Filter, fn func(row *rollupRow, r *survey.Rollup)) error {
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
		return fmt.Errorf("storage: unable to read rollups: %w", err)
	}
	defer rows.Close()
	scratch := survey.NewRollup(q)
	row := &rollupRow{UnitID: unitID}
	for rows.Next() {
		if err := rows.Scan(&row.LocalDay, &row.CounterID, &row.ServiceID, &row.QuestionnaireID, &row.N, &row.Payload); err != nil {
			return fmt.Errorf("storage: unable to read rollups: %w", err)
		}
		if row.QuestionnaireID != q.ID {
			fn(row, nil)
			continue
		}
		if err := scratch.Decode(row.Payload); err != nil {
			return fmt.Errorf("storage: rollup %v: %w", row.key(), err)
		}
		fn(row, scratch)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: unable to read rollups: %w", err)
	}
	return nil
}

// readExcluded counts the unit's excluded responses of the period into rs,
// by pair, version, day and control answer.
func readExcluded(tx *gorm.DB, unitID int64, p survey.Period, rs *survey.Rollups) error {
	var rows []struct {
		CounterID, ServiceID, QuestionnaireID int64
		LocalDay, Control                     string
		N                                     int64
	}
	// Driven from the unit's exclusions, which are few: scanning the
	// period's responses for them would read a year of rows.
	err := tx.Table("exclusions e").Joins("JOIN responses r ON r.id = e.response_id").
		Select("r.counter_id, r.service_id, r.questionnaire_id, r.local_day, r.control, COUNT(*) AS n").
		Where("e.unit_id = ? AND r.local_day BETWEEN ? AND ?", unitID, p.From, p.To).
		Group("r.counter_id, r.service_id, r.questionnaire_id, r.local_day, r.control").Find(&rows).Error
	if err != nil {
		return fmt.Errorf("storage: unable to count exclusions: %w", err)
	}
	for _, r := range rows {
		rs.AddExcludedCount(survey.GroupKey{CounterID: r.CounterID, ServiceID: r.ServiceID}, r.QuestionnaireID, r.LocalDay, r.Control, r.N)
	}
	return nil
}

// readSuggestions adds the latest suggestions of the period that pass the
// filter to rs, in suggestionBefore's order (excluded responses left out).
// Only MaxSuggestions are read: Summarize shows no more.
func readSuggestions(tx *gorm.DB, unitID int64, q *survey.Questionnaire, p survey.Period, f survey.Filter, rs *survey.Rollups) error {
	db := tx.Table("responses r").Select("r.counter_id, r.service_id, r.local_day, r.suggestion").
		Where("r.unit_id = ? AND r.questionnaire_id = ? AND r.suggestion <> '' AND r.local_day BETWEEN ? AND ?", unitID, q.ID, p.From, p.To).
		Where("NOT EXISTS (SELECT 1 FROM exclusions e WHERE e.response_id = r.id)")
	if f.CounterID != 0 {
		db = db.Where("r.counter_id = ?", f.CounterID)
	}
	if f.ServiceID != 0 {
		db = db.Where("r.service_id = ?", f.ServiceID)
	}
	var rows []struct {
		CounterID, ServiceID int64
		LocalDay, Suggestion string
	}
	if err := db.Order("r.local_day DESC, r.suggestion, r.service_id").Limit(survey.MaxSuggestions).Find(&rows).Error; err != nil {
		return fmt.Errorf("storage: unable to read suggestions: %w", err)
	}
	for _, r := range rows {
		rs.Pair(survey.GroupKey{CounterID: r.CounterID, ServiceID: r.ServiceID}).AddSuggestion(survey.Suggestion{LocalDay: r.LocalDay, ServiceID: r.ServiceID, Text: r.Suggestion})
	}
	return nil
}

func (s *Store) summaryTx(ctx context.Context, tx *gorm.DB, unitID int64, p survey.Period, f survey.Filter, now time.Time) (*survey.Summary, error) {
	uc, err := s.unitContextTx(ctx, tx, unitID)
	if err != nil {
		return nil, err
	}
	in := survey.SummaryInput{Unit: uc.unit, Versions: s.Questionnaires(), Period: p, Filter: f, Settings: uc.settings, Rollups: survey.NewRollups(uc.q),
		GeneratedAt: now.UTC()}
	if in.Population, err = s.populationFor(ctx, tx, unitID, p); err != nil {
		return nil, err
	}
	// Every group of the period is read, whatever the filter: whether a
	// filtered group may be shown depends on the sizes of all of them.
	err = readRollups(tx, unitID, uc.q, p, survey.Filter{}, func(row *rollupRow, r *survey.Rollup) {
		in.Rollups.AddRow(survey.GroupKey{CounterID: row.CounterID, ServiceID: row.ServiceID}, row.QuestionnaireID, row.LocalDay, row.N, r)
	})
	if err != nil {
		return nil, err
	}
	if err := readExcluded(tx, unitID, p, in.Rollups); err != nil {
		return nil, err
	}
	if err := readSuggestions(tx, unitID, uc.q, p, f, in.Rollups); err != nil {
		return nil, err
	}
	if err := tx.Where("unit_id = ?", unitID).Order("name, id").Find(&in.Counters).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list counters: %w", err)
	}
	if err := tx.Where("unit_id = ?", unitID).Order("name, id").Find(&in.Services).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list services: %w", err)
	}
	return survey.Summarize(in), nil
}

// Daily returns the daily series of a unit over a period: every local day
// with each section's own estimate and its rolling estimate over
// RollingWindow days, both converted to the 4-point scale. The rolling
// window reaches back before the period's first day, so the first points of
// a short period are not built on fewer days. Cached like Summary.
func (s *Store) Daily(ctx context.Context, unitID int64, p survey.Period, f survey.Filter) (*survey.Daily, error) {
	if err := p.ValidateSeries(); err != nil {
		return nil, err
	}
	now := s.now()
	key := fmt.Sprintf("day|%d|%s|%s|%d|%d", unitID, p.From, p.To, f.CounterID, f.ServiceID)
	if v, ok := s.sums.get(key, unitID, now); ok {
		return v.(*survey.Daily), nil
	}
	gen := s.sums.generation(unitID)
	var d *survey.Daily
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		d, err = s.dailyTx(ctx, tx, unitID, p, f)
		return err
	}, s.d.ReadTx())
	if err != nil {
		return nil, err
	}
	s.sums.put(key, gen, d, now, s.cacheTTL(summaryTTL))
	return d, nil
}

func (s *Store) dailyTx(ctx context.Context, tx *gorm.DB, unitID int64, p survey.Period, f survey.Filter) (*survey.Daily, error) {
	uc, err := s.unitContextTx(ctx, tx, unitID)
	if err != nil {
		return nil, err
	}
	q := uc.q
	if f != (survey.Filter{}) {
		// A filtered series is a group's: shown only when its summary is.
		sum, err := s.summaryTx(ctx, tx, unitID, p, f, s.now())
		if err != nil {
			return nil, err
		}
		if sum.Withheld != "" {
			return &survey.Daily{Unit: uc.unit, Zone: survey.ZoneAbbr(uc.unit.TimeZone), Questionnaire: q, Period: p, Filter: f,
				Window: survey.RollingWindow, SmallN: survey.SmallDayN, Thresholds: uc.settings.Thresholds, Withheld: sum.Withheld}, nil
		}
	}
	from, _ := time.Parse(time.DateOnly, p.From)
	ext := survey.Period{From: from.AddDate(0, 0, -(survey.RollingWindow - 1)).Format(time.DateOnly), To: p.To}
	in := survey.DailyInput{Unit: uc.unit, Versions: s.Questionnaires(), Period: p, Filter: f, Settings: uc.settings,
		Days: map[string]*survey.Rollups{}, Others: survey.NewRollups(q)}
	err = readRollups(tx, unitID, q, ext, f, func(row *rollupRow, r *survey.Rollup) {
		k := survey.GroupKey{CounterID: row.CounterID, ServiceID: row.ServiceID}
		if r == nil {
			if row.LocalDay >= p.From {
				in.Others.AddRow(k, row.QuestionnaireID, row.LocalDay, row.N, nil)
			}
			return
		}
		day, ok := in.Days[row.LocalDay]
		if !ok {
			day = survey.NewRollups(q)
			in.Days[row.LocalDay] = day
		}
		day.AddRow(k, row.QuestionnaireID, row.LocalDay, row.N, r)
	})
	if err != nil {
		return nil, err
	}
	return survey.SummarizeDaily(in), nil
}
