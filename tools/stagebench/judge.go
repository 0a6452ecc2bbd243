package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
	"github.com/kenlsp/ken/pipeline/kverify"
)

// symbexSource is the Source of the symbolic verifier's diagnostics
// (symbex.Report.Diagnostics).
const symbexSource = "ken-symbex"

// verdict is one stage's judgement of one file.
type verdict struct {
	judged, flagged bool
	why             string // the first problem, or why there is no verdict
}

func (s *StageResult) set(v verdict) {
	s.Judged, s.Flagged, s.Why = v.judged, v.flagged, v.why
}

// kenDiagnostics keeps the diagnostics of ken's analysis from the
// pipeline's merged list.
func kenDiagnostics(ds []diag.Diagnostic) []diag.Diagnostic {
	return slices.DeleteFunc(slices.Clone(ds), func(d diag.Diagnostic) bool {
		switch d.Source {
		case symbexSource, compile.Source, pipeline.KernelSource:
			return true
		}
		return false
	})
}

// judgeAnalysis: analysis flags a file with an error.
func judgeAnalysis(f *source.File, ken []diag.Diagnostic) verdict {
	d, ok := first(ken, diag.Error)
	if !ok {
		return verdict{judged: true}
	}
	return verdict{judged: true, flagged: true, why: describe(f, d)}
}

// judgeSymbolic: the verifier flags a file with a refuted obligation,
// which it reports as a warning (an error for a failed //@ assert). It
// judges only the files the pipeline verified, those without errors.
func judgeSymbolic(f *source.File, r *pipeline.Result) verdict {
	if r.Verification == nil {
		return verdict{why: skipNote(r, pipeline.StageSymbolic)}
	}
	d, ok := first(r.Verification.Diagnostics(), diag.Warning)
	if !ok {
		return verdict{judged: true}
	}
	return verdict{judged: true, flagged: true, why: describe(f, d)}
}

// judgeBpftrace: bpftrace flags a file with an error, which it reports
// exactly when it rejects the program.
func judgeBpftrace(f *source.File, res *compile.Result) verdict {
	if !res.Ran {
		return verdict{why: res.Note}
	}
	d, ok := first(res.Diagnostics, diag.Error)
	if !ok {
		return verdict{judged: true}
	}
	return verdict{judged: true, flagged: true, why: describe(f, d)}
}

// judgeKernel: the kernel flags a file when its verifier rejects one of
// the programs. It judges the files bpftrace compiled, at least one of
// whose programs it loaded or rejected.
func judgeKernel(rep *kverify.Report, err error) verdict {
	if err != nil {
		return verdict{why: strings.TrimPrefix(err.Error(), "kverify: ")}
	}
	judged := false
	var notJudged error
	for _, p := range rep.Programs {
		switch {
		case p.Rejection != nil:
			return verdict{judged: true, flagged: true, why: fmt.Sprintf("%d: %s: %s", p.Line, cmp.Or(p.Probe, p.Name), firstLine(p.Rejection.Message))}
		case p.Loaded:
			judged = true
		case notJudged == nil:
			notJudged = p.Err
		}
	}
	if !judged {
		return verdict{why: fmt.Sprintf("the kernel judged none of the %d programs: %v", len(rep.Programs), notJudged)}
	}
	return verdict{judged: true}
}

// kernelReport is the kernel stage's result on a file: the pipeline's
// when it ran the stage, else a load of the ELF bpftrace wrote.
func kernelReport(ctx context.Context, f *source.File, r *pipeline.Result, comp *compile.Result) (*kverify.Report, error) {
	switch {
	case r.Load != nil:
		return r.Load.Report, r.Load.Err
	case comp.ELF == nil:
		return nil, errNoELF
	}
	return kverify.Load(ctx, comp.ELF, f)
}

// errNoELF is why the kernel cannot judge a file bpftrace did not compile.
var errNoELF = errors.New("bpftrace wrote no ELF")

// first returns the earliest diagnostic at least as severe as worst.
func first(ds []diag.Diagnostic, worst diag.Severity) (diag.Diagnostic, bool) {
	var found diag.Diagnostic
	ok := false
	for _, d := range ds {
		if d.Severity <= worst && (!ok || d.Span.Start < found.Span.Start) {
			found, ok = d, true
		}
	}
	return found, ok
}

// describe formats a finding as "LINE: [code] message", on one line.
func describe(f *source.File, d diag.Diagnostic) string {
	return fmt.Sprintf("%d: [%s] %s", f.Position(d.Span.Start).Line, d.Code, firstLine(d.Message))
}

// skipNote is why pipeline.Check did not run a stage.
func skipNote(r *pipeline.Result, name string) string {
	for _, s := range r.Stages {
		if s.Name == name {
			return s.Note
		}
	}
	return "not recorded"
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
