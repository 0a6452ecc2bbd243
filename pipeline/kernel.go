package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline/kverify"
)

// Codes of the kernel verifier stage.
const (
	CodeKernelRejected = "kernel/rejected" // the kernel's verifier refused a probe's program
	CodeKernelNotRun   = "kernel/not-run"  // the stage, or one program, could not be put to the verifier
)

// KernelSource is the Source of the kernel stage's diagnostics.
const KernelSource = "kernel"

// logTail is how many of the verifier log's last lines a rejection shows
// as related information; the whole log stays in KernelResult.
const logTail = 8

// KernelResult is the kernel verifier stage: its report, or why it could
// not run (no privileges, an ELF from a bpftrace older than 0.20).
type KernelResult struct {
	Report *kverify.Report
	Err    error
}

// load puts bpftrace's ELF to the kernel's verifier.
func (r *Result) load(ctx context.Context, f *source.File) []diag.Diagnostic {
	rep, err := kverify.Load(ctx, r.Compile.ELF, f)
	r.Load = &KernelResult{Report: rep, Err: err}
	if err != nil {
		note := kernelNote(err)
		r.Stages = append(r.Stages, Stage{Name: StageKernel, Note: note})
		return []diag.Diagnostic{{Severity: diag.Info, Code: CodeKernelNotRun, Source: KernelSource, Message: note}}
	}
	r.Stages = append(r.Stages, Stage{Name: StageKernel, Ran: true, Elapsed: rep.Elapsed})
	var ds []diag.Diagnostic
	for _, p := range rep.Programs {
		if d, ok := programDiagnostic(f, p); ok {
			ds = append(ds, d)
		}
	}
	return ds
}

// kernelNote says why the stage did not run, and what would make it run.
func kernelNote(err error) string {
	switch {
	case errors.Is(err, kverify.ErrNoPrivilege):
		return "the kernel verifier stage did not run: " + strings.TrimPrefix(err.Error(), "kverify: ")
	case errors.Is(err, kverify.ErrOldELF):
		return "the kernel verifier stage did not run: this bpftrace's ELF cannot be loaded outside bpftrace; configure bpftrace 0.20–0.26 (ken.bpftrace)"
	}
	return "the kernel verifier stage did not run: " + err.Error()
}

// programDiagnostic reports a rejected program at the failing line, and a
// program the kernel could not judge as a note; accepted ones say nothing
// here (their cost is an inlay hint).
func programDiagnostic(f *source.File, p kverify.Program) (diag.Diagnostic, bool) {
	switch {
	case p.Rejection != nil:
		rej := p.Rejection
		sp := lineSpan(f, rej.Line)
		where := "the probe " + cmp.Or(p.Probe, p.Name)
		if !rej.Exact && rej.Line > 0 {
			where += " (bpftrace 0.23 and older give no line within a probe)"
		}
		d := diag.Diagnostic{Span: sp, Severity: diag.Error, Code: CodeKernelRejected, Source: KernelSource,
			Message: fmt.Sprintf("the kernel verifier rejects %s: %s", where, firstLine(rej.Message))}
		for _, line := range tail(rej.Log, logTail) {
			d.Related = append(d.Related, diag.Related{Span: sp, Message: line})
		}
		return d, true
	case p.Err != nil:
		return diag.Diagnostic{Span: lineSpan(f, p.Line), Severity: diag.Info, Code: CodeKernelNotRun, Source: KernelSource,
			Message: fmt.Sprintf("the kernel verifier did not judge %s: %v", cmp.Or(p.Probe, p.Name), p.Err)}, true
	}
	return diag.Diagnostic{}, false
}

// lineSpan is the text of a 1-based line without its indentation, or the
// start of the file for line 0.
func lineSpan(f *source.File, line int) source.Span {
	if line <= 0 || f == nil {
		return source.Span{}
	}
	start, end := f.LineStart(line-1), f.LineEnd(line-1)
	text := f.Text[start:end]
	trimmed := strings.TrimLeft(string(text), " \t")
	start += len(text) - len(trimmed)
	return source.Span{Start: start, End: start + len(strings.TrimRight(trimmed, " \t\r"))}
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

func tail(lines []string, n int) []string {
	return lines[max(0, len(lines)-n):]
}

// CostText is one accepted program's verifier cost in words, for hovers,
// tooltips and the CLI.
func CostText(p kverify.Program) string {
	return fmt.Sprintf("kernel verifier: %s accepted; %d instructions processed (limit 1,000,000), %d in the program, stack %d of 512 bytes, verified in %v",
		p.Name, p.Processed, p.Insns, p.StackDepth, p.VerifyTime)
}

// CostLabel is the short form of CostText, for an inlay hint.
func CostLabel(p kverify.Program) string {
	return fmt.Sprintf("⚙ %d insns verified · %d in program · stack %d B", p.Processed, p.Insns, p.StackDepth)
}
