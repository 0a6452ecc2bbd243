package symbex

import (
	"fmt"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/syntax"
)

// keyUse is one access of a map whose key at some position is tid or pid.
type keyUse struct {
	m   *syntax.MapExpr
	key syntax.Expr
	id  string // "tid" or "pid"
}

// checkIDMix reports maps whose key at one position is tid in some
// accesses and pid in others. The two are equal only for a process's main
// thread, so such a map pairs the wrong elements for every other thread:
// a start stored per thread is never found per process, a count per
// process is split per thread. A map meant to hold both would need them
// apart, and no tool does that with one key position.
func (v *verifier) checkIDMix() {
	uses := map[string]map[int][]keyUse{} // map name, key position
	v.eachMapAccess(func(m *syntax.MapExpr, keys []syntax.Expr) {
		for i, k := range keys {
			if id := idBuiltin(k); id != "" {
				if uses[m.Name] == nil {
					uses[m.Name] = map[int][]keyUse{}
				}
				uses[m.Name][i] = append(uses[m.Name][i], keyUse{m: m, key: k, id: id})
			}
		}
	})
	for _, byPos := range uses {
		for _, us := range byPos {
			v.reportIDMix(us)
		}
	}
}

// reportIDMix flags the accesses that disagree with the first one.
func (v *verifier) reportIDMix(us []keyUse) {
	first := us[0]
	for _, u := range us[1:] {
		if u.id == first.id {
			continue
		}
		v.report.Obligations = append(v.report.Obligations, Obligation{
			Code: CodeIDMix, Span: span(u.key), Verdict: Refuted,
			Claim: fmt.Sprintf("%s is keyed by %s here as where it is first used", u.m.Name, first.id),
			Counterexample: fmt.Sprintf("it is keyed by %s here: for any thread but a process's first, tid != pid, so this names another element than the one keyed by %s",
				u.id, first.id),
			Related: []diag.Related{{Span: span(first.key), Message: fmt.Sprintf("%s keyed by %s", first.m.Name, first.id)}},
		})
	}
}

// eachMapAccess calls f for every keyed access, with delete(@m, k) and
// has_key(@m, k) giving their key arguments.
func (v *verifier) eachMapAccess(f func(m *syntax.MapExpr, keys []syntax.Expr)) {
	for _, d := range v.res.AST.Decls {
		syntax.Inspect(d, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.CallExpr:
				if m, ok := keyedByArgs(n); ok {
					f(m, keyArgs(n))
				}
			case *syntax.MapExpr:
				if len(n.Keys) > 0 {
					f(n, n.Keys)
				}
			}
			return true
		})
	}
}

// idBuiltin is "tid" or "pid" when e is that builtin, through casts and
// parentheses.
func idBuiltin(e syntax.Expr) string {
	for {
		switch x := e.(type) {
		case *syntax.ParenExpr:
			e = x.X
		case *syntax.CastExpr:
			e = x.X
		case *syntax.Ident:
			if x.Name == "tid" || x.Name == "pid" {
				return x.Name
			}
			return ""
		default:
			return ""
		}
	}
}
