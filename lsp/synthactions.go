package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline/compile"
	"github.com/kenlsp/ken/synth"
)

// This file offers synthesis: the code actions on prompt comments and on
// findings inside generated blocks, and the automatic regeneration of a
// block the checks find fault with.

// Titles of the synthesis code actions.
const (
	titleSynthesize = "Synthesize bpftrace from comment"
	titleRegenerate = "Regenerate bpftrace from comment"
	titleFeedback   = "Regenerate with this feedback"
)

// synthActions offers to synthesize from the prompt comment at the start
// of want, and to regenerate a generated block with the findings in it
// that want touches.
func (s *Server) synthActions(d *document, want source.Span) []protocol.CodeAction {
	var actions []protocol.CodeAction
	if p, ok := synth.FindPrompt(d.file, d.result.AST, want.Start); ok {
		actions = append(actions, synthesizeAction(d, p))
	}
	return append(actions, s.feedbackActions(d, want)...)
}

// synthesizeAction is the action for a prompt: synthesize, or regenerate
// when it has a generated block. A block edited by hand is kept, so the
// action is then disabled, saying why.
func synthesizeAction(d *document, p synth.Prompt) protocol.CodeAction {
	title := titleSynthesize
	var disabled *protocol.CodeActionDisable
	if p.Block != nil {
		title = titleRegenerate
		if _, err := p.Place(""); err != nil {
			disabled = &protocol.CodeActionDisable{Reason: err.Error()}
		}
	}
	return protocol.CodeAction{
		Title:    title,
		Kind:     protocol.QuickFix,
		Disabled: disabled,
		Command:  synthCommand(title, synthesizeArgs{URI: d.uri, Version: d.version, PromptOffset: p.Span.Start}),
	}
}

// feedbackActions offers, on errors and warnings inside an unedited
// generated block, to regenerate it with every such finding in the block
// as feedback.
func (s *Server) feedbackActions(d *document, want source.Span) []protocol.CodeAction {
	var actions []protocol.CodeAction
	all := s.diagnosticsOf(d)
	for _, p := range synth.Prompts(d.file, d.result.AST) {
		if p.Block == nil || p.Block.Edited || !overlaps(p.Block.Span, want) {
			continue
		}
		found := blockFindings(p.Block, all, func(x diag.Diagnostic) bool { return x.Severity <= diag.Warning })
		var here []protocol.Diagnostic
		for _, x := range found {
			if overlaps(x.Span, want) {
				here = append(here, toDiagnostic(d.file, d.uri, x))
			}
		}
		if len(here) == 0 {
			continue
		}
		args := synthesizeArgs{URI: d.uri, Version: d.version, PromptOffset: p.Span.Start,
			Feedback: feedbackLines(d.file, p.Block, found), Previous: p.Block.Program}
		actions = append(actions, protocol.CodeAction{
			Title:       titleFeedback,
			Kind:        protocol.QuickFix,
			Diagnostics: here,
			Command:     synthCommand(titleFeedback, args),
		})
	}
	return actions
}

// synthCommand is the ken.synthesize command with its one argument.
func synthCommand(title string, args synthesizeArgs) *protocol.Command {
	return &protocol.Command{Title: title, Command: commandSynthesize, Arguments: []any{args}}
}

// overlaps reports whether two spans overlap or meet.
func overlaps(a, b source.Span) bool { return a.Start <= b.End && b.Start <= a.End }

// blockFindings are the diagnostics inside block that keep accepts.
func blockFindings(block *synth.Block, ds []diag.Diagnostic, keep func(diag.Diagnostic) bool) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, x := range ds {
		if block.Span.Start <= x.Span.Start && x.Span.End <= block.Span.End && keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// feedbackLines states findings for the model, with lines counted in the
// block's program (line 1 follows the begin marker), since that program
// is what the model sees as the previous answer.
func feedbackLines(f *source.File, block *synth.Block, ds []diag.Diagnostic) []string {
	first := f.Line(block.Span.Start) + 1
	lines := make([]string, len(ds))
	for i, x := range ds {
		where := fmt.Sprintf("line %d", f.Line(x.Span.Start)-first+1)
		if x.Code != "" {
			where += " (" + x.Code + ")"
		}
		lines[i] = fmt.Sprintf("%s: %s", where, x.Message)
	}
	return lines
}

// worthRegenerating is what makes autoRegenerate act: an error from any
// stage, or a warning from ken's own stages. bpftrace's warnings are left
// out, as synthesis leaves them out: on some machines every kprobe draws
// one, and no program could silence it.
func worthRegenerating(x diag.Diagnostic) bool {
	return x.Severity == diag.Error || (x.Severity == diag.Warning && x.Source != compile.Source)
}

// autoRegenerate, when the setting is on, regenerates each unedited
// generated block of d in which the published diagnostics ds find fault,
// with those findings as feedback. It acts at most once per block content,
// and never on a block it inserted itself, so it cannot loop.
func (s *Server) autoRegenerate(ctx context.Context, d *document, ds []diag.Diagnostic) {
	if d.result == nil || !s.settings.synthesis().auto {
		return
	}
	for _, p := range synth.Prompts(d.file, d.result.AST) {
		if p.Block == nil || p.Block.Edited {
			continue
		}
		found := blockFindings(p.Block, ds, worthRegenerating)
		if len(found) == 0 || !s.runs.firstRegeneration(blockKey(d.uri, p.Block.Program)) {
			continue
		}
		job := &synthJob{doc: d, prompt: p, auto: true,
			req: synth.Request{Prompt: p.Text, Feedback: feedbackLines(d.file, p.Block, found), Previous: p.Block.Program}}
		if s.runs.busy(job.key()) {
			continue // a synthesis the person asked for is replacing the block already
		}
		s.logf("regenerating the generated block of %s after %d finding(s) in it", d.uri, len(found))
		s.background(d, "automatic regeneration", func() {
			s.runSynthesis(context.WithoutCancel(ctx), job, nil)
		})
	}
}
