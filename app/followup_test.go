package app

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"persepsi/survey"
)

func TestFollowUpPage(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	path := "/dashboard/units/" + strconv.FormatInt(e.a.unit.ID, 10) + "/tindak-lanjut"
	good := url.Values{"butir": {"SPKP4"}, "penyebab": {"Antrean panjang"}, "tindakan": {"Tambah loket"}, "tenggat": {"2025-06-30"}, "penanggung_jawab": {"Kasubag Umum"}}
	cases := []struct {
		name   string
		role   survey.Role
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"anonymous", "", path, with(good, "butir", "SPKP4"), http.StatusUnauthorized, ""},
		{"viewer may not plan", survey.RoleViewer, path, with(good, "butir", "SPKP4"), http.StatusForbidden, ""},
		{"other unit", survey.RoleKepalaUnit, "/dashboard/units/" + strconv.FormatInt(e.b.unit.ID, 10) + "/tindak-lanjut", with(good, "butir", "SPKP4"), http.StatusForbidden, ""},
		{"bad deadline kept as typed", survey.RoleKepalaUnit, path, with(good, "tenggat", "besok"), http.StatusUnprocessableEntity, "Antrean panjang"},
		{"saved", survey.RoleKepalaUnit, path, with(good, "butir", "SPKP4"), http.StatusSeeOther, ""},
		{"no CSRF", survey.RoleKepalaUnit, path, with(good, "csrf", "x"), http.StatusForbidden, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.post(t, tc.role, tc.path, tc.form)
			got := body(t, resp)
			if resp.StatusCode != tc.status || !strings.Contains(got, tc.want) {
				t.Fatalf("status %d, want %d with %q", resp.StatusCode, tc.status, tc.want)
			}
		})
	}
	plan, err := e.store.FollowUps(t.Context(), e.a.unit.ID)
	if err != nil || len(plan) != 1 {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	resp := e.get(t, survey.RoleKepalaUnit, path)
	if page := body(t, resp); resp.StatusCode != 200 || !strings.Contains(page, "Tambah loket") || !strings.Contains(page, "Direncanakan") {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	if resp := e.post(t, survey.RoleKepalaUnit, path+"/"+strconv.FormatInt(plan[0].ID, 10)+"/hapus", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if plan, _ := e.store.FollowUps(t.Context(), e.a.unit.ID); len(plan) != 0 {
		t.Fatal("not deleted")
	}

	// The unit dashboard leads to the plan for those who may write it and
	// to the evidence bundle for everyone who may read the unit.
	dash := "/dashboard/units/" + strconv.FormatInt(e.a.unit.ID, 10)
	for _, tc := range []struct {
		role     survey.Role
		planLink bool
	}{{survey.RoleKepalaUnit, true}, {survey.RoleViewer, false}} {
		resp := e.get(t, tc.role, dash)
		page := body(t, resp)
		if resp.StatusCode != 200 || !strings.Contains(page, `href="`+dash+`/bukti?from=`) ||
			strings.Contains(page, `href="`+path+`"`) != tc.planLink {
			t.Errorf("%s dashboard: status %d, evidence link %v, plan link %v (want %v)", tc.role, resp.StatusCode,
				strings.Contains(page, dash+"/bukti"), strings.Contains(page, `href="`+path+`"`), tc.planLink)
		}
	}
}

// with returns a copy of v with k set to val (the post helper adds the
// CSRF token to the form it is given, so cases never share one).
func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, val)
	return out
}

func TestEvidenceDownload(t *testing.T) {
	t.Parallel()
	e := newConsoleEnv(t)
	e.seedResponses(t, e.a, 3, "4")
	day := e.a.unit.LocalDay(time.Now())
	q := "?from=" + day + "&to=" + day
	api := "/api/v1/units/" + strconv.FormatInt(e.a.unit.ID, 10) + "/evidence" + q
	ui := "/dashboard/units/" + strconv.FormatInt(e.a.unit.ID, 10) + "/bukti" + q
	cases := []struct {
		name   string
		resp   func() *http.Response
		status int
	}{
		{"api token", func() *http.Response { return e.api(t, e.tokens[survey.RoleViewer], api) }, 200},
		{"api no token", func() *http.Response { return e.api(t, "", api) }, 401},
		{"api other unit", func() *http.Response {
			return e.api(t, e.tokens[survey.RoleViewer], "/api/v1/units/"+strconv.FormatInt(e.b.unit.ID, 10)+"/evidence"+q)
		}, 403},
		{"api bad period", func() *http.Response {
			return e.api(t, e.tokens[survey.RoleAdmin], "/api/v1/units/"+strconv.FormatInt(e.a.unit.ID, 10)+"/evidence?from=2025-13-01&to=x")
		}, 422},
		{"api unknown unit", func() *http.Response { return e.api(t, e.tokens[survey.RoleAdmin], "/api/v1/units/999/evidence"+q) }, 404},
		{"ui session", func() *http.Response { return e.get(t, survey.RoleViewer, ui) }, 200},
		{"ui anonymous", func() *http.Response { return e.get(t, "", ui) }, 303},
		{"ui other unit", func() *http.Response {
			return e.get(t, survey.RoleViewer, "/dashboard/units/"+strconv.FormatInt(e.b.unit.ID, 10)+"/bukti"+q)
		}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.resp()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.status != 200 {
				return
			}
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil || len(zr.File) != 11 || !strings.Contains(resp.Header.Get("Content-Disposition"), "bukti-unit") {
				t.Fatalf("not a bundle: %v, %d files", err, len(zr.File))
			}
		})
	}
}
