// Package evidence builds what a unit hands to its evaluators (bukti
// dukung) and checks it afterwards: the per-unit chain check, the CSV of
// anonymised responses with its codebook and value labels, the XLSX
// workbook, the PDF report, the manifest signed with the instance's Ed25519
// key, the zip bundle holding them all, and Verify, which tells whether a
// bundle or CSV is intact and matches what the server holds.
// docs/EVIDENCE.md specifies every encoding.
package evidence

import (
	"context"
	"persepsi/survey"
)

// Store is what the evidence writer and the verifier need from storage:
// the catalog, records and chain as of a head, checkpoints and the
// register of issued bundles, and the settings in force. Any survey.Store
// is one; the evidence package never sees a concrete store.
type Store interface {
	survey.Catalog
	survey.RecordSource
	survey.Transparency
	survey.SettingsStore
	CountPeriodResponses(ctx context.Context, unitID int64, p survey.Period) (int64, error)
}
