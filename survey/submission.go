package survey

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
func NewIdempotencyKey() string { return hex.EncodeToString(RandomBytes(16)) }

// NewRef returns a random public reference for a response: 16 bytes from
// crypto/rand in hex, so it says nothing about when or in which order the
// response came.
func NewRef() string { return hex.EncodeToString(RandomBytes(16)) }

// saltSize is the length of a response's secret leaf salt.
const SaltSize = 32

func RandomBytes(n int) []byte {
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
		Salt:            RandomBytes(SaltSize),
	}
	r.LocalDay = sv.Unit.LocalDay(r.SubmittedAt)
	if !in.Channel.Valid() {
		ve.Add("channel", "Saluran tidak dikenal.")
	}

	if fixed, ok := sv.FixedService(); ok {
		r.ServiceID = fixed.ID
	} else if in.Service == "" {
		ve.Add("layanan", "Mohon pilih jenis layanan yang Anda terima.")
	} else {
		id, err := strconv.ParseInt(strings.TrimSpace(in.Service), 10, 64)
		for _, s := range sv.Services {
			if err == nil && s.ID == id {
				r.ServiceID = id
			}
		}
		if r.ServiceID == 0 {
			ve.Add("layanan", "Jenis layanan tidak dikenal; mohon pilih dari daftar.")
		}
	}

	known := map[string]bool{}
	for _, it := range q.Items() {
		known[it.Code] = true
		raw := strings.TrimSpace(in.Answers[it.Code])
		if raw == "" {
			ve.Add(it.Code, "Mohon pilih salah satu jawaban.")
			continue
		}
		v, err := strconv.Atoi(raw)
		if err != nil || v < q.Scale.Min || v > q.Scale.Max {
			ve.Add(it.Code, fmt.Sprintf("Jawaban harus berupa angka %d sampai %d.", q.Scale.Min, q.Scale.Max))
			continue
		}
		r.Answers = append(r.Answers, Answer{ItemCode: it.Code, Value: v})
	}
	for code := range in.Answers {
		if !known[code] {
			ve.Add(code, "Butir ini tidak ada dalam kuesioner.")
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
			ve.Add(f.Code, "Pilihan tidak dikenal; mohon pilih dari daftar.")
			continue
		}
		if err := r.setProfile(f.Code, v); err != nil {
			ve.Add(f.Code, "Pilihan tidak dikenal; mohon pilih dari daftar.")
		}
	}
	for code := range in.Profile {
		if !fields[code] {
			ve.Add(code, "Isian profil ini tidak ada dalam kuesioner.")
		}
	}

	if c := q.Control; c != nil {
		v := strings.TrimSpace(in.Control)
		switch {
		case v == "":
			ve.Add(c.Code, "Mohon jawab pertanyaan ini (Ya atau Tidak).")
		case v != c.Options[0] && v != c.Options[1]:
			ve.Add(c.Code, "Jawaban harus Ya atau Tidak.")
		default:
			r.Control = v
		}
	} else if in.Control != "" {
		ve.Add("KONTROL", "Kuesioner ini tidak memiliki pertanyaan kontrol.")
	}

	sug := CleanText(in.Suggestion)
	if n := utf8.RuneCountInString(sug); n > MaxSuggestion {
		ve.Add("saran", fmt.Sprintf("Saran paling banyak %d karakter (sekarang %d).", MaxSuggestion, n))
	}
	r.Suggestion = sug

	switch {
	case in.Key == "":
		r.IdempotencyKey = NewIdempotencyKey()
	case keyFormat.MatchString(in.Key):
		r.IdempotencyKey = in.Key
	default:
		ve.Add("kunci", "Kunci formulir tidak sah; muat ulang halaman lalu kirim kembali.")
	}
	if err := ve.OrNil(); err != nil {
		return nil, err
	}
	return r, nil
}
