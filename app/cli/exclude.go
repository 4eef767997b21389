package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"persepsi/survey"
)

// idList is a repeatable flag of response ids; commas also separate ids.
type idList []int64

func (l *idList) String() string { return fmt.Sprint([]int64(*l)) }

func (l *idList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a response id", part)
		}
		*l = append(*l, id)
	}
	return nil
}

// runExclude handles `persepsi exclude`: exclude listed responses with a
// reason, or, with --coached, every response of a period whose control
// answer is "Ya". Exclusions are chain events; nothing is deleted.
func runExclude(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "exclude")
	unit := fs.Int64("unit", 0, "unit id (required)")
	var ids idList
	fs.Var(&ids, "response", "response id to exclude (repeatable, or comma-separated)")
	reason := fs.String("reason", "", "why the responses are excluded (required with --response)")
	actor := fs.String("actor", "", "who decides (name and role; required)")
	coached := fs.Bool("coached", false, "exclude every response of --from..--to whose control answer is \"Ya\"")
	from := fs.String("from", "", "first local day, YYYY-MM-DD (with --coached)")
	to := fs.String("to", "", "last local day, YYYY-MM-DD (with --coached)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *unit <= 0:
		return usageError("--unit is required")
	case *coached == (len(ids) > 0):
		return usageError("give either --response IDs with --reason, or --coached with --from and --to")
	}
	return withStore(ctx, env, *db, func(s *survey.Store) error {
		var got []survey.Exclusion
		var err error
		if *coached {
			got, err = s.ExcludeCoached(ctx, *unit, survey.Period{From: *from, To: *to}, *actor)
		} else {
			got, err = s.Exclude(ctx, *unit, ids, *reason, *actor)
		}
		if err != nil {
			return notFoundAs(err, "unit %d", *unit)
		}
		for _, x := range got {
			fmt.Fprintf(env.Stdout, "respons %d dikecualikan (rantai #%d)\n", x.ResponseID, x.Seq)
		}
		fmt.Fprintf(env.Stdout, "%d respons dikecualikan.\n", len(got))
		return nil
	})
}
