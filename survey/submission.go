package survey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Survey is everything the respondent page needs about one counter code: the
// counter, its unit, the unit's active services and the questionnaire.
type Survey struct {
	Counter       Counter
	Unit          Unit
	Services      []Service
	Questionnaire *Questionnaire
	// Bucket is the time bucket responses are stored in (the store's;
	// DefaultBucket when zero).
	Bucket time.Duration
}

// FixedService returns the counter's own service, if it has one.
func (sv *Survey) FixedService() (Service, bool) {
	if sv.Counter.ServiceID == nil {
		return Service{}, false
	}
	for _, s := range sv.Services {
		if s.ID == *sv.Counter.ServiceID {
			return s, true
		}
	}
	return Service{}, false
}

// surveyCacheTTL bounds how long a counter lookup is reused. Admin changes
// made through this Store invalidate the cache at once; changes made by
// another process (a CLI command) show within this time.
const surveyCacheTTL = 10 * time.Second

type surveyCache struct {
	mu      sync.RWMutex
	entries map[string]surveyEntry
}

type surveyEntry struct {
	sv  *Survey
	exp time.Time
}

func (s *Store) invalidateCounters() {
	s.cache.mu.Lock()
	s.cache.entries = nil
	s.cache.mu.Unlock()
}

var codeFormat = regexp.MustCompile(`^[a-z2-7]{16}$`)

// SurveyByCode returns the survey behind an active counter code. An unknown,
// malformed, retired or inactive code gives ErrNotFound; a retired one as a
// *RetiredCodeError naming its counter.
//
// The returned Survey is shared and must not be modified. It is a snapshot:
// the same pointer comes back until something it holds changes through this
// Store (the counter, its unit, the unit's services, a questionnaire) or
// surveyCacheTTL passes, and a new one after. Callers may therefore keep what
// they derive from a Survey for as long as they are handed the same pointer.
func (s *Store) SurveyByCode(ctx context.Context, code string) (*Survey, error) {
	if !codeFormat.MatchString(code) {
		return nil, ErrNotFound
	}
	now := time.Now()
	s.cache.mu.RLock()
	e, ok := s.cache.entries[code]
	s.cache.mu.RUnlock()
	if ok && now.Before(e.exp) {
		return e.sv, nil
	}
	var c Counter
	if err := s.r.WithContext(ctx).Where("code = ? AND active = ?", code, true).Take(&c).Error; err != nil {
		if err := notFound(err, "counter"); !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, s.retiredCode(ctx, code)
	}
	var u Unit
	if err := s.r.WithContext(ctx).Take(&u, c.UnitID).Error; err != nil {
		return nil, notFound(err, "unit")
	}
	var svcs []Service
	if err := s.r.WithContext(ctx).Where("unit_id = ? AND active = ?", u.ID, true).Order("name, id").Find(&svcs).Error; err != nil {
		return nil, fmt.Errorf("storage: unable to list services: %w", err)
	}
	q, err := s.Questionnaire(u.QuestionnaireID)
	if err != nil {
		return nil, fmt.Errorf("storage: unit %d runs unknown questionnaire %d", u.ID, u.QuestionnaireID)
	}
	sv := &Survey{Counter: c, Unit: u, Services: svcs, Questionnaire: q, Bucket: s.bucket}
	s.cache.mu.Lock()
	if s.cache.entries == nil || len(s.cache.entries) > 10000 {
		s.cache.entries = map[string]surveyEntry{}
	}
	// The key outlives the call; a caller's string may be a reused buffer.
	s.cache.entries[strings.Clone(code)] = surveyEntry{sv: sv, exp: now.Add(surveyCacheTTL)}
	s.cache.mu.Unlock()
	return sv, nil
}

// Input is a submission as the respondent typed it: every value a string, so
// a rejected form can be shown again exactly as it was.
type Input struct {
	Service    string
	Answers    map[string]string // item code → score
	Profile    map[string]string // profile code → option
	Control    string
	Suggestion string
	// Key is the idempotency key printed into the form; empty means the
	// client sent none and every submission is new.
	Key     string
	Channel Channel
}

// Limits on free text, in characters.
const (
	MaxSuggestion = 1000
)

var keyFormat = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// NewIdempotencyKey returns a random key to print into a form.
func NewIdempotencyKey() string { return hex.EncodeToString(randomBytes(16)) }

// NewRef returns a random public reference for a response: 16 bytes from
// crypto/rand in hex, so it says nothing about when or in which order the
// response came.
func NewRef() string { return hex.EncodeToString(randomBytes(16)) }

// saltSize is the length of a response's secret leaf salt.
const saltSize = 32

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("survey: no randomness: " + err.Error())
	}
	return b
}

var refFormat = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ValidRef reports whether s has the form of a response reference.
func ValidRef(s string) bool { return refFormat.MatchString(s) }

// Validate checks an input against the survey and returns the response to
// store, or a *ValidationError naming every problem. It does not write.
func (sv *Survey) Validate(in Input, now time.Time) (*Response, error) {
	q := sv.Questionnaire
	ve := &ValidationError{}
	bucket := sv.Bucket
	if bucket == 0 {
		bucket = DefaultBucket
	}
	r := &Response{
		Ref:             NewRef(),
		UnitID:          sv.Unit.ID,
		CounterID:       sv.Counter.ID,
		QuestionnaireID: q.ID,
		SubmittedAt:     BucketStart(now, bucket, sv.Unit.Location()),
		Channel:         in.Channel,
		Salt:            randomBytes(saltSize),
	}
	r.LocalDay = sv.Unit.LocalDay(r.SubmittedAt)
	if !in.Channel.Valid() {
		ve.add("channel", "Saluran tidak dikenal.")
	}

	if fixed, ok := sv.FixedService(); ok {
		r.ServiceID = fixed.ID
	} else if in.Service == "" {
		ve.add("layanan", "Mohon pilih jenis layanan yang Anda terima.")
	} else {
		id, err := strconv.ParseInt(strings.TrimSpace(in.Service), 10, 64)
		for _, s := range sv.Services {
			if err == nil && s.ID == id {
				r.ServiceID = id
			}
		}
		if r.ServiceID == 0 {
			ve.add("layanan", "Jenis layanan tidak dikenal; mohon pilih dari daftar.")
		}
	}

	known := map[string]bool{}
	for _, it := range q.Items() {
		known[it.Code] = true
		raw := strings.TrimSpace(in.Answers[it.Code])
		if raw == "" {
			ve.add(it.Code, "Mohon pilih salah satu jawaban.")
			continue
		}
		v, err := strconv.Atoi(raw)
		if err != nil || v < q.Scale.Min || v > q.Scale.Max {
			ve.add(it.Code, fmt.Sprintf("Jawaban harus berupa angka %d sampai %d.", q.Scale.Min, q.Scale.Max))
			continue
		}
		r.Answers = append(r.Answers, Answer{ItemCode: it.Code, Value: v})
	}
	for code := range in.Answers {
		if !known[code] {
			ve.add(code, "Butir ini tidak ada dalam kuesioner.")
		}
	}

	fields := map[string]bool{}
	for _, f := range q.Profile {
		fields[f.Code] = true
		v := strings.TrimSpace(in.Profile[f.Code])
		if v == "" {
			continue
		}
		if !f.Allows(v) {
			ve.add(f.Code, "Pilihan tidak dikenal; mohon pilih dari daftar.")
			continue
		}
		if err := r.setProfile(f.Code, v); err != nil {
			ve.add(f.Code, "Pilihan tidak dikenal; mohon pilih dari daftar.")
		}
	}
	for code := range in.Profile {
		if !fields[code] {
			ve.add(code, "Isian profil ini tidak ada dalam kuesioner.")
		}
	}

	if c := q.Control; c != nil {
		v := strings.TrimSpace(in.Control)
		switch {
		case v == "":
			ve.add(c.Code, "Mohon jawab pertanyaan ini (Ya atau Tidak).")
		case v != c.Options[0] && v != c.Options[1]:
			ve.add(c.Code, "Jawaban harus Ya atau Tidak.")
		default:
			r.Control = v
		}
	} else if in.Control != "" {
		ve.add("KONTROL", "Kuesioner ini tidak memiliki pertanyaan kontrol.")
	}

	sug := cleanText(in.Suggestion)
	if n := utf8.RuneCountInString(sug); n > MaxSuggestion {
		ve.add("saran", fmt.Sprintf("Saran paling banyak %d karakter (sekarang %d).", MaxSuggestion, n))
	}
	r.Suggestion = sug

	switch {
	case in.Key == "":
		r.IdempotencyKey = NewIdempotencyKey()
	case keyFormat.MatchString(in.Key):
		r.IdempotencyKey = in.Key
	default:
		ve.add("kunci", "Kunci formulir tidak sah; muat ulang halaman lalu kirim kembali.")
	}
	if err := ve.orNil(); err != nil {
		return nil, err
	}
	return r, nil
}

// Submit stores a validated response through the batching writer and returns
// its public reference once committed. A response whose idempotency key is
// already stored for the same counter is not stored again: Submit returns
// the first one's reference and dup=true. The stored time is never finer
// than the store's bucket (capped at an hour for longer buckets, whose
// local alignment Validate computes).
func (s *Store) Submit(ctx context.Context, r *Response) (ref string, dup bool, err error) {
	if r.Ref == "" {
		r.Ref = NewRef()
	}
	if len(r.Salt) != saltSize {
		r.Salt = randomBytes(saltSize)
	}
	r.SubmittedAt = coarseUTC(r.SubmittedAt, s.bucket)
	return s.writer.submit(ctx, r)
}
