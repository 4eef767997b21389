package cli

import (
	"context"
	"fmt"

	"persepsi/survey"
)

// runToken handles `persepsi token add --user NAME [--name LABEL]`: it
// prints a new API token once; only its digest is stored.
func runToken(ctx context.Context, env *Env, args []string) error {
	_, args, err := subcommand(args, "add")
	if err != nil {
		return err
	}
	fs, db := newFlags(env, "token add")
	user := fs.String("user", "", "username the token acts for (required)")
	name := fs.String("name", "cli", "a label to recognise the token by")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *user == "" {
		return usageError("--user is required")
	}
	return withStore(ctx, env, *db, func(s *survey.Store) error {
		u, err := s.UserByName(ctx, *user)
		if err != nil {
			return notFoundAs(err, "user %q", *user)
		}
		raw, _, err := s.CreateToken(ctx, u.ID, *name)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, raw)
		return nil
	})
}
