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
		"serve":    {"start the web server (default)", runServe},
		"version":  {"print the version", runVersion},
		"unit":     {"add or list units (unit add --name --agency --tz)", runUnit},
		"service":  {"add or list a unit's services", runService},
		"counter":  {"add or list a unit's counters (prints survey URLs)", runCounter},
		"demo":     {"create a demo unit with synthetic responses", runDemo},
		"loadtest": {"measure submissions/s on loopback (server + store alone)", runLoadtest},
		"bodyload": {"measure the server's peak memory under concurrent large request bodies", runBodyload},
		"export":   {"write a unit's evidence bundle (export --unit --from --to --out)", runExport},
		"verify":   {"check a bundle or exported CSV against this server (verify FILE)", runVerify},
		"witness":  {"follow instances' checkpoint feeds and report a fork or rollback (witness --follow URL --state DIR)", runWitness},
		"exclude":  {"exclude responses from the statistics, with a reason (never deletes)", runExclude},
		"user":     {"console users: add, list, unlock, reset-password (user add --username --role [--unit ID]; passwords on stdin)", runUser},
		"token":    {"print a new API token for a user (token add --user NAME [--expires 90d])", runToken},
		"rollup":   {"rebuild the daily rollups from raw responses (rollup rebuild [--unit ID])", runRollup},
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
		fmt.Fprintf(env.Stderr, "persepsi: unknown command %q\n\n", name)
		printHelp(env.Stderr)
		return 2
	}
	err := cmd.run(ctx, env, args)
	var code exitCodeError
	var sub *subcommandError
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
	default:
		var ve *survey.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintf(env.Stderr, "persepsi %s: invalid input:\n", name)
			keys := make([]string, 0, len(ve.Fields))
			for k := range ve.Fields {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(env.Stderr, "  --%s: %s\n", k, ve.Fields[k])
			}
			return 2
		}
		fmt.Fprintf(env.Stderr, "persepsi %s: %v\n", name, err)
		return 1
	}
}

// isHelp reports whether arg asks for help (-h, -help, --help), as the flag
// package reads them.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Usage: persepsi <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'persepsi <command> -h' for a command's flags.")
}

// newFlags returns a flag set that reports errors instead of exiting, with the
// --db flag every command takes.
func newFlags(env *Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("persepsi "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", envOr(env, "PERSEPSI_DB", "data/persepsi.db"), "SQLite database file (env PERSEPSI_DB)")
	return fs, db
}

// defaultBaseURL is where `persepsi serve` is reached with its default
// --addr: the last resort when no public address was given or recorded.
const defaultBaseURL = "http://127.0.0.1:8080"

// baseURLFlag defines --base-url for commands that print public links. Its
// default is empty: the address recorded in the database is used then.
func baseURLFlag(fs *flag.FlagSet, env *Env) *string {
	return fs.String("base-url", envOr(env, "PERSEPSI_BASE_URL", ""), "public base URL printed in links and QR codes (env PERSEPSI_BASE_URL; default: the address recorded by serve --base-url or in Pengaturan)")
}

// publicBaseURL resolves the public address a command prints: the flag
// (or its environment variable), else the one recorded in the database,
// else defaultBaseURL. When the result is a loopback address it warns on
// stderr that the links open on this computer only.
func publicBaseURL(ctx context.Context, env *Env, s *survey.Store, flagValue string) (string, error) {
	b, err := resolveBaseURL(ctx, s, flagValue)
	if err != nil {
		return "", err
	}
	if survey.IsLoopbackURL(b) {
		fmt.Fprintf(env.Stderr, "catatan: alamat publik %s hanya dapat dibuka di komputer ini, bukan dari ponsel responden. %s\n", b, setBaseURLHint)
	}
	return b, nil
}

// resolveBaseURL is publicBaseURL without the warning.
func resolveBaseURL(ctx context.Context, s *survey.Store, flagValue string) (string, error) {
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
		return "", usageError("--base-url %q: want an absolute http(s) URL", b)
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
		return usageError("unexpected argument %q", fs.Arg(0))
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
		return usageError("%v", err)
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
func openStore(ctx context.Context, env *Env, path string) (*survey.Store, error) {
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

// checkDBPath refuses a --db value that names a server rather than a file:
// before it did, "postgres://host/db" silently created a SQLite file in a
// new folder named "postgres:". This build stores in SQLite only.
func checkDBPath(path string) error {
	if path == "" {
		return usageError("--db: nama berkas basis data SQLite wajib diisi")
	}
	scheme, _, ok := strings.Cut(path, "://")
	if !ok {
		return nil
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return usageError("--db %s: PostgreSQL belum didukung oleh versi ini; --db menerima jalur berkas SQLite (mis. data/persepsi.db)", scheme+"://…")
	default:
		return usageError("--db: skema %q tidak dikenal; --db menerima jalur berkas SQLite (mis. data/persepsi.db)", scheme)
	}
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
		return 0, usageError("time bucket %q: %v (e.g. 1h, 30m, 3h)", v, err)
	}
	return d, nil
}

func openStoreBucket(ctx context.Context, env *Env, path string, bucket time.Duration) (*survey.Store, error) {
	if err := checkDBPath(path); err != nil {
		return nil, err
	}
	s, err := survey.Open(path, survey.Options{Logger: env.Logger, Bucket: bucket})
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
