package synth

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/symbex"
	"github.com/kenlsp/ken/synth/llm"
)

// The comprehension engine (the KEN paper's): the model reads the task and
// the hooked functions' contracts and writes what the program must
// guarantee as //@ assume and //@ assert lines; the symbolic verifier then
// checks them against the program. Its answer is untrusted like any other:
// it may not change the program, and an annotation that would hold of any
// program at that hook proves nothing and is dropped.
const comprehendPrompt = `You write Hoare-style annotations for bpftrace programs.
Task the program must do: %s
%s
Add annotations as comment lines inside the probe bodies, each on its own line where it must hold:
  //@ assume EXPR   a fact the hooked function's contract guarantees on entry
  //@ assert EXPR   what must hold for the program to do the task: about the values it prints, uses as map keys or compares (put it just before that statement)
  //@ reached whenever EXPR   inside an if, just before what reports an event: every event where EXPR holds must get there (a threshold the task names, such as $ms > 10 for "slower than 10 ms")
EXPR is a bpftrace expression over the probe's scratch variables ($x), map elements (@m[key]), builtins, args fields and the hooked function's parameter names.
Answer with the whole program in one ` + "```bpftrace" + ` block, unchanged except for the added annotation lines.

` + "```bpftrace\n%s\n```"

// annotationLine matches an annotation line: its verb and its expression.
var annotationLine = regexp.MustCompile(`(?m)^[ \t]*` + regexp.QuoteMeta(symbex.AnnotationPrefix) + `[ \t]*(` + verbPattern() + `)[ \t]+(.+?)[ \t]*$`)

// verbPattern is an alternation of the verifier's annotation verbs.
func verbPattern() string {
	var verbs []string
	for _, v := range symbex.AnnotationVerbs() {
		verbs = append(verbs, regexp.QuoteMeta(v.Verb))
	}
	return strings.Join(verbs, "|")
}

// comprehend returns program with the model's annotations that survived
// the checks, or program itself when none did or the model failed.
func (s *session) comprehend(ctx context.Context, program string) string {
	reply, err := s.cfg.Model.Chat(ctx, []llm.Message{{Role: llm.RoleUser,
		Content: fmt.Sprintf(comprehendPrompt, s.req.Prompt, s.contractsFor(program), strings.TrimSpace(program))}})
	if err != nil {
		return program
	}
	annotated, err := llm.Extract(reply)
	if err != nil || codeOf(annotated) != codeOf(program) {
		return program // an answer that changes the program is not an annotation
	}
	kept := s.keepMeaningful(ctx, annotated)
	if !strings.Contains(kept, "//@ assert") && !strings.Contains(kept, "//@ reached") {
		return program
	}
	return kept
}

// contractsFor states the contracts of the functions and tracepoints the
// program hooks, as the annotations may rely on them.
func (s *session) contractsFor(program string) string {
	if s.contracts == nil {
		return ""
	}
	var lines []string
	for _, ap := range attachPointsOf(program) {
		_, rest, _ := strings.Cut(ap, ":")
		if f, ok := s.contracts.Function(rest); ok {
			lines = append(lines, "Contract: "+functionFact(*f))
		} else if t, ok := s.contracts.Tracepoint(rest); ok {
			lines = append(lines, "Contract: "+tracepointFact(*t))
		}
	}
	return strings.Join(lines, "\n")
}

// attachPointsOf lists a program's attach points as written.
func attachPointsOf(program string) []string {
	ast, _ := syntax.Parse(source.NewFile("candidate.bt", []byte(program)))
	var out []string
	for _, d := range ast.Decls {
		if p, ok := d.(*syntax.Probe); ok {
			for _, ap := range p.AttachPoints {
				out = append(out, ap.Provider+":"+strings.Join(ap.Parts, ":"))
			}
		}
	}
	return out
}

// codeOf is a program without its annotation lines and blank space, to
// tell whether an answer changed anything but annotations.
func codeOf(program string) string {
	var b strings.Builder
	for _, line := range strings.Split(program, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "//@") {
			b.WriteString(strings.Join(strings.Fields(t), " "))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// keepMeaningful drops the annotations that prove nothing about the
// program: asserts naming nothing the program computes or holding at the
// hook with an empty body (implied by true or by the contract alone), and
// reached-whenever lines outside every branch, which every execution
// reaches.
func (s *session) keepMeaningful(ctx context.Context, annotated string) string {
	f := source.NewFile("annotated.bt", []byte(annotated))
	ast, _ := syntax.Parse(f)
	var out []string
	offset := 0
	for _, line := range strings.Split(annotated, "\n") {
		at := offset
		offset += len(line) + 1
		m := annotationLine.FindStringSubmatch(line)
		switch {
		case m == nil || m[1] == "assume":
		case !names(m[2], annotated):
			continue
		case m[1] == "assert" && s.holdsAnyway(ctx, ast, f, line, m[2]):
			continue
		case m[1] == "reached whenever" && !inBranch(ast, at):
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// inBranch reports whether offset lies inside a block that only some
// executions run: an if's or a loop's, not a probe's body.
func inBranch(ast *syntax.File, offset int) bool {
	bodies := map[*syntax.Block]bool{}
	for _, d := range ast.Decls {
		if p, ok := d.(*syntax.Probe); ok {
			bodies[p.Body] = true
		}
	}
	found := false
	syntax.InspectFile(ast, func(n syntax.Node) bool {
		if b, ok := n.(*syntax.Block); ok && !bodies[b] && int(b.Lbrace) < offset && offset < int(b.Rbrace) {
			found = true
		}
		return !found
	})
	return found
}

// names reports whether an assertion mentions a scratch variable, a map or
// a field in what the program outputs (what it prints, and the keys and
// values it stores in maps, which bpftrace prints): an assertion about
// anything else proves nothing about the program's output.
func names(expr, program string) bool {
	out := outputText(program)
	for _, tok := range regexp.MustCompile(`[$@][A-Za-z_][A-Za-z0-9_]*|\b[A-Za-z_][A-Za-z0-9_]*\b`).FindAllString(expr, -1) {
		if regexp.MustCompile(`(^|[^A-Za-z0-9_$@])` + regexp.QuoteMeta(tok) + `\b`).MatchString(out) {
			return true
		}
	}
	return false
}

// outputText is the text of a program's outputs: printf-like and print
// arguments and map stores, each on its own line.
func outputText(program string) string {
	f := source.NewFile("candidate.bt", []byte(program))
	ast, _ := syntax.Parse(f)
	var b strings.Builder
	add := func(n syntax.Node) {
		b.Write(f.Text[n.Pos():n.End()])
		b.WriteByte('\n')
	}
	syntax.InspectFile(ast, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			switch n.Fun.Name {
			case "printf", "print", "errorf", "warnf", "cat", "system":
				for _, a := range n.Args {
					add(a)
				}
			}
		case *syntax.AssignStmt:
			if _, ok := n.Lhs.(*syntax.MapExpr); ok {
				add(n.Lhs)
				add(n.Rhs)
			}
		}
		return true
	})
	return b.String()
}

// holdsAnyway reports whether the assertion is proved in a probe with the
// same attach points and an empty body: then the program's code plays no
// part in it. A verification that cannot decide counts as not holding.
func (s *session) holdsAnyway(ctx context.Context, ast *syntax.File, f *source.File, line, expr string) bool {
	at := strings.Index(string(f.Text), line)
	probe := probeAt(ast, at)
	if probe == nil {
		return true // an assert outside every probe checks nothing
	}
	header := string(f.Text[probe.Pos():probe.Body.Lbrace])
	stub := source.NewFile("stub.bt", []byte(header+"{\n//@ assert "+expr+"\n}\n"))
	cfg := s.cfg.Pipeline
	cfg.Compiler, cfg.KernelVerifier, cfg.Symbex = nil, false, true
	r := pipeline.Check(ctx, stub, cfg)
	if r.Verification == nil {
		return false
	}
	for _, o := range r.Verification.Obligations {
		if o.Code == symbex.CodeAssert && o.Verdict == symbex.Proved {
			return true
		}
	}
	return false
}

// probeAt is the probe whose body contains offset.
func probeAt(ast *syntax.File, offset int) *syntax.Probe {
	for _, d := range ast.Decls {
		if p, ok := d.(*syntax.Probe); ok && p.Body != nil && int(p.Body.Lbrace) < offset && offset < int(p.Body.Rbrace) {
			return p
		}
	}
	return nil
}

// annotationsOf lists a program's //@ lines.
func annotationsOf(program string) []string {
	var out []string
	for _, m := range annotationLine.FindAllStringSubmatch(program, -1) {
		out = append(out, "//@ "+m[1]+" "+m[2])
	}
	return out
}
