package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/postgres"
	"persepsi/survey/sqlite"
	"persepsi/survey/sqlstore"
)

// runMigrate handles `persepsi migrate --from FILE.db --to postgres://…`:
// it copies a SQLite deployment into a PostgreSQL database, ids kept. The
// source is brought up to date by its own migrations first, and every
// unit's chain must verify on it before anything is written; the copy is
// one transaction (postgres.CopyFrom), so the target gets all of it or
// nothing; afterwards the target, opened afresh, must verify every chain
// and hold as many rows per table as the source. A second run finds
// everything there and copies nothing.
func runMigrate(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("persepsi migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	from := fs.String("from", "", "berkas SQLite sumber, mis. data/persepsi.db (wajib)")
	to := fs.String("to", "", "URL basis data PostgreSQL tujuan, mis. postgres://persepsi@db.contoh.go.id:5432/persepsi (wajib)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkMigrateArgs(*from, *to); err != nil {
		return err
	}
	bucket, err := timeBucket(envOr(env, bucketEnv, ""))
	if err != nil {
		return err
	}
	opt := survey.Options{Logger: env.Logger, Bucket: bucket}
	src, err := sqlite.Open(*from, opt)
	if err != nil {
		return err
	}
	defer src.Close()
	units, err := verifyChains(ctx, src)
	if err != nil {
		return fmt.Errorf("%w; tidak ada yang disalin", err)
	}
	fmt.Fprintf(env.Stderr, "rantai hash %d unit di %s utuh\n", units, *from)

	report, elapsed, err := copyToPostgres(ctx, env, src, *to, opt)
	if err != nil {
		return err
	}

	dst, err := openDB(*to, opt)
	if err != nil {
		return err
	}
	defer dst.Close()
	if _, err := verifyChains(ctx, dst); err != nil {
		return fmt.Errorf("setelah disalin ke PostgreSQL: %w", err)
	}
	if err := checkCounts(ctx, dst, report); err != nil {
		return err
	}
	printMigrated(env.Stdout, report, *from, postgres.Redact(*to), elapsed, units)
	return nil
}

// checkMigrateArgs refuses, before anything is opened, a source that is
// not an existing SQLite file (opening a missing path would create an
// empty database, and copying it would "succeed") and a target that is not
// a postgres:// URL. The URL is only ever echoed without its password.
func checkMigrateArgs(from, to string) error {
	if from == "" || to == "" {
		return usageError("--from (berkas SQLite sumber) dan --to (URL postgres:// tujuan) wajib diisi")
	}
	if !postgres.IsURL(to) {
		return usageError("--to harus URL PostgreSQL, mis. postgres://pengguna@host:5432/basisdata (diberikan: %s)", postgres.Redact(to))
	}
	if strings.Contains(from, "://") {
		return usageError("--from harus jalur berkas SQLite, bukan URL (diberikan: %s)", postgres.Redact(from))
	}
	f, err := os.Open(from)
	if errors.Is(err, os.ErrNotExist) {
		return usageError("--from: berkas %s tidak ada", from)
	}
	if err != nil {
		return usageError("--from: berkas %s tidak dapat dibaca: %v", from, err)
	}
	defer f.Close()
	// Every SQLite database file begins with this header
	// (https://www.sqlite.org/fileformat.html#the_database_header).
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return usageError("--from: %s bukan berkas basis data SQLite", from)
	}
	return nil
}

// verifyChains verifies the chain of every unit of s and returns how many
// units there are; a broken chain is an error naming the unit, the entry
// and what is wrong.
func verifyChains(ctx context.Context, s *sqlstore.Store) (int, error) {
	units, err := s.Units(ctx)
	if err != nil {
		return 0, err
	}
	for _, u := range units {
		rep, err := evidence.VerifyChain(ctx, s, u.ID)
		if err != nil {
			return 0, fmt.Errorf("rantai hash unit %d (%s) tidak dapat diperiksa: %w", u.ID, u.Name, err)
		}
		if !rep.OK() {
			return 0, fmt.Errorf("rantai hash unit %d (%s) rusak pada entri #%d: %s", u.ID, u.Name, rep.BrokenSeq, rep.Problem)
		}
	}
	return len(units), nil
}

// copyToPostgres opens the target (its migrations create the schema),
// copies src into it with a progress bar per table on stderr, and closes
// it again: the check after the copy reads a store opened afresh, with
// none of this one's caches. It returns the copy's time, the schema's
// creation left out.
func copyToPostgres(ctx context.Context, env *Env, src *sqlstore.Store, url string, opt survey.Options) ([]postgres.TableCopy, time.Duration, error) {
	dst, err := openDB(url, opt)
	if err != nil {
		return nil, 0, err
	}
	var bar *progress
	var shown int64
	started := time.Now()
	report, err := postgres.CopyFrom(ctx, dst, src, func(table string, done, total int64) {
		if bar == nil {
			bar, shown = newProgress(env.Stderr, fmt.Sprintf("menyalin %-17s", table), total), 0
		}
		bar.add(done - shown)
		shown = done
		if done == total {
			bar.finish()
			bar = nil
		}
	})
	elapsed := time.Since(started)
	if bar != nil {
		fmt.Fprintln(env.Stderr)
	}
	if err = errors.Join(err, dst.Close()); err != nil {
		var m *postgres.MismatchError
		if errors.As(err, &m) {
			return nil, 0, errors.New(describeMismatch(m))
		}
		return nil, 0, err
	}
	return report, elapsed, nil
}

// describeMismatch words, for the operator, a target refused because it
// holds other data than the source's.
func describeMismatch(m *postgres.MismatchError) string {
	var what string
	switch {
	case m.Column != "":
		what = fmt.Sprintf("tabel %s, baris %s: kolom %s di tujuan berbeda dengan di sumber", m.Table, m.Key, m.Column)
	case m.Key != "":
		what = fmt.Sprintf("tabel %s, baris %s: tujuan memuat baris lain dengan nilai unik yang sama", m.Table, m.Key)
	default:
		what = fmt.Sprintf("tabel %s: tujuan memuat %s baris yang tidak ada di sumber", m.Table, survey.FormatDecimal(float64(m.Extra), 0))
	}
	return what + ". Tujuan memuat data lain (deployment lain, atau data yang berubah sesudah salinan sebelumnya); data tidak digabung dan tidak ada yang disalin. migrate hanya mengisi basis data PostgreSQL yang kosong atau salinan sebelumnya dari berkas yang sama."
}

// checkCounts compares the target's row count of every copied table with
// the source's in the copied snapshot.
func checkCounts(ctx context.Context, dst *sqlstore.Store, report []postgres.TableCopy) error {
	names := make([]string, len(report))
	for i, t := range report {
		names[i] = t.Name
	}
	counts, err := dst.RowCounts(ctx, names)
	if err != nil {
		return err
	}
	for _, t := range report {
		if counts[t.Name] != t.Rows {
			return fmt.Errorf("setelah disalin, tabel %s di PostgreSQL memuat %s baris, di sumber %s", t.Name,
				survey.FormatDecimal(float64(counts[t.Name]), 0), survey.FormatDecimal(float64(t.Rows), 0))
		}
	}
	return nil
}

// printMigrated prints the summary of a finished migration.
func printMigrated(w io.Writer, report []postgres.TableCopy, from, to string, elapsed time.Duration, units int) {
	var rows, copied int64
	for _, t := range report {
		rows += t.Rows
		copied += t.Copied
	}
	n := func(x int64) string { return survey.FormatDecimal(float64(x), 0) }
	if copied == 0 {
		fmt.Fprintf(w, "Semua data %s sudah ada di %s: %s baris dalam %d tabel sama dengan sumber; tidak ada yang disalin.\n", from, to, n(rows), len(report))
	} else {
		rate := float64(copied) / max(elapsed.Seconds(), 1e-3)
		fmt.Fprintf(w, "%s baris dalam %d tabel disalin dari %s ke %s dalam %s detik (%s baris/detik)", n(copied), len(report), from, to,
			survey.FormatDecimal(elapsed.Seconds(), 1), survey.FormatDecimal(rate, 0))
		if copied < rows {
			fmt.Fprintf(w, "; %s baris sudah ada", n(rows-copied))
		}
		fmt.Fprintln(w, ".")
	}
	fmt.Fprintf(w, "Di PostgreSQL: rantai hash %d unit utuh, jumlah baris setiap tabel sama dengan sumber, urutan id dilanjutkan sesudah id terbesar.\n", units)
}
