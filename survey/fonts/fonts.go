// Package fonts holds the DejaVu Sans faces Persepsi draws text with: the
// PDF report embeds them, and survey/chart lays its SVG and PNG text out
// with their metrics, since DejaVu Sans is what a Debian browser draws and
// is at least as wide as the sans-serif fonts phones carry.
package fonts

import _ "embed"

// Regular is DejaVu Sans (TrueType).
//
//go:embed DejaVuSans.ttf
var Regular []byte

// Bold is DejaVu Sans Bold (TrueType).
//
//go:embed DejaVuSans-Bold.ttf
var Bold []byte
