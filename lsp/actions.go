package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/format"
	"github.com/kenlsp/ken/analysis/source"
)

func init() {
	handleRequest("textDocument/codeAction", (*Server).codeAction)
	handleRequest("textDocument/formatting", (*Server).formatting)
}

// fixAllKind is the source action that applies every preferred fix of a
// document: editors run it on save when asked to
// ("editor.codeActionsOnSave": {"source.fixAll.ken": "explicit"}).
const fixAllKind protocol.CodeActionKind = "source.fixAll.ken"

// codeAction offers the fixes of the diagnostics that touch the range,
// and the fix-all source action. Each edit names the document version it
// was computed for, so a client that has newer text refuses it instead of
// corrupting the file.
func (s *Server) codeAction(ctx context.Context, params json.RawMessage) (any, error) {
	var p protocol.CodeActionParams
	d, err := s.documentRequest(ctx, params, &p)
	if err != nil {
		return nil, err
	}
	actions := []protocol.CodeAction{}
	if wants(p.Context.Only, fixAllKind) {
		actions = append(actions, s.fixAllActions(d)...)
	}
	if onlySource(p.Context.Only) {
		return actions, nil // on save: the editor asked for source actions alone
	}
	want := toSpan(d.file, p.Range)
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

// wants reports whether a request limited to the kinds only (none: every
// kind) asks for actions of kind: a kind covers its sub-kinds, so
// "source" and "source.fixAll" both ask for "source.fixAll.ken".
func wants(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, k := range only {
		if k == kind || strings.HasPrefix(string(kind), string(k)+".") {
			return true
		}
	}
	return false
}

// onlySource reports a request limited to source actions, as editors
// send on save.
func onlySource(only []protocol.CodeActionKind) bool {
	for _, k := range only {
		if k != protocol.Source && !strings.HasPrefix(string(k), string(protocol.Source)+".") {
			return false
		}
	}
	return len(only) > 0
}

// fixAllActions offers every preferred fix of the document at once, the
// ones that do not overlap, as `ken check --fix` applies one pass.
func (s *Server) fixAllActions(d *document) []protocol.CodeAction {
	edits, n := diag.PreferredFixes(s.diagnosticsOf(d))
	if n == 0 {
		return nil
	}
	return []protocol.CodeAction{{
		Title: fmt.Sprintf("Apply ken's fixes (%d)", n),
		Kind:  fixAllKind,
		Edit:  s.versionedEdit(d, toEdits(d.file, edits)),
	}}
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
