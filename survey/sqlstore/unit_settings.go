package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"persepsi/survey"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// UpdateUnit changes a unit's name, agency, time zone and questionnaire
// version. Stored responses keep the local day they were given; a new
// questionnaire version starts a new series (summaries report the break).
func (s *Store) UpdateUnit(ctx context.Context, id int64, in survey.UnitChange) (*survey.Unit, error) {
	c, err := s.checkUnit(in)
	if err != nil {
		return nil, err
	}
	u, err := s.unitW(ctx, id)
	if err != nil {
		return nil, err
	}
	u.Name, u.Agency, u.TimeZone, u.QuestionnaireID = c.Name, c.Agency, c.TimeZone, c.QuestionnaireID
	err = s.change(ctx, ChangedCatalog|ChangedSummaries, func(tx *gorm.DB) error {
		return tx.Model(u).Select("name", "agency", "time_zone", "questionnaire_id").Updates(u).Error
	})
	if err != nil {
		return nil, fmt.Errorf("storage: unable to update unit: %w", err)
	}
	return u, nil
}

// Service returns a service by id.
func (s *Store) Service(ctx context.Context, id int64) (*survey.Service, error) {
	var sv survey.Service
	if err := s.r.WithContext(ctx).Take(&sv, id).Error; err != nil {
		return nil, notFound(err, "service")
	}
	return &sv, nil
}

// UpdateService renames a service and sets its active flag; an inactive
// service is no longer offered to respondents.
func (s *Store) UpdateService(ctx context.Context, id int64, name string, active bool) (*survey.Service, error) {
	name, err := survey.CheckServiceName(name)
	if err != nil {
		return nil, err
	}
	var sv survey.Service
	if err := s.w.WithContext(ctx).Take(&sv, id).Error; err != nil {
		return nil, notFound(err, "service")
	}
	sv.Name, sv.Active = name, active
	err = s.change(ctx, ChangedCatalog, func(tx *gorm.DB) error {
		return tx.Model(&sv).Select("name", "active").Updates(&sv).Error
	})
	if err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, &survey.ValidationError{Fields: map[string]string{"name": "Layanan dengan nama ini sudah ada."}}
		}
		return nil, fmt.Errorf("storage: unable to update service: %w", err)
	}
	return &sv, nil
}

// SetPopulation records N for a unit's period (replacing an earlier value
// for the same period); n = 0 removes it. N below the number of responses
// already stored for the period is refused: a sample cannot outnumber its
// population. (Responses arriving later can still overtake N; Summarize
// then ignores N and says so in SampleSize.FPCNote.)
func (s *Store) SetPopulation(ctx context.Context, unitID int64, p survey.Period, n int64) error {
	if err := survey.CheckPopulation(p, n); err != nil {
		return err
	}
	if _, err := s.unitW(ctx, unitID); err != nil {
		return err
	}
	return s.change(ctx, ChangedSummaries, func(db *gorm.DB) error {
		return setPopulationTx(db, unitID, p, n, s.now().UTC())
	})
}

// setPopulationTx is SetPopulation's check and write, in its transaction.
func setPopulationTx(db *gorm.DB, unitID int64, p survey.Period, n int64, now time.Time) error {
	if n > 0 {
		// N counts the period's service users; every response is one of
		// them, excluded ones and those on other versions included.
		var got int64
		if err := db.Table("responses").Where("unit_id = ? AND local_day BETWEEN ? AND ?", unitID, p.From, p.To).Count(&got).Error; err != nil {
			return fmt.Errorf("storage: unable to count responses: %w", err)
		}
		if n < got {
			return &survey.ValidationError{Fields: map[string]string{"population": fmt.Sprintf(
				"Populasi N = %s lebih kecil dari jumlah respons yang sudah masuk pada periode ini (%s). Isi jumlah pengguna layanan periode ini, paling sedikit %s.",
				survey.FormatDecimal(float64(n), 0), survey.FormatDecimal(float64(got), 0), survey.FormatDecimal(float64(got), 0))}}
		}
	}
	var err error
	if n == 0 {
		err = db.Where("unit_id = ? AND from_day = ? AND to_day = ?", unitID, p.From, p.To).Delete(&survey.Population{}).Error
	} else {
		err = db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "unit_id"}, {Name: "from_day"}, {Name: "to_day"}},
			DoUpdates: clause.AssignmentColumns([]string{"population", "updated_at"}),
		}).Create(&survey.Population{UnitID: unitID, FromDay: p.From, ToDay: p.To, Population: n, UpdatedAt: now}).Error
	}
	if err != nil {
		return fmt.Errorf("storage: unable to set population: %w", err)
	}
	return nil
}

// Populations lists a unit's population figures, newest period first.
func (s *Store) Populations(ctx context.Context, unitID int64) ([]survey.Population, error) {
	var ps []survey.Population
	if err := s.r.WithContext(ctx).Where("unit_id = ?", unitID).Order("from_day DESC, to_day DESC").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list populations: %w", err)
	}
	return ps, nil
}

// PopulationFor returns N for exactly the given period, or 0 when the admin
// has not set it.
func (s *Store) PopulationFor(ctx context.Context, unitID int64, p survey.Period) (int64, error) {
	return s.populationFor(ctx, s.r, unitID, p)
}

// populationFor returns N for exactly the given period, or 0 when the admin
// has not set it: N of a year says nothing about the users of one week.
func (s *Store) populationFor(ctx context.Context, db *gorm.DB, unitID int64, p survey.Period) (int64, error) {
	var ps []survey.Population
	if err := db.WithContext(ctx).Where("unit_id = ? AND from_day = ? AND to_day = ?", unitID, p.From, p.To).Limit(1).Find(&ps).Error; err != nil {
		return 0, fmt.Errorf("storage: unable to read population: %w", err)
	}
	if len(ps) == 0 {
		return 0, nil
	}
	return ps[0].Population, nil
}

type settingRow struct {
	Key       string `gorm:"primaryKey"`
	Value     string
	UpdatedAt time.Time
}

func (settingRow) TableName() string { return "settings" }

func thresholdKey(t survey.Threshold) string { return "threshold." + t.Index + "." + t.Predicate }

// Settings returns the settings in force: stored values over the defaults.
func (s *Store) Settings(ctx context.Context) (survey.Settings, error) {
	return s.settingsTx(s.r.WithContext(ctx))
}

func (s *Store) settingsTx(db *gorm.DB) (survey.Settings, error) {
	var rows []settingRow
	if err := db.Find(&rows).Error; err != nil {
		return survey.Settings{}, fmt.Errorf("storage: unable to read settings: %w", err)
	}
	kv := make(map[string]string, len(rows))
	for _, r := range rows {
		kv[r.Key] = r.Value
	}
	st := survey.Settings{Thresholds: survey.DefaultThresholds(), MinGroup: survey.DefaultMinGroup, MinRespondents: survey.DefaultMinRespondents}
	for i, t := range st.Thresholds {
		if v, err := strconv.ParseFloat(kv[thresholdKey(t)], 64); err == nil {
			st.Thresholds[i].Min = v
		}
	}
	if v, err := strconv.Atoi(kv["min_group"]); err == nil {
		st.MinGroup = v
	}
	if v, err := strconv.Atoi(kv["min_respondents"]); err == nil {
		st.MinRespondents = v
	}
	st.BaseURL = kv[survey.SettingBaseURL]
	return st, nil
}

// SetSettings validates and stores the settings. Thresholds are matched to
// the defaults by index and predicate; others are ignored. An empty BaseURL
// removes the recorded public address.
func (s *Store) SetSettings(ctx context.Context, st survey.Settings) error {
	st, err := st.Validate()
	if err != nil {
		return err
	}
	now := s.now().UTC()
	rows := []settingRow{{Key: "min_group", Value: strconv.Itoa(st.MinGroup), UpdatedAt: now},
		{Key: "min_respondents", Value: strconv.Itoa(st.MinRespondents), UpdatedAt: now}}
	for _, t := range st.Thresholds {
		rows = append(rows, settingRow{Key: thresholdKey(t), Value: strconv.FormatFloat(t.Min, 'f', -1, 64), UpdatedAt: now})
	}
	err = s.change(ctx, ChangedSummaries, func(tx *gorm.DB) error {
		if err := putBaseURL(tx, st.BaseURL, now); err != nil {
			return err
		}
		return upsertSettings(tx, rows)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to save settings: %w", err)
	}
	return nil
}
