package dialect

import (
	"fmt"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// CodeTernaryStrings marks a ternary that bpftrace 0.23 compiles into a
// program the kernel's verifier rejects.
const CodeTernaryStrings = "ken/bpftrace-bug-ternary-strings"

// Bugs reports constructs that bpftrace v compiles into programs the
// kernel's verifier rejects: the program passes bpftrace's own checks and
// then fails to load. Each was found by ken's kernel verifier stage and is
// reported only for the releases it was seen in.
//
// bpftrace 0.23 copies the result of c ? "long" : "short" with the second
// string's size from the first string's place, and reads past the end of
// its constant (seen on Linux 6.18: "invalid access to map value,
// value_size=9 off=11"). A first string no longer than the second loads.
func Bugs(file *syntax.File, src *source.File, v Version) []diag.Diagnostic {
	if v.Clamp() != V(0, 23) {
		return nil
	}
	var ds []diag.Diagnostic
	syntax.InspectFile(file, func(n syntax.Node) bool {
		t, ok := n.(*syntax.TernaryExpr)
		if !ok {
			return true
		}
		then, ok1 := t.Then.(*syntax.StringLit)
		els, ok2 := t.Else.(*syntax.StringLit)
		if ok1 && ok2 && len(then.Value) > len(els.Value) {
			ds = append(ds, ternaryStrings(t, then, els, src))
		}
		return true
	})
	return ds
}

func ternaryStrings(t *syntax.TernaryExpr, then, els *syntax.StringLit, src *source.File) diag.Diagnostic {
	sp := source.Span{Start: int(t.Cond.Pos()), End: int(t.Else.End())}
	d := diag.Diagnostic{Span: sp, Severity: diag.Warning, Code: CodeTernaryStrings, Source: "ken",
		Message: fmt.Sprintf("bpftrace 0.23 compiles this into a program the kernel verifier rejects (it reads %q past the end of %q): put the longer string second", then.Value, els.Value)}
	if src != nil {
		cond := string(src.Text[t.Cond.Pos():t.Cond.End()])
		swapped := fmt.Sprintf("!(%s) ? %s : %s", cond, els.Raw, then.Raw)
		d.Fixes = []diag.Fix{{Title: "Negate the condition and swap the strings", Edits: []diag.Edit{{Span: sp, NewText: swapped}}}}
	}
	return d
}
