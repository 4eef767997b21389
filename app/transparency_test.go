package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"persepsi/survey"
	"persepsi/survey/evidence"
)

func TestTransparencyFeed(t *testing.T) {
	key := evidence.NewKey()
	e := newTestEnv(t, func(c *Config) { c.SigningKey = key })
	sd := e.seedUnit(t)
	e.seedResponses(t, sd, 3, "5")
	if _, err := e.store.SealUnit(context.Background(), sd.unit.ID); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	if _, err := e.store.PublishCheckpoints(context.Background(), at); err != nil {
		t.Fatal(err)
	}
	var feed evidence.Feed
	resp := e.do(t, httptest.NewRequest(http.MethodGet, "/transparency/checkpoints", nil))
	if err := json.NewDecoder(resp.Body).Decode(&feed); err != nil || resp.StatusCode != 200 || len(feed.Checkpoints) != 1 {
		t.Fatalf("feed: %d %v %+v", resp.StatusCode, err, feed)
	}
	cp := feed.Checkpoints[0]
	if !cp.Verify(key.Public()) || !cp.Time.Equal(at) || feed.Instance.KeyFingerprint != evidence.Fingerprint(key.Public()) {
		t.Fatalf("checkpoint not signed by the instance, or not at the scheduled time: %+v", cp)
	}
	forged := cp
	forged.Seq++
	if forged.Verify(key.Public()) {
		t.Fatal("a changed checkpoint still verifies")
	}
	var proof evidence.Proof
	resp = e.do(t, httptest.NewRequest(http.MethodGet, "/transparency/consistency?unit=1&from=0&to=1", nil))
	if err := json.NewDecoder(resp.Body).Decode(&proof); err != nil || len(proof.Entries) != 1 {
		t.Fatalf("proof: %v %+v", err, proof)
	}
	if seq, hash, p := evidence.Extend(1, 0, survey.GenesisHash, proof.Entries); p != "" || seq != cp.Seq || hash != cp.Hash {
		t.Fatalf("the proof from genesis does not reach the checkpoint: %s", p)
	}
	for _, q := range []string{"unit=x", "unit=1&from=3&to=1", "unit=-1&from=0&to=1", "unit=1&since=%F0%9F%98%80"} {
		path := "/transparency/consistency?" + q
		if q == "unit=1&since=%F0%9F%98%80" {
			path = "/transparency/checkpoints?" + q
		}
		if resp := e.do(t, httptest.NewRequest(http.MethodGet, path, nil)); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", path, resp.StatusCode)
		}
	}
}

// TestTransparencyIsRateLimited: the feed and the proofs share one
// per-network hourly bound (they had none), generous for witnesses
// polling; past it a network gets 429 in JSON with Retry-After, and
// another network is not held back.
func TestTransparencyIsRateLimited(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.TrustedProxies = []string{"0.0.0.0"} })
	get := func(path, network string) *http.Response {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("X-Forwarded-For", network)
		return e.do(t, req)
	}
	for i := range transparencyPerHour {
		path := "/transparency/checkpoints"
		if i%2 == 1 {
			path = "/transparency/consistency?unit=1&from=0&to=0"
		}
		if resp := get(path, "203.0.113.7"); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d (%s): %d", i+1, path, resp.StatusCode)
		}
	}
	for _, path := range []string{"/transparency/checkpoints", "/transparency/consistency?unit=1&from=0&to=0"} {
		resp := get(path, "203.0.113.7")
		var v map[string]any
		err := json.NewDecoder(resp.Body).Decode(&v)
		retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != http.StatusTooManyRequests || err != nil || v["error"] == nil || retry < 1 || retry > 3600 {
			t.Errorf("%s past the hourly bound: %d, Retry-After %q, body %v (%v)", path, resp.StatusCode, resp.Header.Get("Retry-After"), v, err)
		}
	}
	if resp := get("/transparency/checkpoints", "198.51.100.9"); resp.StatusCode != http.StatusOK {
		t.Errorf("another network: %d", resp.StatusCode)
	}
}
