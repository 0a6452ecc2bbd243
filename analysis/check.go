package analysis

import (
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// Config says what a check is made against.
type Config struct {
	// Kernel is the kernel the program is meant for. Nil means unknown:
	// checks that need kernel knowledge (probe existence, BTF fields,
	// tracepoint formats) are skipped rather than guessed.
	Kernel *kernel.Kernel
	// Dialect is the bpftrace version the program is written for; the zero
	// version means dialect.Newest.
	Dialect dialect.Version
	// HostFiles enables checks of paths on this machine (uprobe binaries,
	// #include files). Leave it off when checking for another machine.
	HostFiles bool
}

// Result is everything the pipeline learned about one file.
type Result struct {
	File        *source.File
	AST         *syntax.File
	Diagnostics []diag.Diagnostic // sorted by position
}

// Check runs every available stage over f and returns the sorted findings.
// It never panics on any input; malformed text yields diagnostics.
func Check(f *source.File, cfg Config) *Result {
	ast, diags := syntax.Parse(f)
	diag.Sort(diags)
	return &Result{File: f, AST: ast, Diagnostics: diags}
}
