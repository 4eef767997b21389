package sqlite

import (
	"io"
	"log/slog"
	"path/filepath"
	"persepsi/survey"
	"testing"
)

// The writer connection carries journal_size_limit from the moment it
// opens, before any maintenance tick.
func TestWriterConnectionJournalSizeLimit(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "p.db"), survey.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var limit int64
	if err := s.Writer().Raw("PRAGMA journal_size_limit").Scan(&limit).Error; err != nil {
		t.Fatal(err)
	}
	if limit != 64<<20 { // 64 MiB, the documented limit
		t.Errorf("journal_size_limit on the writer = %d, want %d", limit, 64<<20)
	}
}
