package survey

import (
	"time"
)

// RetiredCodeError is returned for a counter code that was replaced by a
// new one (an old poster): the respondent is told so, rather than shown a
// bare "not found". It matches ErrNotFound with errors.Is.
type RetiredCodeError struct {
	Unit, Agency, Counter string
	Zone                  string // the unit's time zone, for RetiredAt
	RetiredAt             time.Time
}

func (e *RetiredCodeError) Error() string { return "survey: counter code retired" }

// Is makes a retired code a kind of ErrNotFound.
func (e *RetiredCodeError) Is(target error) bool { return target == ErrNotFound }

// NotLiveError is returned for a counter whose questionnaire cannot be
// answered yet: a respondent must never face a question with nothing to
// choose. Lacks says what the unit still lacks, for people.
type NotLiveError struct {
	Unit, Agency, Counter string
	Lacks                 []string
}

func (e *NotLiveError) Error() string { return "survey: counter not live" }

// Lacks lists, in Bahasa Indonesia, what stops a respondent from answering
// at this counter; nil means the counter is live.
func (sv *Survey) Lacks() []string {
	if _, ok := sv.FixedService(); ok || len(sv.Services) > 0 {
		return nil
	}
	if sv.Counter.ServiceID != nil {
		return []string{"layanan tetap loket ini nonaktif dan unit belum punya jenis layanan aktif lain"}
	}
	return []string{"unit belum punya jenis layanan aktif untuk dipilih responden"}
}

// CounterLacks is Survey.Lacks for a counter and its unit's services
// (active or not), for the console and the CLI.
func CounterLacks(c Counter, services []Service) []string {
	var active []Service
	for _, sv := range services {
		if sv.Active {
			active = append(active, sv)
		}
	}
	return (&Survey{Counter: c, Services: active}).Lacks()
}

// Live returns a *NotLiveError when the counter cannot take responses yet.
func (sv *Survey) Live() error {
	if lacks := sv.Lacks(); lacks != nil {
		return &NotLiveError{Unit: sv.Unit.Name, Agency: sv.Unit.Agency, Counter: sv.Counter.Name, Lacks: lacks}
	}
	return nil
}
