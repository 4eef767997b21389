package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"persepsi/survey"
	"regexp"
	"strings"
	"sync"
	"time"
)

// surveyCacheTTL bounds how long a counter lookup is reused. Admin changes
// made through this Store, or through another store on the same
// PostgreSQL database (its announcement), invalidate the cache at once;
// changes made where no announcement reaches (a CLI command on the SQLite
// file) show within this time.
const surveyCacheTTL = 10 * time.Second

// shortTTL replaces both caches' TTLs while the store's listener is
// disconnected: other nodes' changes then show within this time, and the
// entries still spare the database the bulk of repeated reads (a blank
// form is re-rendered at most this often).
const shortTTL = time.Second

type surveyCache struct {
	mu      sync.RWMutex
	entries map[string]surveyEntry
	// gen counts invalidations: a lookup that began before one may have
	// read what it invalidated, so its result is not kept.
	gen uint64
}

type surveyEntry struct {
	sv  *survey.Survey
	exp time.Time
}

func (s *Store) invalidateCounters() {
	s.cache.mu.Lock()
	s.cache.entries = nil
	s.cache.gen++
	s.cache.mu.Unlock()
}

// cacheTTL is ttl, or shortTTL while announcements may be missed.
func (s *Store) cacheTTL(ttl time.Duration) time.Duration {
	if s.d.Listener() == ListenerDisconnected {
		return min(ttl, shortTTL)
	}
	return ttl
}

var codeFormat = regexp.MustCompile(`^[a-z2-7]{16}$`)

// SurveyByCode returns the survey behind an active counter code. An unknown,
// malformed, retired or inactive code gives ErrNotFound; a retired one as a
// *RetiredCodeError naming its counter.
//
// The returned Survey is shared and must not be modified. It is a snapshot:
// the same pointer comes back until something it holds changes through this
// Store or another store on its PostgreSQL database (the counter, its unit,
// the unit's services, a questionnaire) or surveyCacheTTL passes, and a new
// one after. Callers may therefore keep what they derive from a Survey for
// as long as they are handed the same pointer.
func (s *Store) SurveyByCode(ctx context.Context, code string) (*survey.Survey, error) {
	if !codeFormat.MatchString(code) {
		return nil, survey.ErrNotFound
	}
	now := time.Now()
	s.cache.mu.RLock()
	e, ok := s.cache.entries[code]
	gen := s.cache.gen
	s.cache.mu.RUnlock()
	if ok && now.Before(e.exp) {
		return e.sv, nil
	}
	var c survey.Counter
	if err := s.r.WithContext(ctx).Where("code = ? AND active = ?", code, true).Take(&c).Error; err != nil {
		if err := notFound(err, "counter"); !errors.Is(err, survey.ErrNotFound) {
			return nil, err
		}
		return nil, s.retiredCode(ctx, code)
	}
	var u survey.Unit
	if err := s.r.WithContext(ctx).Take(&u, c.UnitID).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	var svcs []survey.Service
	if err := s.r.WithContext(ctx).Where("unit_id = ? AND active = ?", u.ID, true).Order("name, id").Find(&svcs).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list services: %w", err)
	}
	q, err := s.unitQuestionnaire(ctx, &u)
	if err != nil {
		return nil, err
	}
	sv := &survey.Survey{Counter: c, Unit: u, Services: svcs, Questionnaire: q, Bucket: s.bucket}
	ttl := s.cacheTTL(surveyCacheTTL)
	s.cache.mu.Lock()
	if s.cache.gen == gen {
		if s.cache.entries == nil || len(s.cache.entries) > 10000 {
			s.cache.entries = map[string]surveyEntry{}
		}
		// The key outlives the call; a caller's string may be a reused buffer.
		s.cache.entries[strings.Clone(code)] = surveyEntry{sv: sv, exp: now.Add(ttl)}
	}
	s.cache.mu.Unlock()
	return sv, nil
}

// Submit stores a validated response through the batching writer and returns
// its public reference once committed. A response whose idempotency key is
// already stored for the same counter is not stored again: Submit returns
// the first one's reference and dup=true. The stored time is never finer
// than the store's bucket (capped at an hour for longer buckets, whose
// local alignment Validate computes).
func (s *Store) Submit(ctx context.Context, r *survey.Response) (ref string, dup bool, err error) {
	if r.Ref == "" {
		r.Ref = survey.NewRef()
	}
	if len(r.Salt) != survey.SaltSize {
		r.Salt = survey.RandomBytes(survey.SaltSize)
	}
	r.SubmittedAt = coarseUTC(r.SubmittedAt, s.bucket)
	return s.writer.submit(ctx, r)
}
