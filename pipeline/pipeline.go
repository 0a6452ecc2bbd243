// Package pipeline runs ken's checking stages in order over one file and
// gathers their findings: analysis (syntax, dialect, semantics) and the
// symbolic verifier. The CLI and the language server are front ends over
// it, so that both report the same things.
package pipeline

import (
	"context"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/symbex"
)

// Config selects the stages and what they check against.
type Config struct {
	Analysis analysis.Config
	// Symbex turns the symbolic verifier on.
	Symbex       bool
	SymbexConfig symbex.Config
}

// Result is every stage's output for one file.
type Result struct {
	*analysis.Result
	// Verification is the symbolic verifier's report, nil when it did not
	// run (turned off, or the file has errors: verifying a program bpftrace
	// rejects would only add noise).
	Verification *symbex.Report
}

// Check runs the stages over f. Diagnostics holds every stage's findings,
// sorted.
func Check(ctx context.Context, f *source.File, cfg Config) *Result {
	r := &Result{Result: analysis.Check(f, cfg.Analysis)}
	if !cfg.Symbex || diag.HasErrors(r.Diagnostics) || ctx.Err() != nil {
		return r
	}
	scfg := cfg.SymbexConfig
	if scfg.Kernel == nil {
		scfg.Kernel = cfg.Analysis.Kernel
	}
	r.Verification = symbex.Verify(ctx, r.Result, scfg)
	ds := append(append([]diag.Diagnostic{}, r.Diagnostics...), r.Verification.Diagnostics()...)
	diag.Sort(ds)
	r.Diagnostics = ds
	return r
}
