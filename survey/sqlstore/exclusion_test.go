package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/storetest"
)

func TestExcludeRecordsChainEventsAndRejectsBadIDs(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	other := storetest.Survey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	ids := storetest.SubmitN(t, s, sv, 3, "5", "Tidak")
	foreign := storetest.SubmitN(t, s, other, 1, "5", "Tidak")[0]
	unit := sv.Unit.ID

	if n, err := s.SealUnit(ctx, unit); err != nil || n != 3 {
		t.Fatalf("sealed %d, %v; want the 3 responses", n, err)
	}
	sealed, err := s.ChainHead(ctx, unit)
	if err != nil || sealed.Kind != survey.ChainSegment {
		t.Fatalf("head after sealing = %+v, %v", sealed, err)
	}
	got, err := s.Exclude(ctx, unit, []string{ids[0], ids[2], ids[0]}, "  Hari uji coba  ", "Kepala Unit")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Reason != "Hari uji coba" || got[0].Seq != sealed.Seq+1 || got[1].Seq != sealed.Seq+2 {
		t.Fatalf("exclusions = %+v, want two right after the segment #%d", got, sealed.Seq)
	}
	head, err := s.ChainHead(ctx, unit)
	if err != nil || head.Seq != sealed.Seq+2 || head.Kind != survey.ChainExclusion || head.Root != got[1].Digest() {
		t.Fatalf("chain head = %+v, %v", head, err)
	}

	bad := []struct {
		name   string
		ids    []string
		reason string
		actor  string
		field  string
	}{
		{"already excluded", []string{ids[1], ids[0]}, "x", "y", "response"},
		{"other unit", []string{foreign}, "x", "y", "response"},
		{"unknown", []string{survey.NewRef()}, "x", "y", "response"},
		{"not a reference", []string{"12"}, "x", "y", "response"},
		{"no ids", nil, "x", "y", "response"},
		{"no reason", []string{ids[1]}, " ", "y", "reason"},
		{"no actor", []string{ids[1]}, "x", "", "actor"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Exclude(ctx, unit, tc.ids, tc.reason, tc.actor)
			ve, ok := survey.IsValidation(err)
			if !ok || ve.Fields[tc.field] == "" {
				t.Fatalf("err = %v, want a validation error on %s", err, tc.field)
			}
		})
	}
	if h, _ := s.ChainHead(ctx, unit); h.Seq != sealed.Seq+2 {
		t.Fatalf("a rejected exclusion wrote to the chain: head %d", h.Seq)
	}
	if _, err := s.Exclude(ctx, 424242, []string{ids[1]}, "x", "y"); err != survey.ErrNotFound {
		t.Fatalf("unknown unit: %v", err)
	}
}

func TestExcludeCoachedIsIdempotentAndRespectsAsOf(t *testing.T) {
	s := mustOpen(t)
	sv := storetest.Survey(t, s, "Asia/Jakarta")
	ctx := context.Background()
	storetest.SubmitN(t, s, sv, 2, "6", "Tidak")
	coached := storetest.SubmitN(t, s, sv, 3, "6", survey.ControlCoached)
	day := sv.Unit.LocalDay(time.Now())
	if _, err := s.SealUnit(ctx, sv.Unit.ID); err != nil {
		t.Fatal(err)
	}
	sealed, err := s.ChainHead(ctx, sv.Unit.ID)
	if err != nil {
		t.Fatal(err)
	}

	first, err := s.ExcludeCoached(ctx, sv.Unit.ID, survey.Period{From: day, To: day}, "Tim ZI")
	if err != nil || len(first) != 3 {
		t.Fatalf("first run: %d exclusions, %v", len(first), err)
	}
	again, err := s.ExcludeCoached(ctx, sv.Unit.ID, survey.Period{From: day, To: day}, "Tim ZI")
	if err != nil || len(again) != 0 {
		t.Fatalf("second run: %d exclusions, %v", len(again), err)
	}
	for _, tc := range []struct {
		asOf int64
		want int
	}{{0, 3}, {sealed.Seq, 0}, {first[0].Seq, 1}} {
		n, total := 0, 0
		err := s.EachRecord(ctx, sv.Unit.ID, survey.Period{From: day, To: day}, tc.asOf, func(r *survey.Record) error {
			total++
			if r.Exclusion != nil {
				n++
				if r.Exclusion.Reason != survey.CoachedReason || !slices.Contains(coached, r.Ref) {
					t.Errorf("record %s excluded as %+v", r.Ref, r.Exclusion)
				}
			}
			if r.Hash == "" || len(r.Answers) != len(sv.Questionnaire.Items()) {
				t.Errorf("record %s lacks its segment's hash or its answers", r.Ref)
			}
			return nil
		})
		if err != nil || total != 5 || n != tc.want {
			t.Fatalf("as of %d: %d of %d excluded (%v), want %d of 5", tc.asOf, n, total, err, tc.want)
		}
	}
	if _, err := s.ExcludeCoached(ctx, sv.Unit.ID, survey.Period{From: day, To: "2000-01-01"}, "Tim ZI"); err == nil {
		t.Fatal("a reversed period was accepted")
	}
}
