package analysis

import (
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// Result is everything the pipeline learned about one file.
type Result struct {
	File        *source.File
	AST         *syntax.File
	Diagnostics []diag.Diagnostic // sorted by position
}

// Check runs every available stage over f and returns the sorted findings.
// It never panics on any input; malformed text yields diagnostics.
func Check(f *source.File) *Result {
	ast, diags := syntax.Parse(f)
	diag.Sort(diags)
	return &Result{File: f, AST: ast, Diagnostics: diags}
}
