package lsp

import (
	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// This file is the one place where byte offsets become LSP positions
// (0-based lines, UTF-16 columns) and back.

// position converts a byte offset of f.
func position(f *source.File, offset int) protocol.Position {
	return protocol.Position{Line: uint32(f.Line(offset)), Character: uint32(f.UTF16Column(offset))}
}

// toRange converts a span of f.
func toRange(f *source.File, s source.Span) protocol.Range {
	return protocol.Range{Start: position(f, s.Start), End: position(f, s.End)}
}

// offset converts an LSP position of f, clamped to the text.
func offset(f *source.File, p protocol.Position) int {
	return f.OffsetOfUTF16(int(p.Line), int(p.Character))
}

// toSpan converts an LSP range of f; a reversed range becomes empty.
func toSpan(f *source.File, r protocol.Range) source.Span {
	start, end := offset(f, r.Start), offset(f, r.End)
	return source.Span{Start: start, End: max(start, end)}
}

var severities = map[diag.Severity]protocol.DiagnosticSeverity{
	diag.Error:   protocol.DiagnosticSeverityError,
	diag.Warning: protocol.DiagnosticSeverityWarning,
	diag.Info:    protocol.DiagnosticSeverityInformation,
	diag.Hint:    protocol.DiagnosticSeverityHint,
}

// toDiagnostic converts one of ken's diagnostics for the document uri.
func toDiagnostic(f *source.File, uri protocol.DocumentURI, d diag.Diagnostic) protocol.Diagnostic {
	pd := protocol.Diagnostic{
		Range:    toRange(f, d.Span),
		Severity: severities[d.Severity],
		Source:   d.Source,
		Message:  d.Message,
	}
	if d.Code != "" {
		pd.Code = d.Code
	}
	for _, r := range d.Related {
		pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: uri, Range: toRange(f, r.Span)},
			Message:  r.Message,
		})
	}
	return pd
}

// toEdits converts a fix's edits.
func toEdits(f *source.File, edits []diag.Edit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, len(edits))
	for i, e := range edits {
		out[i] = protocol.TextEdit{Range: toRange(f, e.Span), NewText: e.NewText}
	}
	return out
}
