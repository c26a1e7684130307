// Package seeds carries the seed article files inside the binary, so a fresh
// install shows a real digest before any feed has been fetched.
package seeds

import "embed"

// FS holds every seed file (*.txt, *.md) at its root. It is read-only.
//
//go:embed *.txt
var FS embed.FS
