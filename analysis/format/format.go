package format

import (
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// Format returns the canonical formatting of f. When f has syntax errors it
// returns nil and the errors, and the caller must leave the file alone.
// Formatting is idempotent: formatting the output again changes nothing.
func Format(f *source.File) ([]byte, []diag.Diagnostic) {
	return With(syntax.Printer{}, f)
}

// With formats f with the given printer settings, such as an editor's
// indentation.
func With(printer syntax.Printer, f *source.File) ([]byte, []diag.Diagnostic) {
	file, diags := syntax.Parse(f)
	if diag.HasErrors(diags) {
		diag.Sort(diags)
		return nil, diags
	}
	return printer.Print(file, f.Text), nil
}
