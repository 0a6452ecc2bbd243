package lsp

import (
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex"
)

// annotationAt returns the //@ comment the cursor is in.
func (q *query) annotationAt() (*syntax.Comment, bool) {
	for _, c := range q.ast.Comments {
		end := int(c.Start) + len(c.Text)
		if strings.HasPrefix(c.Text, symbex.AnnotationPrefix) && int(c.Start)+len(symbex.AnnotationPrefix) <= q.off && q.off <= end {
			return c, true
		}
	}
	return nil, false
}

// completeAnnotation completes inside a //@ comment: the verb first, then
// the expression as code of the enclosing probe.
func (q *query) completeAnnotation(c *syntax.Comment) protocol.CompletionList {
	afterPrefix := int(c.Start) + len(symbex.AnnotationPrefix)
	typed := string(q.file.Text[afterPrefix:q.off])
	verb := strings.TrimLeft(typed, " \t")
	if typingVerb(verb) {
		at := source.Span{Start: q.off - len(verb), End: q.off}
		var items []protocol.CompletionItem
		for _, v := range symbex.AnnotationVerbs() {
			if strings.HasPrefix(v.Verb, verb) {
				items = append(items, protocol.CompletionItem{
					Label: v.Verb, Kind: protocol.CompletionItemKindKeyword,
					Detail: "//@ " + v.Verb + " EXPR", Documentation: v.Meaning,
					TextEdit: q.edit(at, v.Verb+" "),
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
// word, or the start of a verb of several ("reached whenever").
func typingVerb(typed string) bool {
	if !strings.ContainsAny(typed, " \t") {
		return true
	}
	for _, v := range symbex.AnnotationVerbs() {
		if strings.HasPrefix(v.Verb, typed) {
			return true
		}
	}
	return false
}

// describeAnnotation explains a //@ comment and gives its verdict, once
// the verifier has run on this version.
func describeAnnotation(c *syntax.Comment, rep *symbex.Report) (string, source.Span) {
	at := source.Span{Start: int(c.Start), End: int(c.Start) + len(c.Text)}
	rest := strings.TrimSpace(strings.TrimPrefix(c.Text, symbex.AnnotationPrefix))
	for _, v := range symbex.AnnotationVerbs() {
		if !strings.HasPrefix(rest, v.Verb+" ") {
			continue
		}
		text := fmt.Sprintf("**//@ %s** EXPR: %s\n\n", v.Verb, v.Meaning)
		if v.Verb == "assume" {
			return text + "Assumed from here on: there is nothing to prove.", at
		}
		return text + annotationVerdict(at, rep), at
	}
	var forms []string
	for _, v := range symbex.AnnotationVerbs() {
		forms = append(forms, "`"+symbex.AnnotationPrefix+" "+v.Verb+" EXPR`")
	}
	return "Not an annotation ken knows: write " + strings.Join(forms, ", ") + ".", at
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
