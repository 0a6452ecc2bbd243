package symbex

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/symbex/z3"
)

// Annotations are comments that stock bpftrace ignores:
//
//	//@ assume EXPR            from here on, only executions where EXPR holds count
//	//@ assert EXPR            EXPR holds here on every execution
//	//@ reached whenever EXPR  every execution that passes the probe's
//	                           predicate and where EXPR holds gets here
//
// EXPR is a bpftrace expression over the probe's builtins, scratch
// variables and maps, and in kprobe and fentry probes the hooked
// function's parameters by name (sk for tcp_connect's first argument) and
// NULL; it is checked at the statement that follows the comment.
//
// assert says the code does nothing it should not (prints only slow
// calls); reached whenever says it misses nothing it should do (prints
// every slow call), which catches a threshold set too high.
type annotation struct {
	at   int // offset of the comment
	kind annotationKind
	text string
	expr syntax.Expr
	span source.Span
}

// annotationKind is what an annotation asks of the verifier.
type annotationKind int

const (
	assume annotationKind = iota
	assert
	reached
)

// AnnotationPrefix starts the comments the verifier reads.
const AnnotationPrefix = "//@"

// AnnotationVerb is one kind of annotation: the verb that follows
// AnnotationPrefix, and what it asks of the verifier, for editors.
type AnnotationVerb struct {
	Verb, Meaning string
	kind          annotationKind
}

// annotationVerbs are the kinds of annotation, in the order editors offer
// them.
var annotationVerbs = []AnnotationVerb{
	{"assert", "EXPR holds here on every execution: the program does nothing it should not (prints only slow calls).", assert},
	{"assume", "from here on, only executions where EXPR holds count: a fact the kernel guarantees that ken cannot see.", assume},
	{"reached whenever", "every execution that passes the probe's predicate and where EXPR holds gets here: the program misses nothing it should report (every call slower than the threshold). Put it inside the `if` that reports.", reached},
}

// AnnotationVerbs lists the kinds of annotation.
func AnnotationVerbs() []AnnotationVerb {
	return slices.Clone(annotationVerbs)
}

// splitVerb finds the verb an annotation's text starts with.
func splitVerb(text string) (AnnotationVerb, string, bool) {
	for _, v := range annotationVerbs {
		if rest, ok := strings.CutPrefix(text, v.Verb); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return v, strings.TrimSpace(rest), true
		}
	}
	return AnnotationVerb{}, "", false
}

// verbList spells the annotations for error messages.
func verbList() string {
	forms := make([]string, len(annotationVerbs))
	for i, v := range annotationVerbs {
		forms[i] = AnnotationPrefix + " " + v.Verb + " EXPR"
	}
	return strings.Join(forms[:len(forms)-1], ", ") + " or " + forms[len(forms)-1]
}

// readAnnotations reads the annotations of a file; malformed ones are
// reported as obligations of their own.
func (v *verifier) readAnnotations() {
	for _, c := range v.res.AST.Comments {
		text, ok := strings.CutPrefix(c.Text, AnnotationPrefix)
		if !ok {
			continue
		}
		a := annotation{at: int(c.Start), span: source.Span{Start: int(c.Start), End: int(c.Start) + len(c.Text)}}
		verb, rest, known := splitVerb(strings.TrimSpace(text))
		a.kind, a.text = verb.kind, rest
		var expr syntax.Expr
		var err error
		if known {
			expr, err = parseConditionAt(v.res.File.Text, int(c.Start)+strings.LastIndex(c.Text, a.text), a.text)
		}
		if !known || err != nil {
			if err == nil {
				word, _, _ := strings.Cut(strings.TrimSpace(text), " ")
				err = fmt.Errorf("unknown annotation %q: write %s", word, verbList())
			}
			v.annotationErrors = append(v.annotationErrors, Obligation{Code: CodeAnnotation, Span: a.span, Verdict: Refuted,
				Annotation: true, Claim: "the annotation is well-formed", Counterexample: err.Error()})
			continue
		}
		a.expr = expr
		v.annotations = append(v.annotations, a)
	}
}

// conditionPrefix and conditionSuffix make an expression a program the
// parser reads.
const (
	conditionPrefix = "BEGIN{if("
	conditionSuffix = "){}}"
)

// parseConditionAt parses the expression text that lies at offset at of a
// file's text, so that its nodes carry the file's positions: values are
// then found by the text of their access path, as in the program.
func parseConditionAt(file []byte, at int, text string) (syntax.Expr, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("the annotation has no expression")
	}
	if at < len(conditionPrefix) {
		return parseCondition(text)
	}
	// Blank everything but the line breaks, then put the expression where
	// it is and the wrapping around it.
	src := make([]byte, max(len(file), at+len(text)+len(conditionSuffix)))
	for i := range src {
		src[i] = ' '
		if i < len(file) && file[i] == '\n' {
			src[i] = '\n'
		}
	}
	copy(src[at-len(conditionPrefix):], conditionPrefix)
	copy(src[at:], text)
	copy(src[at+len(text):], conditionSuffix)
	return parseWrapped(source.NewFile("annotation", src), text)
}

// parseCondition parses a bpftrace expression on its own.
func parseCondition(text string) (syntax.Expr, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("the annotation has no expression")
	}
	return parseWrapped(source.NewFile("annotation", []byte(conditionPrefix+text+conditionSuffix)), text)
}

// parseWrapped parses a condition wrapped in conditionPrefix and
// conditionSuffix.
func parseWrapped(f *source.File, text string) (syntax.Expr, error) {
	file, diags := syntax.Parse(f)
	if len(diags) > 0 {
		return nil, fmt.Errorf("%q does not parse: %s", text, diags[0].Message)
	}
	probe, _ := file.Decls[0].(*syntax.Probe)
	if probe == nil || probe.Body == nil || len(probe.Body.Stmts) != 1 {
		return nil, fmt.Errorf("%q is not one expression", text)
	}
	stmt, _ := probe.Body.Stmts[0].(*syntax.ExprStmt)
	if stmt == nil {
		return nil, fmt.Errorf("%q is not one expression", text)
	}
	ifx, _ := stmt.X.(*syntax.IfExpr)
	if ifx == nil {
		return nil, fmt.Errorf("%q is not one expression", text)
	}
	return ifx.Cond, nil
}

// annotationsIn returns the annotations inside the probe's body.
func (v *verifier) annotationsIn(p *syntax.Probe) []annotation {
	var in []annotation
	for _, a := range v.annotations {
		if p.Body != nil && a.at > int(p.Body.Lbrace) && a.at < int(p.Body.Rbrace) {
			in = append(in, a)
		}
	}
	return in
}

// flushAnnotations applies the annotations that come before offset.
func (x *exec) flushAnnotations(offset int) {
	for len(x.pending) > 0 && x.pending[0].at < offset {
		a := x.pending[0]
		x.pending = x.pending[1:]
		x.annotate(a)
	}
}

// annotate assumes or checks one annotation. Its expression is parsed
// apart from the program, so its positions are not the file's: values
// come by name, and findings point at the comment.
func (x *exec) annotate(a annotation) {
	if name, ok := x.unknownName(a.expr); ok {
		x.add(Obligation{Code: CodeAnnotation, Span: a.span, Verdict: Refuted, Annotation: true,
			Claim:          "the annotation names only what the probe can see",
			Counterexample: fmt.Sprintf("%s is no builtin, parameter of the hooked function, #define or kernel enum constant here", name)})
		return
	}
	saved := x.checks
	x.checks = false        // the expression's own conditions are not findings
	x.params = x.hookParams // annotations may name the hooked function's parameters
	v := x.eval(a.expr)
	x.checks, x.params = saved, nil
	c := v.e.NE(x.v.z.BVVal(0, 64))
	switch a.kind {
	case assume:
		x.pc = x.v.z.And(x.pc, c)
	case assert:
		verdict, model := x.check(c)
		o := Obligation{Code: CodeAssert, Span: a.span, Claim: a.text + " (//@ assert)", Verdict: verdict, Annotation: true}
		if verdict == Refuted {
			o.Counterexample = "it fails when " + x.describeModel(model, v.syms)
		}
		x.add(o)
	case reached:
		x.checkReached(a, v, c)
	}
}

// checkReached checks that every execution past the predicate where c
// holds comes to this point: from the body's start, c implies the path
// condition here. c is computed here, from values that do not depend on
// the path taken (those set before the branches that lead here).
func (x *exec) checkReached(a annotation, v value, c z3.Expr) {
	here := x.pc
	x.pc = x.bodyPC
	verdict, model := x.check(x.v.z.Implies(c, here))
	x.pc = here
	o := Obligation{Code: CodeAssert, Span: a.span, Claim: "this point is reached whenever " + a.text + " (//@ reached)", Verdict: verdict, Annotation: true}
	if verdict == Refuted {
		o.Counterexample = "it is not reached when " + x.describeModel(model, v.syms)
	}
	x.add(o)
}

// unknownName returns a bare name in an annotation that stands for
// nothing: an unknown would make the assertion fail, or an assumption
// hold, for no reason the person could see.
func (x *exec) unknownName(e syntax.Expr) (string, bool) {
	var unknown string
	syntax.Inspect(e, func(n syntax.Node) bool {
		if unknown != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.FieldExpr:
			// The member name after . or -> is no value: only the base is.
			unknown, _ = x.unknownName(n.X)
			return false
		case *syntax.SizeofExpr, *syntax.OffsetofExpr:
			return false // they name types and members, not values
		case *syntax.CallExpr:
			// So is a function's name: only its arguments are.
			for _, a := range n.Args {
				if unknown == "" {
					unknown, _ = x.unknownName(a)
				}
			}
			return false
		case *syntax.Ident:
			if !x.knownName(n.Name) {
				unknown = n.Name
			}
		}
		return true
	})
	return unknown, unknown != ""
}

// knownName reports whether a bare name means something in an annotation.
func (x *exec) knownName(name string) bool {
	if _, ok := builtinBits[name]; ok || isArgN(name) || name == "NULL" {
		return true
	}
	if _, ok := x.hookParams[name]; ok {
		return true
	}
	if _, ok := catalog.LookupVariable(name); ok {
		return true
	}
	_, ok := x.v.constant(name)
	return ok
}
