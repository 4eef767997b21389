// Package static holds what the browser gets besides data: the HTML
// templates and the CSS, embedded into the binary.
package static

import "embed"

// FS holds templates/*.html and css/*.css.
//
//go:embed templates/*.html css/*.css
var FS embed.FS
