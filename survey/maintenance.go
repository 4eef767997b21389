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
	// What follows is this node's view, where several serve one
	// database: each answers for itself.
	Database string `json:"database"` // "sqlite" or "postgres"
	// Node names this process among the nodes: random per start, never a
	// host name, so it tells a restarted node from the one before.
	Node string `json:"node"`
	// MaintenanceOwner: this node seals closed buckets and publishes
	// checkpoints (one node on a database does; as of its last try).
	MaintenanceOwner bool `json:"maintenance_owner"`
	// Listener is how this node hears other nodes' changes: "connected",
	// "disconnected" (its caches then keep entries for a second at most)
	// or "none" (SQLite: one process serves the file).
	Listener string `json:"listener"`
}
