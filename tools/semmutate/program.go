package main

import (
	"bytes"
	"strings"

	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/syntax"
)

// program is one parsed bpftrace program with the indexes the operators
// share.
type program struct {
	text []byte
	file *syntax.File
	// info is the semantic model of the program, nil when the operators
	// run without one; only wrong-field needs it.
	info  *sema.Info
	nodes []syntax.Node // every node, in source order
	// probe maps every node inside a probe to that probe.
	probe map[syntax.Node]*syntax.Probe
	// parent maps every node to the node that holds it.
	parent map[syntax.Node]syntax.Node
}

// newProgram indexes a parsed file. info may be nil.
func newProgram(text []byte, file *syntax.File, info *sema.Info) *program {
	p := &program{
		text:   text,
		file:   file,
		info:   info,
		probe:  map[syntax.Node]*syntax.Probe{},
		parent: map[syntax.Node]syntax.Node{},
	}
	for _, d := range file.Decls {
		probe, _ := d.(*syntax.Probe)
		var stack []syntax.Node
		syntax.Inspect(d, func(n syntax.Node) bool {
			for len(stack) > 0 && !within(n, stack[len(stack)-1]) {
				stack = stack[:len(stack)-1]
			}
			if len(stack) > 0 {
				p.parent[n] = stack[len(stack)-1]
			}
			stack = append(stack, n)
			p.nodes = append(p.nodes, n)
			if probe != nil {
				p.probe[n] = probe
			}
			return true
		})
	}
	return p
}

// within reports whether n lies inside outer. Inspect visits a parent
// before its children, and a child never extends past its parent.
func within(n, outer syntax.Node) bool {
	return n != outer && outer.Pos() <= n.Pos() && n.End() <= outer.End()
}

// src returns the source text of n.
func (p *program) src(n syntax.Node) string {
	return string(p.text[n.Pos():n.End()])
}

// lineStart returns the offset of the start of the line holding off.
func (p *program) lineStart(off syntax.Pos) syntax.Pos {
	return syntax.Pos(bytes.LastIndexByte(p.text[:off], '\n') + 1)
}

// startsLine reports whether only white space precedes off on its line.
func (p *program) startsLine(off syntax.Pos) bool {
	return strings.TrimLeft(string(p.text[p.lineStart(off):off]), " \t") == ""
}

// indent returns the white space that starts the line holding off.
func (p *program) indent(off syntax.Pos) string {
	start := p.lineStart(off)
	end := start
	for int(end) < len(p.text) && (p.text[end] == ' ' || p.text[end] == '\t') {
		end++
	}
	return string(p.text[start:end])
}

// lineSpan returns the span of node n widened to whole lines by
// wholeLines.
func (p *program) lineSpan(n syntax.Node) (start, end syntax.Pos) {
	return p.wholeLines(n.Pos(), n.End())
}

// wholeLines widens [start, end) to whole lines, the newline included,
// when nothing but white space shares its lines.
func (p *program) wholeLines(start, end syntax.Pos) (syntax.Pos, syntax.Pos) {
	if !p.startsLine(start) {
		return start, end
	}
	rest := end
	for int(rest) < len(p.text) && (p.text[rest] == ' ' || p.text[rest] == '\t') {
		rest++
	}
	if int(rest) < len(p.text) && p.text[rest] != '\n' {
		return start, end
	}
	if int(rest) < len(p.text) {
		rest++
	}
	return p.lineStart(start), rest
}

// stmtOf returns the innermost statement that holds n, and the block whose
// statement it is; nil when n is not inside a statement (a predicate).
func (p *program) stmtOf(n syntax.Node) (syntax.Stmt, *syntax.Block) {
	for c := n; c != nil; c = p.parent[c] {
		s, ok := c.(syntax.Stmt)
		if !ok {
			continue
		}
		if b, ok := p.parent[s].(*syntax.Block); ok {
			return s, b
		}
	}
	return nil, nil
}

// edit replaces the bytes [start, end) of a program with repl.
type edit struct {
	start, end syntax.Pos
	repl       string
}

// replace returns the edit that replaces node n by repl.
func replace(n syntax.Node, repl string) edit { return edit{n.Pos(), n.End(), repl} }

// candidate is one possible mutant: its edits (sorted, not overlapping)
// and what they change, in words.
type candidate struct {
	desc  string
	edits []edit
}

func one(desc string, edits ...edit) candidate { return candidate{desc, edits} }

// apply returns text with the candidate's edits made.
func (c candidate) apply(text []byte) []byte {
	var b bytes.Buffer
	last := syntax.Pos(0)
	for _, e := range c.edits {
		b.Write(text[last:e.start])
		b.WriteString(e.repl)
		last = e.end
	}
	b.Write(text[last:])
	return b.Bytes()
}

// unparen strips the parentheses around e.
func unparen(e syntax.Expr) syntax.Expr {
	for {
		p, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// squash removes the white space of s, to compare expressions as written.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}
