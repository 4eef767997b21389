package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"persepsi/app"
	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/sqlstore"
)

// serveConfig is the server's configuration: flags with environment
// fallbacks, validated once in load.
type serveConfig struct {
	Addr         string
	DB           string
	BaseURL      string
	SecretFile   string
	Proxies      string
	DeviceLimit  int
	NetworkLimit int
	KioskIdle    time.Duration
}

func runServe(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "serve")
	var cfg serveConfig
	fs.StringVar(&cfg.Addr, "addr", envOr(env, "PERSEPSI_ADDR", "127.0.0.1:8080"), "alamat yang didengarkan (env PERSEPSI_ADDR)")
	fs.StringVar(&cfg.BaseURL, "base-url", envOr(env, "PERSEPSI_BASE_URL", ""), "alamat publik (base URL) untuk kode QR, tautan dan bukti dukung, dicatat untuk perintah lain (env PERSEPSI_BASE_URL; bawaan: yang tercatat, atau http://ADDR)")
	keyFile := keyFlag(env, fs)
	fs.StringVar(&cfg.SecretFile, "secret-file", envOr(env, "PERSEPSI_SECRET_FILE", ""), "berkas rahasia HMAC (env PERSEPSI_SECRET_FILE; bawaan: secret.key di samping basis data, dibuat saat pertama dijalankan)")
	cpuProfile := fs.String("cpuprofile", "", "tulis profil CPU (go tool pprof) ke berkas ini sampai server berhenti")
	checkpoints := fs.Duration("checkpoint-interval", time.Hour, "terbitkan titik periksa rantai bertanda tangan di /transparency/checkpoints pada setiap kelipatan penuh selang ini (UTC)")
	bucket := fs.String("time-bucket", envOr(env, bucketEnv, survey.DefaultBucket.String()), "rentang waktu (time bucket) penyimpanan dan perantaian respons: menit yang membagi habis satu jam atau jam yang membagi habis satu hari, mis. 1h, 30m, 3h; beri semua perintah nilai yang sama (env "+bucketEnv+")")
	fs.StringVar(&cfg.Proxies, "trusted-proxies", envOr(env, "PERSEPSI_TRUSTED_PROXIES", ""), "IP/CIDR reverse proxy yang X-Forwarded-For-nya dipercaya, dipisah koma (env PERSEPSI_TRUSTED_PROXIES)")
	if err := errors.Join(
		intFlag(fs, env, &cfg.DeviceLimit, "device-limit", "PERSEPSI_DEVICE_LIMIT", 3, "kiriman per loket per jam dari satu perangkat; 0 = mati"),
		intFlag(fs, env, &cfg.NetworkLimit, "network-limit", "PERSEPSI_NETWORK_LIMIT", 120, "kiriman per loket per jam dari satu jaringan; 0 = mati"),
		durationFlag(fs, env, &cfg.KioskIdle, "kiosk-idle", "PERSEPSI_KIOSK_IDLE", app.DefaultKioskIdle, "pada tablet kios, kosongkan formulir setengah terisi yang tidak disentuh selama ini; 0 = mati"),
	); err != nil {
		return err
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg.DB = *db
	if *checkpoints < time.Minute {
		return usageError("--checkpoint-interval paling sedikit 1m")
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	d, err := timeBucket(*bucket)
	if err != nil {
		return err
	}
	secret, err := loadOrCreateSecret(cfg.SecretFile)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	signingKey, err := evidence.LoadOrCreateKey(keyPath(*keyFile, cfg.DB))
	if err != nil {
		return err
	}
	store, err := openStoreBucket(ctx, env, cfg.DB, d)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("tidak dapat mendengarkan di %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	// The port listened on, for the address derived from --addr: with
	// port 0 the system chooses it, and "http://127.0.0.1:0" was recorded.
	host, _, _ := net.SplitHostPort(cfg.Addr)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	cfg.Addr = net.JoinHostPort(host, port)
	if cfg.BaseURL, err = cfg.recordBaseURL(ctx, store); err != nil {
		return err
	}
	noteLoopback(env, cfg.BaseURL)
	mctx, stopMaintenance := context.WithCancel(ctx)
	defer stopMaintenance()
	go store.Maintain(mctx, 5*time.Second) // seals closed buckets, keeps the WAL bounded
	go store.PublishEvery(mctx, *checkpoints)
	web, err := app.New(app.Config{
		BaseURL: cfg.BaseURL, Secret: secret, SigningKey: signingKey,
		DeviceLimit: cfg.DeviceLimit, NetworkLimit: cfg.NetworkLimit,
		KioskIdle:      kioskIdle(cfg.KioskIdle),
		TrustedProxies: cfg.trustedProxies(),
		Logger:         env.Logger,
	}, store)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Persepsi berjalan / is running: %s\n", cfg.BaseURL)
	fmt.Fprintf(env.Stdout, "  mendengarkan di %s, basis data %s\n", ln.Addr(), shownDB(cfg.DB))
	if err := printNextSteps(ctx, env, store, cfg); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- web.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	env.Logger.Info("shutting down: finishing requests and draining the writer")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := web.ShutdownWithContext(sctx); err != nil {
		return fmt.Errorf("penghentian server: %w", err)
	}
	return nil
}

// printNextSteps tells a newcomer what to do on a fresh database: create the
// first admin, then a unit and a counter (or the demo), then sign in.
func printNextSteps(ctx context.Context, env *Env, store *sqlstore.Store, cfg serveConfig) error {
	users, err := store.Users(ctx)
	if err != nil {
		return err
	}
	units, err := store.Units(ctx)
	if err != nil {
		return err
	}
	if len(users) > 0 && len(units) > 0 {
		fmt.Fprintf(env.Stdout, "  masuk di %s/login\n", cfg.BaseURL)
		return nil
	}
	bin := "./bin/persepsi"
	db := ""
	if cfg.DB != "data/persepsi.db" {
		db = " --db " + shellQuote(shownDB(cfg.DB))
	}
	fmt.Fprintln(env.Stdout, "\nLangkah berikutnya (di terminal lain):")
	step := 1
	if len(users) == 0 {
		fmt.Fprintf(env.Stdout, "  %d. admin pertama (kata sandi lewat masukan standar):\n       printf '%%s\\n' 'kata-sandi-yang-panjang' | %s user add%s --username admin --role admin\n", step, bin, db)
		step++
	}
	if len(units) == 0 {
		fmt.Fprintf(env.Stdout, "  %d. unit dengan satu loket:\n       %s unit add%s --name \"Dinas Contoh\" --agency \"Pemerintah Kabupaten Contoh\" --tz Asia/Jakarta\n       %s counter add%s --unit 1 --name \"Loket 1\"\n", step, bin, db, bin, db)
		fmt.Fprintf(env.Stdout, "     atau unit demo dengan respons 90 hari:  %s demo%s\n", bin, db)
		step++
	}
	fmt.Fprintf(env.Stdout, "  %d. masuk di %s/login\n", step, cfg.BaseURL)
	return nil
}

// recordBaseURL settles the public address and records it for the other
// commands: --base-url wins and is recorded; without it, a recorded public
// address is kept; failing that, the listen address is used and recorded in
// place of an earlier loopback one, so `counter list` prints the address of
// the server that last ran. A derived address never replaces a public one.
func (c *serveConfig) recordBaseURL(ctx context.Context, store *sqlstore.Store) (string, error) {
	st, err := store.Settings(ctx)
	if err != nil {
		return "", err
	}
	b := c.BaseURL
	switch {
	case b != "":
	case st.BaseURL != "" && !survey.IsLoopbackURL(st.BaseURL):
		return st.BaseURL, nil
	default:
		b = c.listenURL()
	}
	if b != st.BaseURL {
		if err := store.SetBaseURL(ctx, b); err != nil {
			return "", err
		}
	}
	return b, nil
}

// listenURL is the address of the listener as seen from this machine.
func (c *serveConfig) listenURL() string {
	host, port, _ := net.SplitHostPort(c.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func (c *serveConfig) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return usageError("--addr %q: harus host:port", c.Addr)
	}
	if c.BaseURL != "" {
		b, err := survey.CheckBaseURL(c.BaseURL)
		if err != nil {
			return usageError("--base-url %q: harus URL http(s) lengkap, mis. https://survei.contoh.go.id", c.BaseURL)
		}
		c.BaseURL = b
	}
	if c.DeviceLimit < 0 || c.NetworkLimit < 0 {
		return usageError("batas harus 0 (mati) atau positif")
	}
	if c.KioskIdle != 0 && (c.KioskIdle < 10*time.Second || c.KioskIdle > 24*time.Hour) {
		return usageError("--kiosk-idle harus 0 (mati) atau antara 10s dan 24h")
	}
	for _, p := range c.trustedProxies() {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return usageError("--trusted-proxies: %q bukan alamat IP maupun CIDR", p)
			}
		}
	}
	if c.SecretFile == "" {
		c.SecretFile = besideDB(c.DB, "secret.key")
	}
	return nil
}

// trustedProxies splits the validated --trusted-proxies list.
func (c *serveConfig) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(c.Proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// loadOrCreateSecret reads the HMAC secret, generating 32 random bytes into
// the file (mode 0600) on first run; nodes starting at once on one folder
// share the one that was created first.
func loadOrCreateSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("berkas rahasia %s harus memuat paling sedikit 32 bita dalam heksadesimal", path)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("rahasia tidak dapat dibaca: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	created, err := evidence.CreateSecretFile(path, []byte(hex.EncodeToString(key)+"\n"))
	if err != nil {
		return nil, fmt.Errorf("rahasia tidak dapat ditulis: %w", err)
	}
	if !created { // another node sharing the folder created it first
		return loadOrCreateSecret(path)
	}
	return key, nil
}

// intFlag defines an int flag whose default comes from an environment
// variable when set; a malformed value is a usage error, not silently ignored.
func intFlag(fs *flag.FlagSet, env *Env, p *int, name, key string, def int, usage string) error {
	if v := env.Getenv(key); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return usageError("%s=%q bukan bilangan bulat", key, v)
		}
		def = n
	}
	fs.IntVar(p, name, def, usage+" (env "+key+")")
	return nil
}

// durationFlag is intFlag for a duration ("90s", "2m").
func durationFlag(fs *flag.FlagSet, env *Env, p *time.Duration, name, key string, def time.Duration, usage string) error {
	if v := env.Getenv(key); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return usageError("%s=%q bukan durasi seperti 2m atau 90s", key, v)
		}
		def = d
	}
	fs.DurationVar(p, name, def, usage+" (env "+key+")")
	return nil
}

// kioskIdle maps the flag's 0 (off) to app.Config's negative.
func kioskIdle(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// startCPUProfile profiles the process into path until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
