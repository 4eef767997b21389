package evidence_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"persepsi/survey/evidence"
)

// Nodes sharing a folder start at the same moment: each must come up, all
// with the one key that ended up in the file (one O_EXCL create failed the
// others' start before, and a reader could catch the file half-written).
func TestLoadOrCreateKeyConcurrently(t *testing.T) {
	t.Parallel()
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "kunci", "signing.key")
		const n = 8
		prints := make([]string, n)
		errs := make([]error, n)
		var ready, wg sync.WaitGroup
		ready.Add(n)
		for i := range n {
			wg.Go(func() {
				ready.Done()
				ready.Wait()
				k, err := evidence.LoadOrCreateKey(path)
				if errs[i] = err; err == nil {
					prints[i] = evidence.Fingerprint(k.Public())
				}
			})
		}
		wg.Wait()
		onFile, err := evidence.LoadKey(path)
		if err != nil {
			t.Fatal(err)
		}
		want := evidence.Fingerprint(onFile.Public())
		for i := range n {
			if errs[i] != nil || prints[i] != want {
				t.Fatalf("round %d, process %d: key %.16s, error %v; the file holds %.16s", round, i, prints[i], errs[i], want)
			}
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("key file mode %v (%v), want 0600", st.Mode(), err)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".persepsi-key-*")); len(left) > 0 {
			t.Fatalf("temporary files left behind: %v", left)
		}
	}
}
