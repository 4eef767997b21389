package cli

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"persepsi/survey"
)

// unitList collects repeated --unit flags.
type unitList []int64

func (u *unitList) String() string { return fmt.Sprint(*u) }

func (u *unitList) Set(v string) error {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("unit id must be a positive number, got %q", v)
	}
	*u = append(*u, id)
	return nil
}

// runUser handles `persepsi user add|list`. The password of `user add` is
// read from the first line of standard input, so it never appears in the
// process list or the shell history:
//
//	printf '%s\n' "$PASSWORD" | persepsi user add --username admin --role admin
func runUser(ctx context.Context, env *Env, args []string) error {
	sub, args, err := subcommand(args, "add", "list")
	if err != nil {
		return err
	}
	fs, db := newFlags(env, "user "+sub)
	if sub == "list" {
		if err := parse(fs, args); err != nil {
			return err
		}
		return withStore(ctx, env, *db, func(s *survey.Store) error {
			us, err := s.Users(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSERNAME\tROLE\tACTIVE\tUNITS")
			for _, u := range us {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%v\n", u.ID, u.Username, u.Role, u.Active, u.Units)
			}
			return tw.Flush()
		})
	}
	username := fs.String("username", "", "username (required)")
	role := fs.String("role", string(survey.RoleAdmin), "role: admin, kepala_unit or viewer")
	var units unitList
	fs.Var(&units, "unit", "id of a unit the user may see (repeat for several)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageError("--username is required")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return usageError("give the password on standard input, e.g. printf '%%s\\n' \"$PASSWORD\" | persepsi user add … (%v)", err)
	}
	return withStore(ctx, env, *db, func(s *survey.Store) error {
		u, err := s.CreateUser(ctx, survey.NewUser{Username: *username, Password: password, Role: survey.Role(*role), Units: units})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, u.ID)
		return nil
	})
}
