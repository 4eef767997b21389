package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"persepsi/survey/evidence"
	"persepsi/survey/sqlstore"
)

// errNotVerified makes `persepsi verify` exit with status 1 after printing
// what differs.
var errNotVerified = errors.New("verifikasi gagal")

// runVerify handles `persepsi verify [--witness DIR|FILE] FILE`: FILE is a
// bundle (.zip), an exported CSV, or any file of an issued bundle (the PDF).
// It runs the checks of the public /verify (evidence.Checker), and prints
// the operator's details too: where the chain breaks, who issued the file.
func runVerify(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "verify")
	keyFile := keyFlag(env, fs)
	witness := fs.String("witness", "", "catatan saksi (berkas JSON, atau folder --state saksi) untuk dibandingkan dengan riwayat server")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("beri tepat satu FILE (paket bukti .zip, CSV hasil ekspor, atau PDF terbitan)")
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
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		key, err := evidence.LoadKey(keyPath(*keyFile, *db))
		if err != nil {
			return err
		}
		var rec *evidence.WitnessRecord
		if *witness != "" {
			if rec, err = loadWitnessFor(*witness, evidence.Fingerprint(key.Public())); err != nil {
				return err
			}
		}
		res, err := evidence.NewChecker(s, key.Public()).Verify(ctx, f, st.Size(), rec)
		if err != nil {
			return err
		}
		printVerdict(env.Stdout, path, res)
		if !res.OK() {
			return errNotVerified
		}
		return nil
	})
}

func printVerdict(w io.Writer, path string, res *evidence.Result) {
	switch {
	case res.Chain != nil && !res.Chain.OK():
		rep := res.Chain
		fmt.Fprintf(w, "TIDAK SAH / NOT VERIFIED: rantai hash unit %d rusak pada entri %d: %s\n", rep.UnitID, rep.BrokenSeq, rep.Problem)
	case !res.OK():
		fmt.Fprintf(w, "TIDAK SAH / NOT VERIFIED: %s\n", res.Problem)
	default:
		what := map[string]string{"bundle": "paket bukti", "csv": "CSV", "file": "berkas"}[res.Kind]
		fmt.Fprintf(w, "SAH / VERIFIED: %s %s", what, path)
		switch {
		case res.Manifest != nil:
			m := res.Manifest
			fmt.Fprintf(w, ", unit %d (%s), %s s.d. %s", m.Unit.ID, m.Unit.Name, m.Period.From, m.Period.To)
		case res.Issued != nil:
			fmt.Fprintf(w, " (%s dari paket unit %d, %s s.d. %s)", res.IssuedFile, res.Issued.UnitID, res.Issued.PeriodFrom, res.Issued.PeriodTo)
		}
		fmt.Fprintf(w, ", %d baris sama dengan server.\n", res.Rows)
	}
	if res.Format != "" {
		fmt.Fprintf(w, "  format: %s\n", res.Format)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	if res.Detail != "" {
		fmt.Fprintf(w, "  rincian untuk pengelola: %s\n", res.Detail)
	}
}

// loadWitnessFor reads a witness record: the file, or in a witness's state
// folder the record of the instance with this key.
func loadWitnessFor(path, fingerprint string) (*evidence.WitnessRecord, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if st.IsDir() {
		if files, err = filepath.Glob(filepath.Join(path, "*.json")); err != nil {
			return nil, err
		}
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		rec, err := evidence.ParseWitnessRecord(b)
		if err != nil {
			if !st.IsDir() {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			continue
		}
		if !st.IsDir() || rec.Instance.KeyFingerprint == fingerprint {
			return rec, nil
		}
	}
	return nil, fmt.Errorf("%s tidak memuat catatan saksi untuk instans berkunci %s", path, strings.ToUpper(fingerprint[:16]))
}
