// Package cli is the persepsi command line: `persepsi <command> [flags]`.
// Each command lives in its own file; the table below lists them all.
package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"persepsi/survey/postgres"
	"persepsi/survey/sqlite"
	"persepsi/survey/sqlstore"
	"sort"
	"strings"
	"time"

	"persepsi/data"
	"persepsi/survey"
)

// Env is what a command reads and writes besides its flags.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Logger         *slog.Logger
}

// command is one entry of the table.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands is the command table. "serve" runs when no command is given.
var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":    {"menjalankan server web (bawaan)", runServe},
		"version":  {"mencetak versi", runVersion},
		"unit":     {"menambah atau mendaftar unit (unit add --name --agency --tz)", runUnit},
		"service":  {"menambah atau mendaftar layanan sebuah unit", runService},
		"counter":  {"menambah atau mendaftar loket sebuah unit (mencetak URL survei)", runCounter},
		"demo":     {"membuat unit demo dengan respons sintetis", runDemo},
		"loadtest": {"mengukur kiriman/detik di loopback (server + store saja)", runLoadtest},
		"bodyload": {"mengukur puncak memori server di bawah banyak badan permintaan besar serentak", runBodyload},
		"export":   {"menulis paket bukti dukung sebuah unit (export --unit --from --to --out)", runExport},
		"verify":   {"memeriksa paket bukti, CSV ekspor atau PDF terbitan terhadap server ini (verify FILE)", runVerify},
		"witness":  {"mengikuti umpan titik periksa instans dan melaporkan percabangan atau mundurnya riwayat (witness --follow URL --state DIR)", runWitness},
		"exclude":  {"mengecualikan respons dari statistik dengan alasan (tidak pernah menghapus)", runExclude},
		"user":     {"pengguna konsol: add, list, unlock, reset-password (user add --username --role [--unit ID]; kata sandi lewat stdin)", runUser},
		"token":    {"mencetak token API baru untuk pengguna (token add --user NAMA [--expires 90d])", runToken},
		"migrate":  {"menyalin deployment SQLite ke PostgreSQL, id tetap, rantai hash diperiksa sebelum dan sesudah (migrate --from FILE.db --to postgres://…)", runMigrate},
		"rollup":   {"membangun ulang rollup harian dari respons mentah (rollup rebuild [--unit ID])", runRollup},
	}
}

// Version is set at build time with -ldflags "-X persepsi/app/cli.Version=…".
var Version = "dev"

// errUsage marks a usage error: the message is printed with exit code 2.
var errUsage = errors.New("usage")

// usageError reports bad arguments to a command.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// exitCodeError ends a command with its own exit status, once the command
// has printed what the status means.
type exitCodeError int

func (e exitCodeError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Run executes the command named by args[0] and returns the process exit
// code: 0 on success, 1 on failure, 2 on bad usage.
func Run(ctx context.Context, env *Env, args []string) int {
	name := "serve"
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || isHelp(args[0])) {
		name, args = args[0], args[1:]
	}
	if name == "help" || isHelp(name) {
		printHelp(env.Stdout)
		return 0
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "persepsi: perintah %q tidak dikenal\n\n", name)
		printHelp(env.Stderr)
		return 2
	}
	return exitCode(env, name, cmd.run(ctx, env, args))
}

// exitCode prints a command's error on stderr, in Bahasa Indonesia, and
// returns the exit code. It is the one place where the survey package's
// domain errors become words for the operator.
func exitCode(env *Env, name string, err error) int {
	var code exitCodeError
	var sub *subcommandError
	var ve *survey.ValidationError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &sub) && sub.asked:
		fmt.Fprint(env.Stdout, sub.usage(name))
		return 0
	case errors.As(err, &sub):
		fmt.Fprintf(env.Stderr, "persepsi %s: %v\n%s", name, sub, sub.usage(name))
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "persepsi %s: %v\n", name, strings.TrimPrefix(err.Error(), "usage: "))
		return 2
	case errors.As(err, &ve):
		fmt.Fprintf(env.Stderr, "persepsi %s: masukan tidak valid:\n", name)
		keys := make([]string, 0, len(ve.Fields))
		for k := range ve.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(env.Stderr, "  --%s: %s\n", k, ve.Fields[k])
		}
		return 2
	default:
		fmt.Fprintf(env.Stderr, "persepsi %s: %s\n", name, describe(err))
		return 1
	}
}

// describe words a failure for the operator: the survey package's
// sentinel errors get an Indonesian sentence (naming what was missing when
// the command said so with notFoundAs); any other error keeps its text.
func describe(err error) string {
	var nf *notFoundError
	switch {
	case errors.As(err, &nf):
		return nf.what + " tidak ditemukan"
	case errors.Is(err, survey.ErrNotFound):
		return "data yang diminta tidak ditemukan"
	case errors.Is(err, survey.ErrBadCredentials):
		return "nama pengguna atau kata sandi salah"
	case sqlite.IsUnavailable(err), postgres.IsUnavailable(err):
		return fmt.Sprintf("basis data sedang tidak dapat dipakai (penuh, terkunci, hanya-baca atau ditutup); coba lagi nanti (%v)", err)
	default:
		return err.Error()
	}
}

// notFoundError is survey.ErrNotFound with the thing a command looked for
// ("unit 7", `pengguna "budi"`); describe words it.
type notFoundError struct {
	what string
	err  error
}

func (e *notFoundError) Error() string { return e.what + ": " + e.err.Error() }
func (e *notFoundError) Unwrap() error { return e.err }

// notFoundAs names what is missing when err is survey.ErrNotFound.
func notFoundAs(err error, format string, args ...any) error {
	if errors.Is(err, survey.ErrNotFound) {
		return &notFoundError{what: fmt.Sprintf(format, args...), err: err}
	}
	return err
}

// isHelp reports whether arg asks for help (-h, -help, --help), as the flag
// package reads them.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Pemakaian: persepsi <perintah> [flag]\n\nPerintah:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nJalankan 'persepsi <perintah> -h' untuk melihat flag sebuah perintah.")
}

// newFlags returns a flag set that reports errors instead of exiting, with the
// --db flag every command takes.
func newFlags(env *Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("persepsi "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", envOr(env, "PERSEPSI_DB", "data/persepsi.db"), "berkas basis data SQLite, atau URL postgres:// (env PERSEPSI_DB)")
	return fs, db
}

// defaultBaseURL is where `persepsi serve` is reached with its default
// --addr: the last resort when no public address was given or recorded.
const defaultBaseURL = "http://127.0.0.1:8080"

// baseURLFlag defines --base-url for commands that print public links. Its
// default is empty: the address recorded in the database is used then.
func baseURLFlag(fs *flag.FlagSet, env *Env) *string {
	return fs.String("base-url", envOr(env, "PERSEPSI_BASE_URL", ""), "alamat publik (base URL) yang dicetak pada tautan dan kode QR (env PERSEPSI_BASE_URL; bawaan: alamat yang dicatat oleh serve --base-url atau di Pengaturan)")
}

// publicBaseURL resolves the public address a command prints: the flag
// (or its environment variable), else the one recorded in the database,
// else defaultBaseURL. When the result is a loopback address it says so on
// stderr (noteLoopback).
func publicBaseURL(ctx context.Context, env *Env, s *sqlstore.Store, flagValue string) (string, error) {
	b, err := resolveBaseURL(ctx, s, flagValue)
	if err != nil {
		return "", err
	}
	noteLoopback(env, b)
	return b, nil
}

// noLoopbackNoteEnv, set to 1, silences noteLoopback: the measuring
// commands (loadtest, bodyload) set it for the temporary server they start
// on loopback, where the note means nothing.
const noLoopbackNoteEnv = "PERSEPSI_NO_LOOPBACK_NOTE"

// noteLoopback warns on stderr, for serve and for the commands printing
// links, that a loopback public address opens on this computer only.
func noteLoopback(env *Env, base string) {
	if !survey.IsLoopbackURL(base) || (env.Getenv != nil && env.Getenv(noLoopbackNoteEnv) == "1") {
		return
	}
	fmt.Fprintf(env.Stderr, "catatan: alamat publik %s hanya dapat dibuka di komputer ini, bukan dari ponsel responden atau oleh evaluator; tautan, kode QR dan bukti dukung memerlukan alamat yang dapat mereka buka. %s\n", base, setBaseURLHint)
}

// resolveBaseURL is publicBaseURL without the warning.
func resolveBaseURL(ctx context.Context, s *sqlstore.Store, flagValue string) (string, error) {
	b := flagValue
	if b == "" {
		st, err := s.Settings(ctx)
		if err != nil {
			return "", err
		}
		b = cmp.Or(st.BaseURL, defaultBaseURL)
	}
	b, err := survey.CheckBaseURL(b)
	if err != nil {
		return "", usageError("--base-url %q: harus URL http(s) lengkap, mis. https://survei.contoh.go.id", b)
	}
	return b, nil
}

// setBaseURLHint tells how to record the public address.
const setBaseURLHint = "Catat alamat publik dengan `persepsi serve --base-url https://…` atau di Pengaturan (/admin/settings)."

// parse parses flags and turns a flag error into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("argumen %q tidak dikenal", fs.Arg(0))
	}
	return nil
}

// parseFlags parses flags for a command that also takes positional
// arguments: -h is passed through (the usage is already printed), any other
// flag error becomes a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("flag salah (%v); lihat -h", err)
	}
	return nil
}

func envOr(env *Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

// openStore opens the database and loads the shipped questionnaires. The
// time bucket comes from PERSEPSI_TIME_BUCKET, so every command opening the
// same database stores and seals with the same bucket.
func openStore(ctx context.Context, env *Env, path string) (*sqlstore.Store, error) {
	var v string
	if env.Getenv != nil {
		v = env.Getenv(bucketEnv)
	}
	bucket, err := timeBucket(v)
	if err != nil {
		return nil, err
	}
	return openStoreBucket(ctx, env, path, bucket)
}

// checkDBPath accepts a SQLite file path or a postgres:// URL and refuses
// any other URL: before it did, "mysql://host/db" silently created a
// SQLite file in a new folder named "mysql:".
func checkDBPath(path string) error {
	if path == "" {
		return usageError("--db: nama berkas basis data SQLite atau URL postgres:// wajib diisi")
	}
	scheme, _, ok := strings.Cut(path, "://")
	if !ok || postgres.IsURL(path) {
		return nil
	}
	return usageError("--db: skema %q tidak dikenal; --db menerima jalur berkas SQLite (mis. data/persepsi.db) atau URL postgres://pengguna@host:5432/basisdata", scheme)
}

// besideDB is where a file that belongs with the database (the HMAC
// secret, the signing key) lives unless a flag says otherwise: beside a
// SQLite file, or in data/ of the working directory, where the SQLite
// default lives, for a PostgreSQL URL, which names no folder (the folder
// of the URL used to be taken: a folder named "postgres:" appeared).
func besideDB(db, name string) string {
	if postgres.IsURL(db) {
		return filepath.Join("data", name)
	}
	return filepath.Join(filepath.Dir(db), name)
}

// shownDB is --db as serve prints it, to a terminal or a log: a
// PostgreSQL URL without its password.
func shownDB(db string) string {
	if postgres.IsURL(db) {
		return postgres.Redact(db)
	}
	return db
}

// shellQuote quotes s for a command line printed to be copied, when the
// shell would read it otherwise: a "&" between a URL's parameters ended the
// printed command there.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n&;|<>()$`\\\"'*?[]#~!{}") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// openDB opens the store --db names: a PostgreSQL server for a
// postgres:// URL, else a SQLite file.
func openDB(path string, opt survey.Options) (*sqlstore.Store, error) {
	if postgres.IsURL(path) {
		s, err := postgres.Open(path, opt)
		if err != nil {
			return nil, fmt.Errorf("tidak dapat membuka basis data PostgreSQL %s: %w", postgres.Redact(path), err)
		}
		return s, nil
	}
	return sqlite.Open(path, opt)
}

// bucketEnv names the variable holding the time bucket of stored responses.
const bucketEnv = "PERSEPSI_TIME_BUCKET"

// timeBucket parses a time bucket ("" is the default), checked with
// survey.CheckBucket; a bad value is a usage error.
func timeBucket(v string) (time.Duration, error) {
	if v == "" {
		return survey.DefaultBucket, nil
	}
	d, err := time.ParseDuration(v)
	if err == nil {
		err = survey.CheckBucket(d)
	}
	if err != nil {
		return 0, usageError("rentang waktu (time bucket) %q tidak sah: harus sejumlah menit yang membagi habis satu jam, atau sejumlah jam yang membagi habis satu hari (mis. 1h, 30m, 3h)", v)
	}
	return d, nil
}

func openStoreBucket(ctx context.Context, env *Env, path string, bucket time.Duration) (*sqlstore.Store, error) {
	if err := checkDBPath(path); err != nil {
		return nil, err
	}
	s, err := openDB(path, survey.Options{Logger: env.Logger, Bucket: bucket})
	if err != nil {
		return nil, err
	}
	qs, err := survey.LoadQuestionnaires(data.Questionnaires, "questionnaires")
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := s.SyncQuestionnaires(ctx, qs); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func runVersion(_ context.Context, env *Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "persepsi", Version)
	return nil
}

var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// DefaultEnv is the process environment.
func DefaultEnv() *Env {
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
}
