package cli

import (
	"context"
	"fmt"
	"strings"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// refList is a repeatable flag of response references (the ref column of
// the exports); commas also separate them.
type refList []string

func (l *refList) String() string { return strings.Join(*l, ",") }

func (l *refList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		ref := strings.ToLower(strings.TrimSpace(part))
		if !survey.ValidRef(ref) {
			return fmt.Errorf("%q bukan rujukan respons (32 digit heksadesimal, kolom ref pada ekspor)", part)
		}
		*l = append(*l, ref)
	}
	return nil
}

// runExclude handles `persepsi exclude`: exclude listed responses with a
// reason, or, with --coached, every response of a period whose control
// answer is "Ya". Exclusions are chain events; nothing is deleted.
func runExclude(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "exclude")
	unit := fs.Int64("unit", 0, "id unit (wajib)")
	var refs refList
	fs.Var(&refs, "response", "rujukan respons yang dikecualikan, seperti pada ekspor (boleh diulang, atau dipisah koma)")
	reason := fs.String("reason", "", "alasan respons dikecualikan (wajib dengan --response)")
	actor := fs.String("actor", "", "siapa yang memutuskan (nama dan jabatan; wajib)")
	coached := fs.Bool("coached", false, "kecualikan setiap respons --from..--to yang jawaban kontrolnya \"Ya\"")
	from := fs.String("from", "", "hari lokal pertama, YYYY-MM-DD (dengan --coached)")
	to := fs.String("to", "", "hari lokal terakhir, YYYY-MM-DD (dengan --coached)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *unit <= 0:
		return usageError("--unit wajib diisi")
	case *coached == (len(refs) > 0):
		return usageError("beri --response REFS dengan --reason, atau --coached dengan --from dan --to")
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		var got []survey.Exclusion
		var err error
		if *coached {
			got, err = s.ExcludeCoached(ctx, *unit, survey.Period{From: *from, To: *to}, *actor)
		} else {
			got, err = s.Exclude(ctx, *unit, refs, *reason, *actor)
		}
		if err != nil {
			return notFoundAs(err, "unit %d", *unit)
		}
		for _, x := range got {
			fmt.Fprintf(env.Stdout, "respons %s dikecualikan (rantai #%d)\n", x.ResponseRef, x.Seq)
		}
		fmt.Fprintf(env.Stdout, "%d respons dikecualikan.\n", len(got))
		return nil
	})
}
