package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
