package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
)

// Every date a person reads in the console is Indonesian ("1 Desember
// 2026") and every time is in the unit's zone ("14.05 WITA"), never ISO or
// UTC.
func TestConsoleDatesAreIndonesian(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	admin, kepala := survey.RoleAdmin, survey.RoleKepalaUnit
	a := strconv.FormatInt(e.a.unit.ID, 10)
	if _, err := e.store.UpdateUnit(ctx, e.a.unit.ID, survey.UnitChange{Name: e.a.unit.Name, Agency: e.a.unit.Agency, TimeZone: "Asia/Makassar"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.SaveFollowUp(ctx, e.a.unit.ID, survey.FollowUpInput{ItemCode: "SPKP4", Cause: "Antrean", Action: "Tambah loket", Deadline: "2026-12-31", Owner: "Kasubag", Status: survey.FollowUpStatuses[0].Code}); err != nil {
		t.Fatal(err)
	}
	if resp := e.post(t, admin, "/admin/units/"+a+"/population", url.Values{"from": {"2026-07-01"}, "to": {"2026-12-31"}, "population": {"500"}}); resp.StatusCode != 303 {
		t.Fatalf("population: %d", resp.StatusCode)
	}
	checks := []struct {
		role       survey.Role
		path       string
		want, nope []string
	}{
		{kepala, "/dashboard/units/" + a + "?from=2026-11-01&to=2026-11-30", []string{"1 November 2026 s.d. 30 November 2026"}, []string{"2026-11-01 s.d."}},
		{kepala, "/dashboard/units/" + a + "/tindak-lanjut", []string{"<td>31 Desember 2026</td>"}, []string{"<td>2026-12-31</td>"}},
		{admin, "/admin/units/" + a, []string{"<td>1 Juli 2026</td><td>31 Desember 2026</td>"}, []string{"<td>2026-07-01</td>"}},
		{kepala, "/account", []string{"WITA"}, []string{" UTC"}},
	}
	if _, _, err := e.store.CreateToken(ctx, userID(t, e, "u-kepala-unit"), "laptop", 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		page := body(t, e.get(t, c.role, c.path))
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", c.path, w)
			}
		}
		for _, n := range c.nope {
			if strings.Contains(page, n) {
				t.Errorf("%s still shows %q", c.path, n)
			}
		}
	}
	created := survey.FormatTime(time.Now(), "Asia/Makassar")
	if page := body(t, e.get(t, kepala, "/account")); !strings.Contains(page, created[:strings.Index(created, ",")]) {
		t.Errorf("token creation day %q not on the account page", created)
	}
}

func userID(t *testing.T, e *consoleEnv, name string) int64 {
	t.Helper()
	u, err := e.store.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
