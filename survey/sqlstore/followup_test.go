package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"persepsi/survey"
)

func TestFollowUpPlan(t *testing.T) {
	s := mustOpen(t)
	sv := mustSurvey(t, s, "Asia/Makassar")
	other := mustSurvey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	unit := sv.Unit.ID
	good := survey.FollowUpInput{ItemCode: "SPKP4", Cause: "Antrean panjang\npada jam sibuk", Action: "Tambah loket", Deadline: "2025-06-30", Owner: "Kasubag Umum"}
	f, err := s.SaveFollowUp(ctx, unit, good)
	if err != nil || f.ID == 0 || f.Status != "rencana" || f.Cause != "Antrean panjang\npada jam sibuk" {
		t.Fatalf("create: %+v, %v", f, err)
	}
	bad := []struct {
		name  string
		edit  func(*survey.FollowUpInput)
		field string
	}{
		{"unknown item", func(in *survey.FollowUpInput) { in.ItemCode = "X9" }, "item"},
		{"no cause", func(in *survey.FollowUpInput) { in.Cause = " \x00 " }, "cause"},
		{"no action", func(in *survey.FollowUpInput) { in.Action = "" }, "action"},
		{"bad deadline", func(in *survey.FollowUpInput) { in.Deadline = "30/06/2025" }, "deadline"},
		{"no owner", func(in *survey.FollowUpInput) { in.Owner = "" }, "owner"},
		{"bad status", func(in *survey.FollowUpInput) { in.Status = "batal" }, "status"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			_, err := s.SaveFollowUp(ctx, unit, in)
			if ve, ok := survey.IsValidation(err); !ok || ve.Fields[tc.field] == "" {
				t.Fatalf("err = %v, want a validation error on %s", err, tc.field)
			}
		})
	}
	upd := good
	upd.ID, upd.Status = itoa(f.ID), "selesai"
	if _, err := s.SaveFollowUp(ctx, unit, upd); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFollowUp(ctx, other.Unit.ID, upd); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("update through another unit: %v", err)
	}
	list, err := s.FollowUps(ctx, unit)
	if err != nil || len(list) != 1 || list[0].StatusLabel() != "Selesai" {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if err := s.DeleteFollowUp(ctx, other.Unit.ID, f.ID); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("delete through another unit: %v", err)
	}
	if err := s.DeleteFollowUp(ctx, unit, f.ID); err != nil {
		t.Fatal(err)
	}
}
