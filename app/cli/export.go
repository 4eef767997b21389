package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"persepsi/survey"
	"persepsi/survey/evidence"
	"persepsi/survey/sqlstore"
)

// runExport handles `persepsi export --unit ID --from DAY --to DAY --out FILE`:
// it writes the evidence bundle to a temporary file beside FILE and renames
// it into place only when complete, reporting progress on stderr.
func runExport(ctx context.Context, env *Env, args []string) error {
	fs, db := newFlags(env, "export")
	unit := fs.Int64("unit", 0, "id unit (wajib)")
	from := fs.String("from", "", "hari lokal pertama, YYYY-MM-DD (wajib)")
	to := fs.String("to", "", "hari lokal terakhir, YYYY-MM-DD (wajib)")
	out := fs.String("out", "", "berkas paket bukti yang ditulis, mis. bukti.zip (wajib)")
	baseFlag := baseURLFlag(fs, env)
	allowLoopback := fs.Bool("allow-loopback", false, "tetap tulis alamat publik loopback (127.0.0.1, localhost) ke dalam paket: hanya untuk paket uji")
	keyFile := keyFlag(env, fs)
	k := fs.Int("k", evidence.DefaultK, "k-anonimitas baris ekspor: setiap kombinasi waktu, loket, layanan dan profil dimiliki paling sedikit k baris")
	actor := fs.String("actor", envOr(env, "USER", "operator"), "siapa yang meminta paket, dicatat dalam register paket terbitan")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *unit <= 0 || *out == "" {
		return usageError("--unit dan --out wajib diisi")
	}
	if *k < 1 || *k > 100 {
		return usageError("--k harus 1 sampai 100")
	}
	period := survey.Period{From: *from, To: *to}
	if err := period.Validate(); err != nil {
		return err
	}
	return withStore(ctx, env, *db, func(s *sqlstore.Store) error {
		base, err := resolveBaseURL(ctx, s, *baseFlag)
		if err != nil {
			return err
		}
		if survey.IsLoopbackURL(base) {
			if !*allowLoopback {
				return fmt.Errorf("alamat publik %s adalah alamat loopback: tautan verifikasi, kode QR dan manifest paket bukti akan menunjuk ke tempat yang tidak dapat dibuka evaluator. %s Atau beri --base-url, atau --allow-loopback untuk paket uji", base, setBaseURLHint)
			}
			fmt.Fprintf(env.Stderr, "peringatan: paket bukti memuat alamat loopback %s (--allow-loopback); jangan diserahkan sebagai bukti dukung.\n", base)
		}
		key, err := evidence.LoadOrCreateKey(keyPath(*keyFile, *db))
		if err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(*out), ".persepsi-export-*")
		if err != nil {
			return fmt.Errorf("berkas keluaran tidak dapat dibuat: %w", err)
		}
		defer os.Remove(tmp.Name())
		opt := evidence.Options{BaseURL: base, AllowLoopback: *allowLoopback, Key: key, K: *k, IssuedBy: "CLI: " + *actor, Progress: func(file string, rows int64) {
			if rows == 0 {
				fmt.Fprintf(env.Stderr, "menulis %s\n", file)
				return
			}
			fmt.Fprintf(env.Stderr, "  %s: %s baris\n", file, survey.FormatDecimal(float64(rows), 0))
		}}
		m, err := evidence.WriteBundle(ctx, tmp, s, *unit, period, opt)
		if err = errors.Join(err, tmp.Close()); err != nil {
			return notFoundAs(err, "unit %d", *unit)
		}
		if err := os.Rename(tmp.Name(), *out); err != nil {
			return fmt.Errorf("%s tidak dapat ditulis: %w", *out, err)
		}
		fmt.Fprintf(env.Stdout, "%s: %d respons (%d dikecualikan), rantai #%d, kunci %s\n",
			*out, m.Counts.Responses, m.Counts.Excluded, m.Chain.HeadSeq, m.Instance.KeyFingerprint[:16])
		return nil
	})
}

// keyFlag adds the --key-file flag shared by serve, export and verify.
func keyFlag(env *Env, fs interface {
	String(name, value, usage string) *string
}) *string {
	return fs.String("key-file", envOr(env, "PERSEPSI_KEY_FILE", ""), "kunci penanda tangan Ed25519, PEM (env PERSEPSI_KEY_FILE; bawaan: signing.key di samping basis data, dibuat saat pertama dijalankan)")
}

// keyPath resolves the signing key file: the flag, or signing.key beside
// the database (where the HMAC secret lives too, see besideDB).
func keyPath(flagValue, db string) string {
	if flagValue != "" {
		return flagValue
	}
	return besideDB(db, "signing.key")
}
