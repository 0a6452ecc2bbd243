package main

import (
	"bufio"
	"fmt"
	"io"
)

// writeText prints results as "file:line:col: severity: message [code]",
// one diagnostic per line in the order given, each followed by its related
// locations as "\tfile:line:col: message". Lines and columns are 1-based and
// columns count bytes. The code part is left out when a diagnostic has none.
func writeText(w io.Writer, results []fileResult) error {
	bw := bufio.NewWriter(w)
	for _, r := range results {
		f := r.File
		for _, d := range r.Diagnostics {
			p := f.Position(d.Span.Start)
			fmt.Fprintf(bw, "%s:%d:%d: %s: %s", f.Name, p.Line, p.Column, d.Severity, oneLine(d.Message))
			if d.Code != "" {
				fmt.Fprintf(bw, " [%s]", d.Code)
			}
			bw.WriteByte('\n')
			for _, rel := range d.Related {
				p := f.Position(rel.Span.Start)
				fmt.Fprintf(bw, "\t%s:%d:%d: %s\n", f.Name, p.Line, p.Column, oneLine(rel.Message))
			}
		}
	}
	return bw.Flush()
}
