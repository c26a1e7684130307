package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// newProgress reports the progress of long CLI work: a bar when w is a
// terminal, else one plain line per step (logs and CI read lines, not
// carriage returns).
func newProgress(w io.Writer, desc string) func(done, total int, detail string) {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		var bar *progressbar.ProgressBar
		return func(done, total int, _ string) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
					progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30))
			}
			_ = bar.Set(done)
		}
	}
	return func(done, total int, detail string) {
		fmt.Fprintf(w, "[%d/%d] %s\n", done, total, detail)
	}
}
