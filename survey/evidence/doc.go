// Package evidence builds what a unit hands to its evaluators (bukti
// dukung) and checks it afterwards: the per-unit chain check, the CSV of
// anonymised responses with its codebook and value labels, the XLSX
// workbook, the PDF report, the manifest signed with the instance's Ed25519
// key, the zip bundle holding them all, and Verify, which tells whether a
// bundle or CSV is intact and matches what the server holds.
// docs/EVIDENCE.md specifies every encoding.
package evidence
