package main

import (
	"bytes"
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// program is one parsed bpftrace program with the indexes the operators
// share, so that each operator only filters nodes.
type program struct {
	text  []byte
	file  *syntax.File
	nodes []located // every node, in source order
	// probe maps every node inside a probe to that probe.
	probe map[syntax.Node]*syntax.Probe

	// names holds the identifiers that name something (a field, a called
	// function, a record field, a type in sizeof) rather than being a value
	// such as the builtin pid.
	names map[syntax.Node]bool
	// defs holds the variables that are written (assigned, declared, loop
	// variables, parameters) rather than read.
	defs map[*syntax.Variable]bool
}

// located is a node with the probe it is in (nil in macros, functions and
// top-level declarations).
type located struct {
	node  syntax.Node
	probe *syntax.Probe
}

// parseProgram parses text and indexes it; ok is false when ken's parser
// reports an error, since a mutant of such a program would measure syntax,
// not semantics.
func parseProgram(name string, text []byte) (p *program, ok bool) {
	file, diags := syntax.Parse(source.NewFile(name, text))
	if diag.HasErrors(diags) {
		return nil, false
	}
	p = &program{
		text:  text,
		file:  file,
		probe: map[syntax.Node]*syntax.Probe{},
		names: map[syntax.Node]bool{},
		defs:  map[*syntax.Variable]bool{},
	}
	for _, d := range file.Decls {
		probe, _ := d.(*syntax.Probe)
		syntax.Inspect(d, func(n syntax.Node) bool {
			p.nodes = append(p.nodes, located{n, probe})
			if probe != nil {
				p.probe[n] = probe
			}
			p.noteChildren(n)
			return true
		})
	}
	return p, true
}

// parses reports whether ken's parser accepts text without errors.
func parses(text []byte) bool {
	_, diags := syntax.Parse(source.NewFile("mutant.bt", text))
	return !diag.HasErrors(diags)
}

// noteChildren records which children of n are names and which variables
// are written. Inspect visits a parent before its children, so the sets are
// complete by the time a child is reached.
func (p *program) noteChildren(n syntax.Node) {
	switch n := n.(type) {
	case *syntax.FieldExpr:
		p.name(n.Name)
	case *syntax.CallExpr:
		p.name(n.Fun)
	case *syntax.RecordField:
		p.name(n.Name)
	case *syntax.OffsetofExpr:
		p.name(n.Arg)
		for _, f := range n.Fields {
			p.name(f)
		}
	case *syntax.SizeofExpr:
		p.name(n.Arg)
	case *syntax.TypeinfoExpr:
		p.name(n.Arg)
	case *syntax.TypeofType:
		p.name(n.Arg)
	case *syntax.ConfigEntry:
		p.name(n.Key)
		p.name(n.Value)
	case *syntax.Macro:
		p.name(n.Name)
	case *syntax.Func:
		p.name(n.Name)
	case *syntax.MapDecl:
		p.name(n.Kind)
	case *syntax.AssignStmt:
		if v, ok := n.Lhs.(*syntax.Variable); ok && n.Op == syntax.Assign {
			p.defs[v] = true
		}
	case *syntax.LetStmt:
		p.defs[n.Var] = true
	case *syntax.ForStmt:
		p.defs[n.Var] = true
	case *syntax.FuncParam:
		p.defs[n.Var] = true
	}
}

func (p *program) name(n syntax.Node) {
	if id, ok := n.(*syntax.Ident); ok && id != nil {
		p.names[id] = true
	}
}

// valueIdent returns n as an identifier used as a value (pid, comm, arg0),
// or nil.
func (p *program) valueIdent(n syntax.Node) *syntax.Ident {
	id, ok := n.(*syntax.Ident)
	if !ok || p.names[id] {
		return nil
	}
	return id
}

// src returns the source text of n.
func (p *program) src(n syntax.Node) string {
	return string(p.text[n.Pos():n.End()])
}

// indent returns the white space that starts the line holding off.
func (p *program) indent(off syntax.Pos) string {
	start := bytes.LastIndexByte(p.text[:off], '\n') + 1
	end := start
	for end < len(p.text) && (p.text[end] == ' ' || p.text[end] == '\t') {
		end++
	}
	return string(p.text[start:end])
}

// calls returns the calls of the functions or macros named in names.
func (p *program) calls(names ...string) []*syntax.CallExpr {
	var out []*syntax.CallExpr
	for _, l := range p.nodes {
		if c, ok := l.node.(*syntax.CallExpr); ok && slices.Contains(names, c.Fun.Name) {
			out = append(out, c)
		}
	}
	return out
}

// edit replaces the bytes [start, end) of a program with repl.
type edit struct {
	start, end syntax.Pos
	repl       string
}

// replace returns the edit that replaces node n by repl.
func replace(n syntax.Node, repl string) edit { return edit{n.Pos(), n.End(), repl} }

// insert returns the edit that inserts text at off.
func insert(off syntax.Pos, text string) edit { return edit{off, off, text} }

// candidate is one possible mutant: its edits (sorted, not overlapping) and
// what they change, for the header line.
type candidate struct {
	desc  string
	edits []edit
}

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

// stripHeader removes the leading comment and blank lines of a corpus
// file: they hold its description and its "// bpftrace-0.23:" verdict,
// which must not be read as the mutant's.
func stripHeader(text []byte) []byte {
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		trimmed := strings.TrimSpace(string(line))
		if trimmed != "" && !strings.HasPrefix(trimmed, "//") {
			break
		}
		text = rest
	}
	return text
}
