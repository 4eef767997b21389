package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"persepsi/survey"
	"persepsi/survey/evidence"
)

// errNotVerified makes `persepsi verify` exit with status 1 after printing
// what differs.
var errNotVerified = errors.New("verification failed")

// runVerify handles `persepsi verify FILE`: FILE is a bundle (.zip) or an
// exported CSV. For a bundle it also walks the unit's whole hash chain.
func runVerify(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "verify")
	keyFile := keyFlag(env, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want exactly one FILE (a bundle .zip or an exported CSV)")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return withStore(ctx, env, *db, func(s *survey.Store) error {
		key, err := evidence.LoadKey(keyPath(*keyFile, *db))
		if err != nil {
			return err
		}
		res, err := evidence.Verify(ctx, s, key.Public(), f, st.Size())
		if err != nil {
			return err
		}
		if rep := res.Chain; rep != nil && !rep.OK() {
			fmt.Fprintf(env.Stdout, "TIDAK SAH / NOT VERIFIED: rantai hash unit %d rusak pada entri %d: %s\n", rep.UnitID, rep.BrokenSeq, rep.Problem)
			return errNotVerified
		}
		if !res.OK() {
			fmt.Fprintf(env.Stdout, "TIDAK SAH / NOT VERIFIED: %s\n", res.Problem)
			return errNotVerified
		}
		if m := res.Manifest; m != nil && res.Chain != nil {
			fmt.Fprintf(env.Stdout, "SAH / VERIFIED: paket bukti %s, unit %d (%s), %s s.d. %s, %d baris sama dengan server; rantai utuh (%d entri).\n",
				path, m.Unit.ID, m.Unit.Name, m.Period.From, m.Period.To, res.Rows, res.Chain.Entries)
			return nil
		}
		fmt.Fprintf(env.Stdout, "SAH / VERIFIED: CSV %s, %d baris sama dengan server.\n", path, res.Rows)
		return nil
	})
}
