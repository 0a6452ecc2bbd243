package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/source"

	"github.com/kenlsp/ken/analysis/format"
)

func init() {
	handleRequest("textDocument/codeAction", (*Server).codeAction)
	handleRequest("textDocument/formatting", (*Server).formatting)
}

// codeAction offers the fixes of the diagnostics that touch the range.
// Each edit names the document version it was computed for, so a client
// that has newer text refuses it instead of corrupting the file.
func (s *Server) codeAction(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.CodeActionParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	want := toSpan(d.file, p.Range)
	actions := []protocol.CodeAction{}
	for _, x := range s.diagnosticsOf(d) {
		if x.Span.End < want.Start || x.Span.Start > want.End {
			continue
		}
		for i, fix := range x.Fixes {
			actions = append(actions, protocol.CodeAction{
				Title:       fix.Title,
				Kind:        protocol.QuickFix,
				Diagnostics: []protocol.Diagnostic{toDiagnostic(d.file, d.uri, x)},
				IsPreferred: i == 0,
				Edit:        s.versionedEdit(d, toEdits(d.file, fix.Edits)),
			})
		}
	}
	actions = append(actions, s.contractActions(d, want)...)
	return append(actions, s.synthActions(d, want)...), nil
}

// contractActions offers, on a probe whose hooked function has a contract,
// to write that contract into the probe as //@ assume comments: the
// person sees what the verifier assumes, and can edit it.
func (s *Server) contractActions(d *document, want source.Span) []protocol.CodeAction {
	rep := d.verification.Load()
	if rep == nil {
		return nil
	}
	var actions []protocol.CodeAction
	for probe, pre := range rep.Contracts {
		if probe.Body == nil || int(probe.End()) < want.Start || int(probe.Pos()) > want.End {
			continue
		}
		var text strings.Builder
		for _, cond := range pre {
			fmt.Fprintf(&text, "\n\t//@ assume %s", cond)
		}
		at := int(probe.Body.Lbrace) + 1
		edit := protocol.TextEdit{Range: toRange(d.file, source.Span{Start: at, End: at}), NewText: text.String()}
		actions = append(actions, protocol.CodeAction{
			Title: "Insert the contract of " + probe.AttachPoints[0].Raw + " as //@ assume",
			Kind:  protocol.RefactorRewrite,
			Edit:  s.versionedEdit(d, []protocol.TextEdit{edit}),
		})
	}
	return actions
}

// versionedEdit wraps edits to d in a workspace edit bound to d's version.
func (s *Server) versionedEdit(d *document, edits []protocol.TextEdit) *protocol.WorkspaceEdit {
	version := d.version
	return &protocol.WorkspaceEdit{DocumentChanges: []protocol.TextDocumentEdit{{
		TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
			TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: d.uri},
			Version:                &version,
		},
		Edits: edits,
	}}}
}

// formatting formats the whole document with ken's formatter; a document
// with syntax errors is left alone (no edits), as ken fmt does.
func (s *Server) formatting(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.DocumentFormattingParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, err := s.docs.get(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	out, diags := format.Format(d.file)
	if len(diags) > 0 || string(out) == string(d.file.Text) {
		return []protocol.TextEdit{}, nil
	}
	whole := protocol.Range{End: position(d.file, len(d.file.Text))}
	return []protocol.TextEdit{{Range: whole, NewText: string(out)}}, nil
}
