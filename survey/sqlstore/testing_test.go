package sqlstore_test

import (
	"context"
	"testing"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
	"persepsi/survey/storetest"
)

// mustOpen opens a store on a fresh temp SQLite file with the shipped
// questionnaires loaded.
func mustOpen(tb testing.TB) *sqlstore.Store { return storetest.MustOpen(tb) }

// mustSurvey creates a unit with one service and one counter without a fixed
// service, and returns its survey.
func mustSurvey(tb testing.TB, s *sqlstore.Store, tz string) *survey.Survey {
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

// fullInput answers every item of sv with score v.
func fullInput(sv *survey.Survey, v string) survey.Input {
	in := survey.Input{Service: itoa(sv.Services[0].ID), Answers: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR, Key: survey.NewIdempotencyKey()}
	for _, it := range sv.Questionnaire.Items() {
		in.Answers[it.Code] = v
	}
	return in
}
