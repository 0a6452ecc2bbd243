package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
	"github.com/kenlsp/ken/pipeline/kverify"
)

// This file runs the slow, external stages on save: bpftrace's compiler
// and the kernel's verifier. Their findings belong to the saved version:
// the next edit makes a new document without them, so stale spans are
// never shown.

func init() {
	handleNotification("textDocument/didSave", (*Server).didSave)
}

func (s *Server) didSave(ctx context.Context, params json.RawMessage) error {
	var p protocol.DidSaveTextDocumentParams
	if err := decode(params, &p); err != nil {
		return err
	}
	d, err := s.docs.get(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.startStages(ctx, d)
	return nil
}

// startStages runs every stage on d in the background, replacing a run for
// an older version, and republishes d's diagnostics with bpftrace's and
// the kernel's findings.
func (s *Server) startStages(ctx context.Context, d *document) {
	cfg, on := s.settings.stages()
	if !on {
		return
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.timersMu.Lock()
	if old := s.staging[d.uri]; old != nil {
		old()
	}
	s.staging[d.uri] = cancel
	s.timersMu.Unlock()
	s.background(d, "bpftrace and kernel verifier stages", func() {
		defer cancel()
		s.analyze(d)
		var r *pipeline.Result
		s.withProgress(sctx, "ken: bpftrace and the kernel verifier", func() string {
			r = pipeline.Check(sctx, d.file, cfg)
			return stagesSummary(r)
		})
		if sctx.Err() != nil || !s.docs.current(d) {
			return
		}
		d.stages.Store(r)
		s.logRejections(d, r)
		s.send(ctx, d, s.diagnosticsOf(d))
	})
}

// background runs f off the message loop; a panic there is logged, never
// fatal to the server.
func (s *Server) background(d *document, what string, f func()) {
	go func() {
		defer func() {
			if p := recover(); p != nil {
				s.logf("%s of %s: %v", what, d.uri, p)
			}
		}()
		f()
	}()
}

// diagnosticsOf is everything known about d's version: the analysis, the
// symbolic verifier's findings and the external stages', once each is
// done.
func (s *Server) diagnosticsOf(d *document) []diag.Diagnostic {
	all := append([]diag.Diagnostic{}, d.result.Diagnostics...)
	if rep := d.verification.Load(); rep != nil {
		all = append(all, rep.Diagnostics()...)
	}
	if r := d.stages.Load(); r != nil {
		for _, x := range r.Diagnostics {
			if x.Source == compile.Source || x.Source == pipeline.KernelSource {
				all = append(all, x)
			}
		}
	}
	diag.Sort(all)
	return all
}

// stagesSummary is the progress report's last word.
func stagesSummary(r *pipeline.Result) string {
	var parts []string
	for _, st := range r.Stages {
		if st.Name != pipeline.StageBpftrace && st.Name != pipeline.StageKernel {
			continue
		}
		if st.Ran {
			name := st.Name
			if st.Name == pipeline.StageBpftrace && r.Compile != nil {
				name = "bpftrace " + r.Compile.Version.String()
			}
			parts = append(parts, fmt.Sprintf("%s in %v", name, st.Elapsed.Round(1e6)))
		} else {
			parts = append(parts, fmt.Sprintf("%s skipped: %s", st.Name, st.Note))
		}
	}
	return strings.Join(parts, "; ")
}

// logRejections writes each rejection's whole verifier log to the server
// log (the editor's output channel): diagnostics show only its end.
func (s *Server) logRejections(d *document, r *pipeline.Result) {
	for _, p := range rejected(r) {
		s.logf("kernel verifier log of %s, %s:\n%s", d.uri, p.Name, strings.Join(p.Rejection.Log, "\n"))
	}
}

// rejected lists the programs the kernel's verifier refused.
func rejected(r *pipeline.Result) []kverify.Program {
	if r == nil || r.Load == nil || r.Load.Report == nil {
		return nil
	}
	var out []kverify.Program
	for _, p := range r.Load.Report.Programs {
		if p.Rejection != nil {
			out = append(out, p)
		}
	}
	return out
}

// costHints put each accepted probe's verifier cost at the end of its
// attach point's line.
func costHints(d *document) []typeHint {
	r := d.stages.Load()
	if r == nil || r.Load == nil || r.Load.Report == nil {
		return nil
	}
	var hints []typeHint
	for _, p := range r.Load.Report.Programs {
		if p.Loaded && p.Line > 0 {
			hints = append(hints, typeHint{at: d.file.LineEnd(p.Line - 1), label: "  " + pipeline.CostLabel(p), tooltip: pipeline.CostText(p)})
		}
	}
	return hints
}

// rejectionHover is the whole verifier log of a rejection placed on the
// 1-based line, for the hover there.
func rejectionHover(d *document, line int) (string, bool) {
	for _, p := range rejected(d.stages.Load()) {
		if p.Rejection.Line == line {
			return fmt.Sprintf("**The kernel verifier rejects %s**: %s\n\n```\n%s\n```", p.Name, p.Rejection.Message,
				strings.Join(p.Rejection.Log, "\n")), true
		}
	}
	return "", false
}
