package synth

import (
	"context"
	"fmt"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
)

// maxFeedback bounds the findings one failure reports: the first few say
// what is wrong; a long list only buries them.
const maxFeedback = 6

// verdict is a candidate's first failing stage and what to tell the model.
type verdict struct {
	stage       string // "" when every stage passed
	feedback    string
	diagnostics []diag.Diagnostic
}

// check runs every configured stage over a candidate. A stage fails on an
// error, and ken's own stages on a warning too: a generated program should
// leave nothing to explain. bpftrace's warnings are not failures (on this
// kind of machine every kprobe draws one).
func check(ctx context.Context, program string, cfg pipeline.Config) verdict {
	f := source.NewFile("candidate.bt", []byte(program))
	if _, ds := syntax.Parse(f); diag.HasErrors(ds) {
		return failed(f, pipeline.StageParse, ds)
	}
	r := pipeline.Check(ctx, f, cfg)
	for _, stage := range []struct {
		name  string
		fails func(diag.Diagnostic) bool
	}{
		{pipeline.StageSemantic, func(d diag.Diagnostic) bool { return d.Source == "ken" && d.Severity <= diag.Warning }},
		{pipeline.StageSymbolic, func(d diag.Diagnostic) bool { return d.Source == "ken-symbex" && d.Severity <= diag.Warning }},
		{pipeline.StageBpftrace, func(d diag.Diagnostic) bool { return d.Source == compile.Source && d.Severity == diag.Error }},
		{pipeline.StageKernel, func(d diag.Diagnostic) bool { return d.Source == pipeline.KernelSource && d.Severity == diag.Error }},
	} {
		var bad []diag.Diagnostic
		for _, d := range r.Diagnostics {
			if stage.fails(d) {
				bad = append(bad, d)
			}
		}
		if len(bad) > 0 {
			return failed(f, stage.name, bad)
		}
	}
	return verdict{diagnostics: r.Diagnostics}
}

// failed describes a stage's findings, one per line with the source line
// they point at.
func failed(f *source.File, stage string, ds []diag.Diagnostic) verdict {
	var b strings.Builder
	for i, d := range ds {
		if i == maxFeedback {
			fmt.Fprintf(&b, "(and %d more)\n", len(ds)-i)
			break
		}
		pos := f.Position(d.Span.Start)
		text := strings.TrimSpace(lineText(f, pos.Line))
		fmt.Fprintf(&b, "- line %d `%s`: %s\n", pos.Line, text, d.Message)
		for _, r := range d.Related[:min(len(d.Related), 3)] {
			fmt.Fprintf(&b, "  (%s)\n", r.Message)
		}
	}
	return verdict{stage: stage, feedback: strings.TrimRight(b.String(), "\n"), diagnostics: ds}
}

// lineText is a 1-based line's text.
func lineText(f *source.File, line int) string {
	if line < 1 {
		return ""
	}
	return string(f.Text[f.LineStart(line-1):f.LineEnd(line-1)])
}
