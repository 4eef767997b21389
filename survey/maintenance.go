package survey

// Health is what the detailed health check (admins only) reports about
// the store.
type Health struct {
	// Writable is false when the probe write failed: the store answers
	// reads but every submission would fail (a full disk, say).
	Writable    bool  `json:"writable"`
	WALBytes    int64 `json:"wal_bytes"`
	DBBytes     int64 `json:"db_bytes"`
	Units       int64 `json:"units"`
	Responses   int64 `json:"responses"` // how many responses are stored (a count, never an id)
	Exclusions  int64 `json:"exclusions"`
	Rollups     int64 `json:"rollups"`
	WriterQueue int   `json:"writer_queue"`
}
