package storetest

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"persepsi/survey"
)

// Survey creates a unit in time zone tz with one service and one counter
// that lets the respondent choose the service, and returns the counter's
// survey.
func Survey(tb testing.TB, s survey.Store, tz string) *survey.Survey {
	tb.Helper()
	ctx := context.Background()
	u, err := s.CreateUnit(ctx, survey.NewUnit{Name: "Kantor Uji", Agency: "Pemkab Uji", TimeZone: tz})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.CreateService(ctx, u.ID, "Perizinan"); err != nil {
		tb.Fatal(err)
	}
	c, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: u.ID, Name: "Loket 1"})
	if err != nil {
		tb.Fatal(err)
	}
	sv, err := s.SurveyByCode(ctx, c.Code)
	if err != nil {
		tb.Fatal(err)
	}
	return sv
}

// Input answers every item of sv with score v, chooses sv's first service,
// answers the control question "Tidak" and carries a fresh idempotency key.
func Input(sv *survey.Survey, v string) survey.Input {
	in := survey.Input{Service: itoa(sv.Services[0].ID), Answers: map[string]string{}, Control: "Tidak",
		Channel: survey.ChannelQR, Key: survey.NewIdempotencyKey()}
	for _, it := range sv.Questionnaire.Items() {
		in.Answers[it.Code] = v
	}
	return in
}

// RandomInput is a complete pseudo-random response to sv drawn from rng: a
// random offered service, scores around a per-respondent level (so
// respondents differ and items correlate), a random control answer, some
// profile fields declined, and a suggestion now and then.
func RandomInput(rng *rand.Rand, sv *survey.Survey) survey.Input {
	q := sv.Questionnaire
	in := survey.Input{Service: itoa(sv.Services[rng.IntN(len(sv.Services))].ID), Answers: map[string]string{},
		Profile: map[string]string{}, Channel: survey.ChannelQR, Key: survey.NewIdempotencyKey()}
	base := 2 + rng.IntN(q.Scale.Max-1)
	for _, it := range q.Items() {
		in.Answers[it.Code] = strconv.Itoa(min(q.Scale.Max, max(q.Scale.Min, base+rng.IntN(3)-1)))
	}
	if q.Control != nil {
		in.Control = q.Control.Options[rng.IntN(2)]
	}
	for _, f := range q.Profile {
		if k := rng.IntN(len(f.Options) + 1); k < len(f.Options) {
			in.Profile[f.Code] = f.Options[k]
		}
	}
	if rng.IntN(3) == 0 {
		in.Suggestion = "Saran nomor " + strconv.Itoa(rng.IntN(1000))
	}
	return in
}

// Seed submits n RandomInput responses to sv, spread over the given number
// of days ending at end, through the real validation and batching writer,
// and returns them as stored (with their ids).
func Seed(tb testing.TB, s survey.Store, sv *survey.Survey, n, days int, end time.Time, seed uint64) []*survey.Response {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]*survey.Response, 0, n)
	for range n {
		in := RandomInput(rng, sv)
		r, err := sv.Validate(in, end.Add(-time.Duration(rng.IntN(days*24*60))*time.Minute))
		if err != nil {
			tb.Fatal(err)
		}
		if _, _, err := s.Submit(context.Background(), r); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// SubmitN submits n responses to sv now, every item scored v and the
// control question answered control, and returns their references.
func SubmitN(tb testing.TB, s survey.Store, sv *survey.Survey, n int, v, control string) []string {
	tb.Helper()
	return SubmitAt(tb, s, sv, time.Now(), n, v, control)
}

// SubmitAt is SubmitN at time at.
func SubmitAt(tb testing.TB, s survey.Store, sv *survey.Survey, at time.Time, n int, v, control string) []string {
	tb.Helper()
	refs := make([]string, n)
	for i := range refs {
		in := Input(sv, v)
		in.Control = control
		r, err := sv.Validate(in, at)
		if err != nil {
			tb.Fatal(err)
		}
		if refs[i], _, err = s.Submit(context.Background(), r); err != nil {
			tb.Fatal(err)
		}
	}
	return refs
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
