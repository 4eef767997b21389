package cli

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"persepsi/survey"
	"persepsi/survey/sqlstore"
)

// unitList collects repeated --unit flags.
type unitList []int64

func (u *unitList) String() string { return fmt.Sprint(*u) }

func (u *unitList) Set(v string) error {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("id unit harus bilangan positif, bukan %q", v)
	}
	*u = append(*u, id)
	return nil
}

// runUser handles `persepsi user add|list|unlock|reset-password`. A password
// (add, reset-password) is read from the first line of standard input, so it
// never appears in the process list or the shell history:
//
//	printf '%s\n' "$PASSWORD" | persepsi user add --username admin --role admin
//	printf '%s\n' "$PASSWORD" | persepsi user reset-password --username admin
//	persepsi user unlock --username admin
func runUser(ctx context.Context, env *Env, args []string) error {
	sub, args, err := subcommand(args, "add", "list", "unlock", "reset-password")
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		return userList(ctx, env, args)
	case "add":
		return userAdd(ctx, env, args)
	}
	return userRepair(ctx, env, sub, args)
}

func userList(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "user list")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
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

func userAdd(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "user add")
	username := fs.String("username", "", "nama pengguna (wajib)")
	role := fs.String("role", string(survey.RoleAdmin), "peran: admin, kepala_unit atau viewer")
	var units unitList
	fs.Var(&units, "unit", "id unit yang boleh dilihat pengguna (ulangi untuk beberapa unit)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageError("--username wajib diisi")
	}
	password, err := readPassword(env, "user add")
	if err != nil {
		return err
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		u, err := s.CreateUser(ctx, survey.NewUser{Username: *username, Password: password, Role: survey.Role(*role), Units: units})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, u.ID)
		return nil
	})
}

// userRepair is `user unlock` (clear the sign-in throttle, for the owner
// slowed down by someone's guessing) and `user reset-password` (a new
// password from standard input; ends every session, revokes every API token
// and clears the throttle).
// The running server sees either at the user's next attempt.
func userRepair(ctx context.Context, env *Env, sub string, args []string) error {
	fs, db := newFlags(env, "user "+sub)
	username := fs.String("username", "", "nama pengguna (wajib)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageError("--username wajib diisi")
	}
	var password string
	if sub == "reset-password" {
		var err error
		if password, err = readPassword(env, "user reset-password --username "+*username); err != nil {
			return err
		}
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		u, err := s.UserByName(ctx, *username)
		if err != nil {
			return notFoundAs(err, "pengguna %q", *username)
		}
		if sub == "unlock" {
			err = s.UnlockSignIn(ctx, u.ID)
		} else {
			err = s.SetPassword(ctx, u.ID, password)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: %s\n", u.Username, map[string]string{"unlock": "kunci dibuka", "reset-password": "kata sandi diganti, sesi diakhiri, token API dicabut"}[sub])
		return nil
	})
}

// readPassword reads a password from the first line of standard input.
func readPassword(env *Env, cmd string) (string, error) {
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", usageError("berikan kata sandi lewat masukan standar (standard input), mis. printf '%%s\\n' \"$PASSWORD\" | persepsi %s (%v)", cmd, err)
	}
	return password, nil
}
