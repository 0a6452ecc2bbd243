package lsp

import (
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex"
)

// annotationPrefix starts the comments the symbolic verifier reads.
const annotationPrefix = "//@"

// annotationVerbs are what may follow //@, with what each asks of the
// verifier, for completion and hover.
var annotationVerbs = []struct{ verb, meaning string }{
	{"assert", "EXPR holds here on every execution: the program does nothing it should not (prints only slow calls)."},
	{"assume", "from here on, only executions where EXPR holds count: a fact the kernel guarantees that ken cannot see."},
	{"reached whenever", "every execution that passes the probe's predicate and where EXPR holds gets here: the program misses nothing it should report (every call slower than the threshold). Put it inside the `if` that reports."},
}

// annotationAt returns the //@ comment the cursor is in.
func (q *query) annotationAt() (*syntax.Comment, bool) {
	for _, c := range q.ast.Comments {
		end := int(c.Start) + len(c.Text)
		if strings.HasPrefix(c.Text, annotationPrefix) && int(c.Start)+len(annotationPrefix) <= q.off && q.off <= end {
			return c, true
		}
	}
	return nil, false
}

// completeAnnotation completes inside a //@ comment: the verb first, then
// the expression as code of the enclosing probe.
func (q *query) completeAnnotation(c *syntax.Comment) protocol.CompletionList {
	afterPrefix := int(c.Start) + len(annotationPrefix)
	typed := string(q.file.Text[afterPrefix:q.off])
	verb := strings.TrimLeft(typed, " \t")
	if typingVerb(verb) {
		at := source.Span{Start: q.off - len(verb), End: q.off}
		var items []protocol.CompletionItem
		for _, v := range annotationVerbs {
			if strings.HasPrefix(v.verb, verb) {
				items = append(items, protocol.CompletionItem{
					Label: v.verb, Kind: protocol.CompletionItemKindKeyword,
					Detail: "//@ " + v.verb + " EXPR", Documentation: v.meaning,
					TextEdit: q.edit(at, v.verb+" "),
				})
			}
		}
		return protocol.CompletionList{Items: items}
	}
	if p := probeOf(q.path); p != nil {
		return q.completeCode(p)
	}
	return protocol.CompletionList{}
}

// typingVerb reports whether the text after //@ is still the verb: one
// word, or the start of "reached whenever".
func typingVerb(typed string) bool {
	return !strings.ContainsAny(typed, " \t") || strings.HasPrefix("reached whenever", typed)
}

// describeAnnotation explains a //@ comment and gives its verdict, once
// the verifier has run on this version.
func describeAnnotation(c *syntax.Comment, rep *symbex.Report) (string, source.Span) {
	at := source.Span{Start: int(c.Start), End: int(c.Start) + len(c.Text)}
	rest := strings.TrimSpace(strings.TrimPrefix(c.Text, annotationPrefix))
	for _, v := range annotationVerbs {
		if !strings.HasPrefix(rest, v.verb+" ") {
			continue
		}
		text := fmt.Sprintf("**//@ %s** EXPR: %s\n\n", v.verb, v.meaning)
		if v.verb == "assume" {
			return text + "Assumed from here on: there is nothing to prove.", at
		}
		return text + annotationVerdict(at, rep), at
	}
	return "Not an annotation ken knows: write `//@ assume EXPR`, `//@ assert EXPR` or `//@ reached whenever EXPR`.", at
}

// annotationVerdict is what the verifier said of the annotation at span.
func annotationVerdict(at source.Span, rep *symbex.Report) string {
	if rep == nil {
		return "_The symbolic verifier has not finished with this version yet._"
	}
	for _, o := range rep.Obligations {
		if !o.Annotation || o.Span != at {
			continue
		}
		switch o.Verdict {
		case symbex.Proved:
			return "**Proved** on every execution."
		case symbex.Refuted:
			return "**Counterexample:** " + o.Counterexample
		default:
			return "**Unknown:** the solver ran out of time."
		}
	}
	return "_Not checked: it is not inside a probe body the verifier ran._"
}
