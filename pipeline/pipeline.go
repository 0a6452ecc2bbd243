// Package pipeline runs ken's checking stages in order over one file and
// gathers their findings: analysis (syntax, dialect, semantics), the
// symbolic verifier, bpftrace's own compiler and the kernel's eBPF
// verifier. The CLI, the language server and synthesis are front ends over
// it, so that all of them report the same things.
//
// Each stage runs only when the ones before it found no error: bpftrace's
// messages about a file ken already rejects repeat ken's, and there is no
// ELF to load when bpftrace rejects it.
package pipeline

import (
	"context"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline/compile"
	"github.com/kenlsp/ken/symbex"
)

// Stage names, in the order the stages run.
const (
	StageParse    = "parse"
	StageSemantic = "semantic"
	StageSymbolic = "symbolic"
	StageBpftrace = "bpftrace"
	StageKernel   = "kernel"
)

// Config selects the stages and what they check against.
type Config struct {
	Analysis analysis.Config
	// Symbex turns the symbolic verifier on.
	Symbex       bool
	SymbexConfig symbex.Config
	// Compiler runs bpftrace's compiler (--emit-elf) on files the earlier
	// stages accept; nil skips the stage.
	Compiler *compile.Compiler
	// KernelVerifier loads what bpftrace compiled into the running
	// kernel's verifier, never attaching it. It needs Compiler.
	KernelVerifier bool
}

// Result is every stage's output for one file.
type Result struct {
	*analysis.Result
	// Verification is the symbolic verifier's report, nil when it did not
	// run (turned off, or the file has errors: verifying a program bpftrace
	// rejects would only add noise).
	Verification *symbex.Report
	// Compile is bpftrace's verdict, nil when the stage did not start.
	Compile *compile.Result
	// Load is the kernel verifier's stage, nil when it did not start.
	Load *KernelResult
	// Stages lists what each stage did, in order.
	Stages []Stage
}

// Stage is one stage's run: whether it ran, how long it took, and why not
// when it did not.
type Stage struct {
	Name    string
	Ran     bool
	Elapsed time.Duration
	Note    string // why it did not run, or "" when it ran
}

// Check runs the stages over f. Diagnostics holds every stage's findings,
// sorted.
func Check(ctx context.Context, f *source.File, cfg Config) *Result {
	start := time.Now()
	r := &Result{Result: analysis.Check(f, cfg.Analysis)}
	r.Stages = append(r.Stages, Stage{Name: StageSemantic, Ran: true, Elapsed: time.Since(start)})
	all := append([]diag.Diagnostic{}, r.Diagnostics...)
	defer func() {
		diag.Sort(all)
		r.Diagnostics = all
	}()
	switch {
	case !cfg.Symbex:
		r.skip(StageSymbolic, "turned off")
	case r.proceed(ctx, all, StageSymbolic):
		all = append(all, r.verify(ctx, cfg)...)
	}
	if cfg.Compiler == nil {
		r.skip(StageBpftrace, "no bpftrace configured")
		r.skip(StageKernel, "no bpftrace configured to compile for it")
		return r
	}
	if !r.proceed(ctx, all, StageBpftrace) {
		r.skip(StageKernel, "an earlier stage found errors")
		return r
	}
	all = append(all, r.compile(ctx, f, cfg.Compiler)...)
	switch {
	case !cfg.KernelVerifier:
		r.skip(StageKernel, "turned off")
	case r.Compile.ELF == nil:
		r.skip(StageKernel, "bpftrace produced no ELF")
	case r.proceed(ctx, all, StageKernel):
		all = append(all, r.load(ctx, f)...)
	}
	return r
}

// proceed reports whether a stage may start after the findings so far,
// recording why not when it may not.
func (r *Result) proceed(ctx context.Context, found []diag.Diagnostic, stage string) bool {
	switch {
	case ctx.Err() != nil:
		r.skip(stage, "cancelled")
	case diag.HasErrors(found):
		r.skip(stage, "an earlier stage found errors")
	default:
		return true
	}
	return false
}

func (r *Result) skip(stage, why string) {
	r.Stages = append(r.Stages, Stage{Name: stage, Note: why})
}

func (r *Result) verify(ctx context.Context, cfg Config) []diag.Diagnostic {
	scfg := cfg.SymbexConfig
	if scfg.Kernel == nil {
		scfg.Kernel = cfg.Analysis.Kernel
	}
	r.Verification = symbex.Verify(ctx, r.Result, scfg)
	r.Stages = append(r.Stages, Stage{Name: StageSymbolic, Ran: true, Elapsed: r.Verification.Elapsed})
	return r.Verification.Diagnostics()
}

// compile runs bpftrace. A bpftrace that cannot run at all gives one
// information note, not an error: the file is not at fault.
func (r *Result) compile(ctx context.Context, f *source.File, c *compile.Compiler) []diag.Diagnostic {
	res, err := c.Compile(ctx, f)
	if res == nil {
		res = &compile.Result{Note: "bpftrace did not run: " + errText(err)}
	}
	r.Compile = res
	if !res.Ran {
		r.Stages = append(r.Stages, Stage{Name: StageBpftrace, Note: res.Note})
		if d, ok := res.NoteDiagnostic(); ok {
			return []diag.Diagnostic{d}
		}
		return nil
	}
	r.Stages = append(r.Stages, Stage{Name: StageBpftrace, Ran: true, Elapsed: res.Elapsed})
	return res.Diagnostics
}

func errText(err error) string {
	if err == nil {
		return "no reason given"
	}
	return err.Error()
}
