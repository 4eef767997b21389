package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"persepsi/survey/evidence"
)

// Witness exit codes beyond 0 (every instance consistent).
const (
	exitAlarm       = 1 // a fork, a rollback or a forged feed: act on it
	exitUnreachable = 3 // a feed could not be read: try again later
)

// followFlags collects repeated --follow URLs.
type followFlags []string

func (f *followFlags) String() string { return strings.Join(*f, ",") }
func (f *followFlags) Set(v string) error {
	u, err := url.Parse(strings.TrimRight(v, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q bukan URL http(s) lengkap", v)
	}
	*f = append(*f, u.String())
	return nil
}

// runWitness handles `persepsi witness --follow URL… --state DIR`: on
// another machine than the instances it follows, it keeps their signed
// checkpoints, proves each new head extends the recorded one, and reports a
// fork or a rollback. --once checks once and exits (cron, tests): 0 when
// every instance is consistent, 1 on an alarm, 3 when a feed was unreachable.
func runWitness(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("persepsi witness", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var follow followFlags
	fs.Var(&follow, "follow", "alamat dasar instans yang diikuti (ulangi untuk beberapa)")
	state := fs.String("state", envOr(env, "PERSEPSI_WITNESS_STATE", ""), "folder catatan saksi, satu berkas JSON per instans (env PERSEPSI_WITNESS_STATE; wajib)")
	interval := fs.Duration("interval", time.Hour, "selang antarpemeriksaan")
	once := fs.Bool("once", false, "periksa sekali lalu keluar")
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(follow) == 0 || *state == "" {
		return usageError("--follow URL dan --state DIR wajib diisi")
	}
	if *interval < time.Second {
		return usageError("--interval paling sedikit 1s")
	}
	if err := os.MkdirAll(*state, 0o750); err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	for {
		code := 0
		for _, u := range follow {
			code = max(code, witnessOnce(ctx, env, client, u, *state))
		}
		if *once {
			if code != 0 {
				return exitCodeError(code)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*interval):
		}
	}
}

// witnessOnce checks one instance, saves its record and prints the outcome;
// it returns the exit code the outcome deserves.
func witnessOnce(ctx context.Context, env *Env, client *http.Client, base, dir string) int {
	path := filepath.Join(dir, witnessFileName(base))
	rec, err := loadWitnessRecord(path, base)
	if err != nil {
		fmt.Fprintf(env.Stdout, "GAGAL %s: catatan saksi %s tidak terbaca: %v\n", base, path, err)
		return exitAlarm
	}
	obs, err := rec.Observe(ctx, &httpSource{base: base, client: client}, time.Now())
	if err != nil {
		fmt.Fprintf(env.Stdout, "GAGAL %s: umpan tidak dapat dibaca (%v); coba lagi nanti.\n", base, err)
		return exitUnreachable
	}
	if err := saveWitnessRecord(path, rec); err != nil {
		fmt.Fprintf(env.Stdout, "GAGAL %s: catatan saksi tidak dapat disimpan: %v\n", base, err)
		return exitAlarm
	}
	for _, a := range rec.Alarms {
		fmt.Fprintf(env.Stdout, "PERINGATAN %s: %s — %s\n", base, alarmName(a.Kind), a.Detail)
	}
	if len(rec.Alarms) > 0 {
		fmt.Fprintf(env.Stdout, "  Riwayat data instans ini telah ditulis ulang atau umpannya dipalsukan. Simpan %s sebagai bukti (memuat titik periksa bertanda tangan),\n  laporkan ke Inspektorat/pengelola, dan jangan terima paket bukti baru dari instans ini sebelum diperiksa.\n", path)
		return exitAlarm
	}
	for _, g := range obs.Grown {
		if g.Upgraded {
			fmt.Fprintf(env.Stdout, "  unit %d: rantai ditingkatkan ke format v2; kepala v1 terakhir yang tercatat cocok (v1 #%d, kini v2 #%d)\n", g.Unit, g.From, g.To)
		} else if g.From == 0 {
			fmt.Fprintf(env.Stdout, "  unit %d: dicatat pertama kali pada #%d\n", g.Unit, g.To)
		} else {
			fmt.Fprintf(env.Stdout, "  unit %d: #%d → #%d, terbukti melanjutkan rantai yang tercatat\n", g.Unit, g.From, g.To)
		}
	}
	fmt.Fprintf(env.Stdout, "OK %s: kunci %s, %d unit konsisten dengan catatan saksi.\n", base, rec.Instance.KeyFingerprint[:16], len(rec.Units))
	return 0
}

func alarmName(kind string) string {
	switch kind {
	case evidence.AlarmFork:
		return "PERCABANGAN (fork)"
	case evidence.AlarmRollback:
		return "RANTAI MUNDUR (rollback)"
	case evidence.AlarmSignature:
		return "TANDA TANGAN TIDAK SAH"
	case evidence.AlarmKey:
		return "KUNCI BERGANTI"
	}
	return kind
}

// witnessFileName names an instance's record after its URL.
func witnessFileName(base string) string {
	u, _ := url.Parse(base)
	name := strings.NewReplacer(":", "_", "/", "_").Replace(u.Host + strings.TrimRight(u.Path, "/"))
	return name + ".json"
}

func loadWitnessRecord(path, base string) (*evidence.WitnessRecord, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return evidence.NewWitnessRecord(base), nil
	}
	if err != nil {
		return nil, err
	}
	return evidence.ParseWitnessRecord(b)
}

// saveWitnessRecord writes the record through a temporary file, so a crash
// never leaves half a record.
func saveWitnessRecord(path string, rec *evidence.WitnessRecord) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".saksi-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// httpSource reads an instance's transparency feed over HTTP.
type httpSource struct {
	base   string
	client *http.Client
}

// maxFeedBytes bounds one feed or proof answer.
const maxFeedBytes = 32 << 20

func (h *httpSource) get(ctx context.Context, path string, q url.Values, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxFeedBytes)).Decode(dst); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (h *httpSource) Latest(ctx context.Context) (evidence.Feed, error) {
	var f evidence.Feed
	err := h.get(ctx, "/transparency/checkpoints", nil, &f)
	return f, err
}

func (h *httpSource) Since(ctx context.Context, unit, seq int64) ([]evidence.SignedCheckpoint, error) {
	var f evidence.Feed
	err := h.get(ctx, "/transparency/checkpoints", url.Values{"unit": {strconv.FormatInt(unit, 10)}, "since": {strconv.FormatInt(seq, 10)}}, &f)
	return f.Checkpoints, err
}

func (h *httpSource) Proof(ctx context.Context, unit, from, to int64) (evidence.Proof, error) {
	var p evidence.Proof
	err := h.get(ctx, "/transparency/consistency", url.Values{"unit": {strconv.FormatInt(unit, 10)}, "from": {strconv.FormatInt(from, 10)}, "to": {strconv.FormatInt(to, 10)}}, &p)
	return p, err
}
