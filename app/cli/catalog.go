package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// runUnit handles `persepsi unit add|list`.
func runUnit(ctx context.Context, env *Env, args []string) error {
	sub, args, err := subcommand(args, "add", "list")
	if err != nil {
		return err
	}
	fs, db := newFlags(env, "unit "+sub)
	switch sub {
	case "add":
		name := fs.String("name", "", "nama unit (wajib)")
		agency := fs.String("agency", "", "instansi induk")
		tz := fs.String("tz", "Asia/Jakarta", "zona waktu: Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT)")
		q := fs.String("questionnaire", "", "kunci kuesioner[@versi] (bawaan "+survey.DefaultQuestionnaireKey+")")
		if err := parse(fs, args); err != nil {
			return err
		}
		return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
			u, err := s.CreateUnit(ctx, survey.NewUnit{Name: *name, Agency: *agency, TimeZone: *tz, Questionnaire: *q})
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, u.ID)
			return nil
		})
	default:
		if err := parse(fs, args); err != nil {
			return err
		}
		return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
			us, err := s.Units(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tAGENCY\tZONE\tQUESTIONNAIRE")
			for _, u := range us {
				ref := "?"
				if q, err := s.Questionnaire(u.QuestionnaireID); err == nil {
					ref = q.Ref()
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s (%s)\t%s\n", u.ID, u.Name, u.Agency, u.TimeZone, survey.ZoneAbbr(u.TimeZone), ref)
			}
			return tw.Flush()
		})
	}
}

// runService handles `persepsi service add|list`.
func runService(ctx context.Context, env *Env, args []string) error {
	sub, args, err := subcommand(args, "add", "list")
	if err != nil {
		return err
	}
	fs, db := newFlags(env, "service "+sub)
	unit := fs.Int64("unit", 0, "id unit (wajib)")
	name := new(string)
	if sub == "add" {
		name = fs.String("name", "", "nama jenis layanan (wajib)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *unit <= 0 {
		return usageError("--unit wajib diisi")
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		if sub == "add" {
			sv, err := s.CreateService(ctx, *unit, *name)
			if err != nil {
				return notFoundAs(err, "unit %d", *unit)
			}
			fmt.Fprintln(env.Stdout, sv.ID)
			return nil
		}
		if err := requireUnit(ctx, s, *unit); err != nil {
			return err
		}
		ss, err := s.Services(ctx, *unit)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tACTIVE")
		for _, sv := range ss {
			fmt.Fprintf(tw, "%d\t%s\t%v\n", sv.ID, sv.Name, sv.Active)
		}
		return tw.Flush()
	})
}

// runCounter handles `persepsi counter add|list`.
func runCounter(ctx context.Context, env *Env, args []string) error {
	sub, args, err := subcommand(args, "add", "list")
	if err != nil {
		return err
	}
	fs, db := newFlags(env, "counter "+sub)
	unit := fs.Int64("unit", 0, "id unit (wajib)")
	baseFlag := baseURLFlag(fs, env)
	var name *string
	var service *int64
	if sub == "add" {
		name = fs.String("name", "", "nama loket, mis. \"Loket 1\" (wajib)")
		service = fs.Int64("service", 0, "id layanan tetap (bawaan: responden memilih)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *unit <= 0 {
		return usageError("--unit wajib diisi")
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		if err := requireUnit(ctx, s, *unit); err != nil {
			return err
		}
		base, err := publicBaseURL(ctx, env, s, *baseFlag)
		if err != nil {
			return err
		}
		if sub == "add" {
			c, err := s.CreateCounter(ctx, survey.NewCounter{UnitID: *unit, Name: *name, ServiceID: *service})
			if err != nil {
				return notFoundAs(err, "unit %d", *unit)
			}
			fmt.Fprintln(env.Stdout, surveyURL(base, c.Code))
			return warnNotLive(ctx, env, s, *c)
		}
		cs, err := s.Counters(ctx, *unit)
		if err != nil {
			return err
		}
		svcs, err := s.Services(ctx, *unit)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tACTIVE\tLIVE\tSURVEY URL")
		for _, c := range cs {
			fmt.Fprintf(tw, "%d\t%s\t%v\t%v\t%s\n", c.ID, c.Name, c.Active, c.Active && survey.CounterLacks(c, svcs) == nil, surveyURL(base, c.Code))
		}
		return tw.Flush()
	})
}

// requireUnit fails, naming the unit, when it does not exist: listing the
// services or counters of a mistyped unit id is an error, not an empty
// table.
func requireUnit(ctx context.Context, s *sqlstore.Store, id int64) error {
	_, err := s.Unit(ctx, id)
	return notFoundAs(err, "unit %d", id)
}

// warnNotLive tells on stderr what a new counter's unit lacks before
// respondents can answer there.
func warnNotLive(ctx context.Context, env *Env, s *sqlstore.Store, c survey.Counter) error {
	svcs, err := s.Services(ctx, c.UnitID)
	if err != nil {
		return err
	}
	if lacks := survey.CounterLacks(c, svcs); lacks != nil {
		fmt.Fprintf(env.Stderr, "catatan: loket ini belum dapat menerima respons: %s. Tambahkan dengan `persepsi service add --unit %d --name …`.\n", strings.Join(lacks, "; "), c.UnitID)
	}
	return nil
}

// surveyURL is a counter's public address under a base URL that
// survey.CheckBaseURL accepted.
func surveyURL(base, code string) string { return base + "/s/" + code }

// subcommand splits off a required sub-command from a fixed list.
func subcommand(args []string, allowed ...string) (string, []string, error) {
	if len(args) > 0 {
		for _, a := range allowed {
			if args[0] == a {
				return a, args[1:], nil
			}
		}
	}
	asked := len(args) > 0 && (isHelp(args[0]) || args[0] == "help")
	return "", nil, &subcommandError{allowed: allowed, asked: asked}
}

// subcommandError is a command group (unit, user, token…) run without one of
// its subcommands. Asked is set for -h, --help or help: Run prints the
// usage on standard output and exits 0 then, and with status 2 otherwise.
type subcommandError struct {
	allowed []string
	asked   bool
}

func (e *subcommandError) Error() string {
	return "pilih salah satu subperintah: " + strings.Join(e.allowed, ", ")
}

// usage is the group's usage, naming the subcommands and how to list the
// flags of one.
func (e *subcommandError) usage(name string) string {
	return fmt.Sprintf("Pemakaian: persepsi %s %s [flag]\nJalankan 'persepsi %s %s -h' untuk melihat flag-nya.\n", name, strings.Join(e.allowed, "|"), name, e.allowed[0])
}

// withStore opens the store, runs f and closes it.
func withStore(ctx context.Context, env *Env, path string, f func(*sqlstore.Store) error) error {
	s, err := openStore(ctx, env, path)
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s)
}
