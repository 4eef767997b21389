package cli

import (
	"context"
	"fmt"
	"persepsi/survey/sqlstore"
	"time"
)

// runRollup handles `persepsi rollup rebuild [--unit ID]`: it recomputes the
// daily rollups from the raw responses (all units without --unit). Safe to
// run while the server is up, and as often as wanted.
func runRollup(ctx context.Context, env *Env, args []string) error {
	_, args, err := subcommand(args, "rebuild")
	if err != nil {
		return err
	}
	fs, db := newFlags(env, "rollup rebuild")
	unit := fs.Int64("unit", 0, "id unit (bawaan: semua unit)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		start := time.Now()
		if err := s.RebuildRollups(ctx, *unit); err != nil {
			return notFoundAs(err, "unit %d", *unit)
		}
		fmt.Fprintf(env.Stdout, "rollup harian dibangun ulang dalam %s\n", time.Since(start).Round(time.Millisecond))
		return nil
	})
}
