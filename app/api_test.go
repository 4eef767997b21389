package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
)

// submitAt submits n responses at counter c of seed s, every item scored by
// score(i).
func (e *consoleEnv) submitAt(t *testing.T, c *survey.Counter, s seed, n int, at time.Time, score func(i int) int) {
	t.Helper()
	ctx := context.Background()
	sv, err := e.store.SurveyByCode(ctx, c.Code)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		in := survey.Input{Service: strconv.FormatInt(s.service.ID, 10), Answers: map[string]string{}, Control: "Tidak", Channel: survey.ChannelQR}
		for _, it := range sv.Questionnaire.Items() {
			in.Answers[it.Code] = strconv.Itoa(score(i))
		}
		r, err := sv.Validate(in, at)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.store.Submit(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// walkKeys calls bad for every object key of v that is not snake_case,
// except inside maps keyed by data (predicate names such as "WBK").
func walkKeys(v any, path string, bad func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if !snakeKey.MatchString(k) {
				bad(path + "." + k)
			}
			if k == "verdicts" || k == "verdict_reasons" {
				continue
			}
			walkKeys(sub, path+"."+k, bad)
		}
	case []any:
		for i, sub := range x {
			walkKeys(sub, fmt.Sprintf("%s[%d]", path, i), bad)
		}
	}
}

// TestAPIPayloadsAreSnakeCase is issue 9 item 10: every member of every
// API payload is snake_case (version_breaks used Go field names), and a
// null alpha carries its reason.
func TestAPIPayloadsAreSnakeCase(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	day := time.Date(2025, 5, 20, 3, 0, 0, 0, time.UTC)
	e.submitAt(t, e.a.counter, e.a, 6, day, func(i int) int { return 5 })
	u := e.a.unit
	if _, err := e.store.UpdateUnit(ctx, u.ID, survey.UnitChange{Name: u.Name, Agency: u.Agency, TimeZone: u.TimeZone, Questionnaire: "spkp-spak-4"}); err != nil {
		t.Fatal(err)
	}
	// Every answer 4: zero variance, so α is undefined with a reason.
	e.submitAt(t, e.a.counter, e.a, 6, day.Add(time.Hour), func(i int) int { return 4 })
	q := "?from=2025-05-20&to=2025-05-20"
	for _, path := range []string{"", "/summary", "/daily", "/counters", "/services"} {
		target := fmt.Sprintf("/api/v1/units/%d%s%s", u.ID, path, q)
		if path == "" {
			target = "/api/v1/units"
		}
		resp := e.api(t, e.tokens[survey.RoleViewer], target)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		walkKeys(v, path, func(p string) { t.Errorf("not snake_case: %s", p) })
		if path == "/daily" {
			day := v["days"].([]any)[0].(map[string]any)
			for _, est := range []any{day["ipak"], day["rolling"].(map[string]any)["ipak"]} {
				if m := est.(map[string]any)["interval_method"]; m != "wilson-neff v1" {
					t.Errorf("daily: interval_method %v", m)
				}
			}
		}
		if path != "/summary" {
			continue
		}
		// The interval method is named for the summary and on every
		// estimate with bounds (issue 9 item 2).
		if v["interval_method"] != "wilson-neff v1" {
			t.Errorf("summary interval_method %v", v["interval_method"])
		}
		for _, list := range []string{"sections", "items"} {
			for _, x := range v[list].([]any) {
				if m := x.(map[string]any)["interval_method"]; m != "wilson-neff v1" {
					t.Errorf("%s %v: interval_method %v", list, x.(map[string]any)["code"], m)
				}
			}
		}
		if vb, _ := v["version_breaks"].([]any); len(vb) != 1 || vb[0].(map[string]any)["ref"] != "spkp-spak-6@1" || vb[0].(map[string]any)["n"] != 6.0 {
			t.Errorf("version_breaks %v", v["version_breaks"])
		}
		for _, s := range v["sections"].([]any) {
			sec := s.(map[string]any)
			if sec["alpha"] == nil && !strings.Contains(fmt.Sprint(sec["alpha_reason"]), "varians nol") {
				t.Errorf("%v: alpha null without its reason: %v", sec["code"], sec["alpha_reason"])
			}
			if r := sec["verdict_reasons"].(map[string]any); !strings.Contains(fmt.Sprint(r["WBK"]), "minimum 30") {
				t.Errorf("%v: verdict reasons %v", sec["code"], r)
			}
		}
		if v["ipak"] == nil || v["n"] != 6.0 || v["received"] != 12.0 {
			t.Errorf("ipak %v, n %v, received %v", v["ipak"], v["n"], v["received"])
		}
	}
}

// TestFiltersKeepSmallGroupsHidden is issue 9 item 5 through the app: a
// counter with 3 responses (and, by secondary suppression, the one with 12)
// is withheld under ?counter= on the API, the daily API and the dashboard,
// without its n.
func TestFiltersKeepSmallGroupsHidden(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	ctx := context.Background()
	day := time.Date(2025, 5, 20, 3, 0, 0, 0, time.UTC)
	small, err := e.store.CreateCounter(ctx, survey.NewCounter{UnitID: e.a.unit.ID, Name: "Loket Kecil"})
	if err != nil {
		t.Fatal(err)
	}
	e.submitAt(t, e.a.counter, e.a, 12, day, func(i int) int { return 3 + i%4 })
	e.submitAt(t, small, e.a, 3, day, func(i int) int { return 1 + i })
	for _, c := range []*survey.Counter{small, e.a.counter} {
		q := fmt.Sprintf("?from=2025-05-20&to=2025-05-20&counter=%d", c.ID)
		for _, path := range []string{"summary", "daily", "services"} {
			resp := e.api(t, e.tokens[survey.RoleViewer], fmt.Sprintf("/api/v1/units/%d/%s%s", e.a.unit.ID, path, q))
			var v map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
				t.Fatal(err)
			}
			days, _ := v["days"].([]any)
			services, _ := v["services"].([]any)
			if v["withheld"] == nil || v["n"] != nil || len(days) > 0 || len(services) > 0 {
				t.Errorf("%s %s: %v", c.Name, path, v)
			}
		}
		for _, chart := range []string{"trend-IPAK", "items-SPAK", "profile-pendidikan"} {
			if resp := e.get(t, survey.RoleViewer, fmt.Sprintf("/dashboard/units/%d/charts/%s.svg%s", e.a.unit.ID, chart, q)); resp.StatusCode != 404 {
				t.Errorf("%s: chart %s answers %d", c.Name, chart, resp.StatusCode)
			}
		}
		page := body(t, e.get(t, survey.RoleViewer, fmt.Sprintf("/dashboard/units/%d%s", e.a.unit.ID, q)))
		if !strings.Contains(page, "tidak ditampilkan untuk menjaga kerahasiaan") || strings.Contains(page, "respons dihitung") {
			t.Errorf("%s: the dashboard shows the filtered group", c.Name)
		}
	}
	resp := e.api(t, e.tokens[survey.RoleViewer], fmt.Sprintf("/api/v1/units/%d/summary?from=2025-05-20&to=2025-05-20", e.a.unit.ID))
	var v struct {
		N              int64
		Counters       []apiGroup `json:"counters"`
		HiddenCounters int        `json:"hidden_counters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.N != 15 || len(v.Counters) != 0 || v.HiddenCounters != 2 {
		t.Errorf("unfiltered: %+v", v)
	}
}

// TestPopulationFormRefusesNBelowResponses is issue 9 item 9 on the
// population form: N = 4 for a day with 5 responses answers 422 with the
// form again, the typed N kept and the problem named in Bahasa Indonesia.
func TestPopulationFormRefusesNBelowResponses(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	e.submitAt(t, e.a.counter, e.a, 5, time.Date(2025, 5, 20, 3, 0, 0, 0, time.UTC), func(i int) int { return 4 })
	path := fmt.Sprintf("/admin/units/%d/population", e.a.unit.ID)
	resp := e.post(t, survey.RoleAdmin, path, url.Values{"from": {"2025-05-20"}, "to": {"2025-05-20"}, "population": {"4"}})
	page := body(t, resp)
	if resp.StatusCode != 422 || !strings.Contains(page, "lebih kecil dari jumlah respons yang sudah masuk pada periode ini (5)") || !strings.Contains(page, `value="4"`) {
		t.Fatalf("N < n: %d", resp.StatusCode)
	}
	if resp := e.post(t, survey.RoleAdmin, path, url.Values{"from": {"2025-05-20"}, "to": {"2025-05-20"}, "population": {"5"}}); resp.StatusCode != 303 {
		t.Fatalf("N = n: %d", resp.StatusCode)
	}
}
