package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
)

// costNotes turns the kernel verifier's cost of each accepted probe into
// a hint diagnostic at the probe, the CLI's form of the editor's inlay
// hint.
func costNotes(f *source.File, r *pipeline.Result) []diag.Diagnostic {
	if r.Load == nil || r.Load.Report == nil {
		return nil
	}
	var ds []diag.Diagnostic
	for _, p := range r.Load.Report.Programs {
		if !p.Loaded || p.Line == 0 {
			continue
		}
		start := f.LineStart(p.Line - 1)
		ds = append(ds, diag.Diagnostic{
			Span: source.Span{Start: start, End: f.LineEnd(p.Line - 1)}, Severity: diag.Hint,
			Code: "kernel/cost", Source: pipeline.KernelSource, Message: pipeline.CostText(p),
		})
	}
	return ds
}

// compareBpftrace prints, for each file, where ken's own checks and
// bpftrace disagree. Both always run, whatever the other found.
func (c *cli) compareBpftrace(files []string, cfg pipeline.Config) int {
	return c.eachFile(files, func(f *source.File) int {
		ken := analysis.Check(f, cfg.Analysis).Diagnostics
		bp, err := cfg.Compiler.Compile(context.Background(), f)
		if bp == nil || !bp.Ran {
			fmt.Fprintf(c.stderr, "ken check: %s: bpftrace gave no verdict: %v\n", f.Name, noteOr(bp, err))
			return exitUsage
		}
		if d, ok := compile.Compare(f, slices.Clone(ken), bp); ok {
			fmt.Fprintf(c.stdout, "%s: %s\n", f.Name, d)
			return exitFindings
		}
		return exitOK
	})
}

// eachFile reads each path and runs fn on it, returning the worst status;
// an unreadable file is reported and counts as a usage error.
func (c *cli) eachFile(paths []string, fn func(*source.File) int) int {
	status := exitOK
	for _, path := range paths {
		f, err := c.readFile(path)
		if err != nil {
			fmt.Fprintf(c.stderr, "ken: %v\n", err)
			status = max(status, exitUsage)
			continue
		}
		status = max(status, fn(f))
	}
	return status
}

func noteOr(r *compile.Result, err error) any {
	if r != nil && r.Note != "" {
		return r.Note
	}
	return err
}
