package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"persepsi/survey"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// questionnaireRow is how a questionnaire version is stored: the definition
// file verbatim, with its digest.
type questionnaireRow struct {
	ID         int64
	Key        string
	Version    int
	Title      string
	Definition string
	SHA256     string `gorm:"column:sha256"`
	CreatedAt  time.Time
}

func (questionnaireRow) TableName() string { return "questionnaires" }

// SyncQuestionnaires stores every given version that the database lacks and
// loads all stored versions into memory. A stored version whose definition
// differs from the file is accepted only while no response uses it; once it
// has responses it is immutable, and the file must bump its version.
func (s *Store) SyncQuestionnaires(ctx context.Context, qs []*survey.Questionnaire) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		changed := false
		for _, q := range qs {
			var rows []questionnaireRow
			if err := tx.Where("key = ? AND version = ?", q.Key, q.Version).Find(&rows).Error; err != nil {
				return err
			}
			if len(rows) == 0 {
				row := questionnaireRow{Key: q.Key, Version: q.Version, Title: q.Title, Definition: string(q.Raw()), SHA256: q.SHA256, CreatedAt: s.now().UTC()}
				// Another process syncing at once (nodes starting together) may
				// store the version first: then nothing is inserted, and its row
				// is checked below like any stored one.
				res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
				if res.Error != nil {
					return res.Error
				}
				if res.RowsAffected == 1 {
					changed = true
					continue
				}
				if err := tx.Where("key = ? AND version = ?", q.Key, q.Version).Find(&rows).Error; err != nil {
					return err
				}
				if len(rows) == 0 {
					return fmt.Errorf("questionnaire %s was neither stored nor found", q.Ref())
				}
			}
			row := rows[0]
			if row.SHA256 == q.SHA256 {
				continue
			}
			var used int64
			if err := tx.Table("responses").Where("questionnaire_id = ?", row.ID).Count(&used).Error; err != nil {
				return err
			}
			if used > 0 {
				return fmt.Errorf("questionnaire %s has %d responses and cannot change; give the edited file a new version number", q.Ref(), used)
			}
			if err := tx.Model(&row).Updates(map[string]any{"title": q.Title, "definition": string(q.Raw()), "sha256": q.SHA256}).Error; err != nil {
				return err
			}
			changed = true
		}
		if !changed {
			return nil
		}
		return s.d.Announce(tx, announcement(s.node, ChangedQuestionnaires))
	})
	if err != nil {
		return fmt.Errorf("storage: unable to sync questionnaires: %w", err)
	}
	return s.loadQuestionnaires(ctx, s.w)
}

// loadQuestionnaires replaces the versions in memory with those stored,
// read through db.
func (s *Store) loadQuestionnaires(ctx context.Context, db *gorm.DB) error {
	s.qload.Lock()
	defer s.qload.Unlock()
	var rows []questionnaireRow
	if err := db.WithContext(ctx).Order("key, version").Find(&rows).Error; err != nil {
		return fmt.Errorf("storage: unable to load questionnaires: %w", err)
	}
	byID := make(map[int64]*survey.Questionnaire, len(rows))
	for _, row := range rows {
		q, err := survey.ParseQuestionnaire([]byte(row.Definition))
		if err != nil {
			return fmt.Errorf("storage: stored questionnaire %d: %w", row.ID, err)
		}
		q.ID = row.ID
		byID[row.ID] = q
	}
	s.qmu.Lock()
	s.qByID = byID
	s.qmu.Unlock()
	// Cached surveys and summaries hold the questionnaire they were built
	// with.
	s.invalidateCounters()
	s.invalidateSummaries()
	return nil
}

// unitQuestionnaire returns the version u runs. One this store does not
// hold yet was stored by another node moments ago (its announcement can
// trail the unit's change, and is missed while the listener reconnects):
// the versions are reloaded once before giving up.
func (s *Store) unitQuestionnaire(ctx context.Context, u *survey.Unit) (*survey.Questionnaire, error) {
	q, err := s.Questionnaire(u.QuestionnaireID)
	if errors.Is(err, survey.ErrNotFound) {
		if err := s.loadQuestionnaires(ctx, s.r); err != nil {
			return nil, err
		}
		q, err = s.Questionnaire(u.QuestionnaireID)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: unit %d runs unknown questionnaire %d", u.ID, u.QuestionnaireID)
	}
	return q, nil
}

// Questionnaire returns a stored version by id.
func (s *Store) Questionnaire(id int64) (*survey.Questionnaire, error) {
	s.qmu.RLock()
	defer s.qmu.RUnlock()
	q, ok := s.qByID[id]
	if !ok {
		return nil, survey.ErrNotFound
	}
	return q, nil
}

// QuestionnaireByRef returns a stored version by key and version, or the
// newest version of key when version is 0.
func (s *Store) QuestionnaireByRef(key string, version int) (*survey.Questionnaire, error) {
	s.qmu.RLock()
	defer s.qmu.RUnlock()
	var best *survey.Questionnaire
	for _, q := range s.qByID {
		if q.Key != key || (version != 0 && q.Version != version) {
			continue
		}
		if best == nil || q.Version > best.Version {
			best = q
		}
	}
	if best == nil {
		return nil, survey.ErrNotFound
	}
	return best, nil
}

// Questionnaires lists the stored versions, by key then version.
func (s *Store) Questionnaires() []*survey.Questionnaire {
	s.qmu.RLock()
	defer s.qmu.RUnlock()
	out := make([]*survey.Questionnaire, 0, len(s.qByID))
	for _, q := range s.qByID {
		out = append(out, q)
	}
	survey.SortQuestionnaires(out)
	return out
}

// CreateUnit validates and stores a unit.
func (s *Store) CreateUnit(ctx context.Context, in survey.NewUnit) (*survey.Unit, error) {
	u, err := s.checkUnit(in)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = s.now().UTC()
	if err := s.w.WithContext(ctx).Create(u).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to create unit: %w", err)
	}
	return u, nil
}

// checkUnit validates a unit's fields (NewUnit.Validate) and returns them
// cleaned, with the questionnaire resolved among the stored versions, or a
// *ValidationError naming every problem.
func (s *Store) checkUnit(in survey.NewUnit) (*survey.Unit, error) {
	in, err := in.Validate()
	ve := &survey.ValidationError{}
	ve.Merge(err)
	q, err := s.resolveQuestionnaire(in.Questionnaire)
	if err != nil {
		ve.Add("questionnaire", "Kuesioner tidak dikenal.")
	}
	if err := ve.OrNil(); err != nil {
		return nil, err
	}
	return &survey.Unit{Name: in.Name, Agency: in.Agency, TimeZone: in.TimeZone, QuestionnaireID: q.ID}, nil
}

func (s *Store) resolveQuestionnaire(ref string) (*survey.Questionnaire, error) {
	if ref == "" {
		return s.QuestionnaireByRef(survey.DefaultQuestionnaireKey, 0)
	}
	key, ver, found := strings.Cut(ref, "@")
	v := 0
	if found {
		if _, err := fmt.Sscanf(ver, "%d", &v); err != nil || v < 1 {
			return nil, survey.ErrNotFound
		}
	}
	return s.QuestionnaireByRef(key, v)
}

// Unit returns a unit by id.
func (s *Store) Unit(ctx context.Context, id int64) (*survey.Unit, error) {
	var u survey.Unit
	if err := s.r.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	return &u, nil
}

// Units lists every unit by name.
func (s *Store) Units(ctx context.Context) ([]survey.Unit, error) {
	var us []survey.Unit
	if err := s.r.WithContext(ctx).Order("name, id").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list units: %w", err)
	}
	return us, nil
}

// CreateService adds a service type to a unit.
func (s *Store) CreateService(ctx context.Context, unitID int64, name string) (*survey.Service, error) {
	name, err := survey.CheckServiceName(name)
	if err != nil {
		return nil, err
	}
	if _, err := s.unitW(ctx, unitID); err != nil {
		return nil, err
	}
	sv := &survey.Service{UnitID: unitID, Name: name, Active: true, CreatedAt: s.now().UTC()}
	err = s.change(ctx, ChangedCatalog, func(tx *gorm.DB) error { return tx.Create(sv).Error })
	if err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, &survey.ValidationError{Fields: map[string]string{"name": "Layanan dengan nama ini sudah ada."}}
		}
		return nil, fmt.Errorf("storage: unable to create service: %w", err)
	}
	return sv, nil
}

// Services lists a unit's services by name.
func (s *Store) Services(ctx context.Context, unitID int64) ([]survey.Service, error) {
	var ss []survey.Service
	if err := s.r.WithContext(ctx).Where("unit_id = ?", unitID).Order("name, id").Find(&ss).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list services: %w", err)
	}
	return ss, nil
}

// CreateCounter adds a counter with a fresh unguessable code.
func (s *Store) CreateCounter(ctx context.Context, in survey.NewCounter) (*survey.Counter, error) {
	name, err := survey.CheckCounterName(in.Name)
	ve := &survey.ValidationError{}
	ve.Merge(err)
	if _, err := s.unitW(ctx, in.UnitID); err != nil {
		return nil, err
	}
	var svc *int64
	if in.ServiceID != 0 {
		var sv survey.Service
		err := s.w.WithContext(ctx).Where("id = ? AND unit_id = ?", in.ServiceID, in.UnitID).Take(&sv).Error
		if err != nil {
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, fmt.Errorf("storage: unable to read service: %w", err)
			}
			ve.Add("service", "Layanan tidak ada di unit ini.")
		}
		id := in.ServiceID
		svc = &id
	}
	if err := ve.OrNil(); err != nil {
		return nil, err
	}
	c := &survey.Counter{UnitID: in.UnitID, ServiceID: svc, Name: name, Code: newCode(), Active: true, CreatedAt: s.now().UTC()}
	if err := s.w.WithContext(ctx).Create(c).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to create counter: %w", err)
	}
	return c, nil
}

// Counters lists a unit's counters by name.
func (s *Store) Counters(ctx context.Context, unitID int64) ([]survey.Counter, error) {
	var cs []survey.Counter
	if err := s.r.WithContext(ctx).Where("unit_id = ?", unitID).Order("name, id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list counters: %w", err)
	}
	return cs, nil
}

// Counter returns a counter by id.
func (s *Store) Counter(ctx context.Context, id int64) (*survey.Counter, error) {
	var c survey.Counter
	if err := s.r.WithContext(ctx).Take(&c, id).Error; err != nil {
		return nil, notFound(err, "counter")
	}
	return &c, nil
}

// RegenerateCode gives a counter a new code and retires the old one, so
// printed posters of the old code stop working.
func (s *Store) RegenerateCode(ctx context.Context, counterID int64) (*survey.Counter, error) {
	var c survey.Counter
	err := s.change(ctx, ChangedCatalog, func(tx *gorm.DB) error {
		if err := tx.Take(&c, counterID).Error; err != nil {
			return notFound(err, "counter")
		}
		if err := tx.Exec(`INSERT INTO retired_codes (code, counter_id, retired_at) VALUES (?, ?, ?)`, c.Code, c.ID, s.now().UTC()).Error; err != nil {
			return fmt.Errorf("storage: unable to retire code: %w", err)
		}
		c.Code = newCode()
		return tx.Model(&c).Update("code", c.Code).Error
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// UpdateCounter renames a counter, sets its fixed service and its active flag.
func (s *Store) UpdateCounter(ctx context.Context, counterID int64, name string, serviceID int64, active bool) (*survey.Counter, error) {
	name, err := survey.CheckCounterName(name)
	if err != nil {
		return nil, err
	}
	var c survey.Counter
	err = s.change(ctx, ChangedCatalog, func(tx *gorm.DB) error {
		if err := tx.Take(&c, counterID).Error; err != nil {
			return notFound(err, "counter")
		}
		var svc *int64
		if serviceID != 0 {
			var n int64
			if err := tx.Model(&survey.Service{}).Where("id = ? AND unit_id = ?", serviceID, c.UnitID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return &survey.ValidationError{Fields: map[string]string{"service": "Layanan tidak ada di unit ini."}}
			}
			svc = &serviceID
		}
		c.Name, c.ServiceID, c.Active = name, svc, active
		return tx.Model(&c).Select("name", "service_id", "active").Updates(&c).Error
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (s *Store) unitW(ctx context.Context, id int64) (*survey.Unit, error) {
	var u survey.Unit
	if err := s.w.WithContext(ctx).Take(&u, id).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	return &u, nil
}

// notFound maps GORM's not-found to ErrNotFound and wraps anything else.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return survey.ErrNotFound
	}
	return fmt.Errorf("storage: unable to read %s: %w", what, err)
}

// newCode returns a 16-character base32 code (80 random bits): unguessable,
// short enough for a QR code that scans from a metre away, and free of
// characters that are confused when typed.
func newCode() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("survey: no randomness: " + err.Error())
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// CountResponses returns how many responses a unit has stored, excluded ones
// included.
func (s *Store) CountResponses(ctx context.Context, unitID int64) (int64, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&survey.Response{}).Where("unit_id = ?", unitID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("storage: unable to count responses: %w", err)
	}
	return n, nil
}
