package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// runToken handles `persepsi token add --user NAME [--name LABEL]
// [--expires 90d]`: it prints a new API token once; only its digest is
// stored. The token stops working when it expires, is revoked, or its user
// is deactivated.
func runToken(ctx context.Context, env *Env, args []string) error {
	_, args, err := subcommand(args, "add")
	if err != nil {
		return err
	}
	fs, db := newFlags(env, "token add")
	user := fs.String("user", "", "nama pengguna yang diwakili token (wajib)")
	name := fs.String("name", "cli", "label pengenal token")
	expires := fs.String("expires", "90d", "masa berlaku: hari (30d) atau durasi Go (12h); 1 jam sampai 730 hari")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *user == "" {
		return usageError("--user wajib diisi")
	}
	lifetime, err := parseLifetime(*expires)
	if err != nil {
		return err
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		u, err := s.UserByName(ctx, *user)
		if err != nil {
			return notFoundAs(err, "pengguna %q", *user)
		}
		raw, t, err := s.CreateToken(ctx, u.ID, *name, lifetime)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, raw)
		fmt.Fprintf(env.Stderr, "berlaku sampai / expires %s (%s)\n", survey.FormatTime(t.ExpiresAt, ""), t.ExpiresAt.Format(time.RFC3339))
		return nil
	})
}

// parseLifetime reads "30d" as days and anything else as a Go duration.
func parseLifetime(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, usageError("--expires %q: harus bilangan bulat hari, mis. 30d", v)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, usageError("--expires %q: harus jumlah hari (30d) atau durasi (12h)", v)
	}
	return d, nil
}
