package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex"
)

// go.lsp.dev/protocol implements LSP 3.15; inlay hints are 3.17, so their
// types are declared here with the fields the server uses.

// InlayHintKind says what an inlay hint shows.
type InlayHintKind int

// The inlay hint kinds of LSP 3.17.
const (
	InlayHintKindType      InlayHintKind = 1
	InlayHintKindParameter InlayHintKind = 2
)

// InlayHint is text the editor shows inside a line without it being part
// of the document.
type InlayHint struct {
	Position    protocol.Position `json:"position"`
	Label       string            `json:"label"`
	Kind        InlayHintKind     `json:"kind,omitempty"`
	PaddingLeft bool              `json:"paddingLeft,omitempty"`
	// Tooltip explains the hint when the pointer rests on it.
	Tooltip string `json:"tooltip,omitempty"`
}

// InlayHintParams asks for the hints of a range of a document.
type InlayHintParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                  `json:"range"`
}

func init() {
	handleRequest("textDocument/inlayHint", (*Server).inlayHint)
}

// inlayHint shows inferred types where bpftrace makes the reader work
// them out: after the first assignment of each scratch variable, and
// after the first write of each map, its key and value types.
func (s *Server) inlayHint(ctx context.Context, params json.RawMessage) (any, error) {
	var p InlayHintParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if !s.settings.inlayHints() {
		return []InlayHint{}, nil
	}
	d, err := s.snapshot(ctx, p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	want := toSpan(d.file, p.Range)
	hints := append(append(typeHints(d.result.AST, d.result.Info), verifierHints(d)...), costHints(d)...)
	out := []InlayHint{}
	for _, h := range hints {
		if want.Start <= h.at && h.at <= want.End {
			out = append(out, InlayHint{Position: position(d.file, h.at), Label: h.label, Kind: InlayHintKindType, Tooltip: h.tooltip})
		}
	}
	return out, nil
}

// verifierHints put, after each probe's attach points, the contract the
// symbolic verifier assumed there and its verdicts on the probe, once the
// verification of this version is done.
func verifierHints(d *document) []typeHint {
	rep := d.verification.Load()
	if rep == nil {
		return nil
	}
	var hints []typeHint
	for _, p := range d.result.Info.Probes {
		if p.Decl == nil || len(p.Decl.AttachPoints) == 0 {
			continue
		}
		var parts []string
		if pre := rep.Contracts[p.Decl]; len(pre) > 0 {
			parts = append(parts, "pre: "+strings.Join(pre, ", "))
		}
		if v := verdictSummary(rep, span(p.Decl)); v != "" {
			parts = append(parts, v)
		}
		if len(parts) > 0 {
			last := p.Decl.AttachPoints[len(p.Decl.AttachPoints)-1]
			hints = append(hints, typeHint{at: int(last.End()), label: "  " + strings.Join(parts, " · "),
				tooltip: obligationList(d, rep, span(p.Decl))})
		}
	}
	return hints
}

// obligationList explains a probe's hint: the contract's meaning and one
// line per obligation with its verdict.
func obligationList(d *document, rep *symbex.Report, s source.Span) string {
	lines := []string{"The symbolic verifier's results for this probe (preconditions come from the hooked function's contract and are assumed on entry):"}
	for _, o := range rep.Obligations {
		if s.Start <= o.Span.Start && o.Span.End <= s.End {
			line := fmt.Sprintf("- line %d: %s — %s", d.file.Position(o.Span.Start).Line, o.Claim, o.Verdict)
			if o.Counterexample != "" {
				line += ": " + o.Counterexample
			}
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// verdictSummary counts the verifier's verdicts on the obligations within
// s: "✓ 2 proved, ✗ 1 counterexample".
func verdictSummary(rep *symbex.Report, s source.Span) string {
	counts := map[symbex.Verdict]int{}
	for _, o := range rep.Obligations {
		if s.Start <= o.Span.Start && o.Span.End <= s.End {
			counts[o.Verdict]++
		}
	}
	var parts []string
	if n := counts[symbex.Proved]; n > 0 {
		parts = append(parts, fmt.Sprintf("✓ %d proved", n))
	}
	if n := counts[symbex.Refuted]; n > 0 {
		parts = append(parts, fmt.Sprintf("✗ %d counterexample", n))
	}
	if n := counts[symbex.Unknown]; n > 0 {
		parts = append(parts, fmt.Sprintf("? %d unknown", n))
	}
	return strings.Join(parts, ", ")
}

// span returns the source span of a node.
func span(n syntax.Node) source.Span {
	return source.Span{Start: int(n.Pos()), End: int(n.End())}
}

// typeHint is an inlay hint before conversion: a label at a byte offset.
type typeHint struct {
	at      int
	label   string
	tooltip string
}

// typeHints lists the hints of a file in source order.
func typeHints(file *syntax.File, info *sema.Info) []typeHint {
	hints := append(variableHints(file, info), mapHints(info)...)
	slices.SortFunc(hints, func(a, b typeHint) int { return a.at - b.at })
	return hints
}

// variableHints labels each scratch variable's first assignment with its
// type, unless the type is written there (let $x: uint32) or unknown.
func variableHints(file *syntax.File, info *sema.Info) []typeHint {
	typed := declaredTypes(file)
	seen := map[*sema.Var]bool{}
	var hints []typeHint
	for _, v := range info.Vars {
		if seen[v] || typed[v.Def.Start] || !showable(v.Type) {
			continue
		}
		seen[v] = true
		hints = append(hints, typeHint{at: v.Def.End, label: ": " + typeLabel(v.Type)})
	}
	return hints
}

// declaredTypes records the variables whose type the source spells out:
// let with a type, and fn parameters.
func declaredTypes(file *syntax.File) map[int]bool {
	typed := map[int]bool{}
	syntax.InspectFile(file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.LetStmt:
			if n.Type != nil && n.Var != nil {
				typed[int(n.Var.Start)] = true
			}
		case *syntax.FuncParam:
			if n.Type != nil && n.Var != nil {
				typed[int(n.Var.Start)] = true
			}
		}
		return true
	})
	return typed
}

// mapHints labels each map's first write with its key and value types.
func mapHints(info *sema.Info) []typeHint {
	var hints []typeHint
	for _, m := range info.Maps {
		if len(m.Writes) == 0 || !showable(m.Value) {
			continue
		}
		first := slices.MinFunc(m.Writes, func(a, b source.Span) int { return a.Start - b.Start })
		label := ": " + typeLabel(m.Value)
		if m.Key != nil {
			label = ": [" + keyLabel(m.Key) + "] " + typeLabel(m.Value)
		}
		hints = append(hints, typeHint{at: first.End, label: label})
	}
	return hints
}

// showable reports whether a type says something worth a hint.
func showable(t *sema.Type) bool {
	return !t.IsUnknown() && t.Kind != sema.None
}

// typeLabel spells t for a hint: as bpftrace names it, except that an
// integer with a typedef shows the typedef (__be16, pid_t), which says
// what the number means.
func typeLabel(t *sema.Type) string {
	switch {
	case t == nil:
		return "?"
	case t.Kind == sema.Int && t.Name != "" && !t.Enum && t.Name != "char":
		return t.Name
	case t.Kind == sema.Pointer:
		return typeLabel(t.Elem) + " *"
	}
	return t.String()
}

// keyLabel spells a map's key types, several keys separated by commas.
func keyLabel(key *sema.Type) string {
	if key.Kind != sema.Tuple {
		return typeLabel(key)
	}
	parts := make([]string, len(key.Elems))
	for i, e := range key.Elems {
		parts[i] = typeLabel(e)
	}
	return strings.Join(parts, ", ")
}
