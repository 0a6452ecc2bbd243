// Package sema is ken's semantic analysis of bpftrace: it resolves every
// name in a parsed file (probe kinds, attach points, builtins, maps,
// variables, kernel types and fields), gives every expression a type and
// reports what bpftrace itself would reject. Its results are side tables
// keyed by syntax nodes, for hover, completion and later stages.
package sema

import (
	"fmt"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// Config says what a file is checked against.
type Config struct {
	Kernel    *kernel.Kernel  // nil: kernel-dependent checks are skipped
	Dialect   dialect.Version // zero: dialect.Newest
	HostFiles bool            // check uprobe binaries and #include files on this machine
	HostRoot  string          // where this machine's files are looked up; "" means "/"
}

// Info is what the analysis learned about a file.
type Info struct {
	Types  map[syntax.Expr]*Type // the type of each expression ken could type
	Maps   map[string]*Map       // by name, "@" included
	Probes []*Probe              // in source order
	Vars   map[*syntax.Variable]*Var
}

// Map is one global map and every place it is used.
type Map struct {
	Name   string
	Key    *Type // nil: used without keys
	Value  *Type
	Writes []source.Span
	Reads  []source.Span

	// keysSet is set once an access with or without keys has fixed Key; a
	// reference to the whole map (print(@m)) does not.
	keysSet bool
}

// Probe is one probe declaration with what its attach points resolved to.
type Probe struct {
	Decl  *syntax.Probe
	Kinds []string // canonical probe kind of each attach point ("" if unknown)
	Args  *Type    // the type of args, nil when the probe has none
}

// Var is one scratch variable: the first assignment that created it in its
// scope, and every later use.
type Var struct {
	Name string
	Type *Type
	Def  source.Span
	Uses []source.Span
}

// Check analyses a parsed file. It never panics; parts of the tree that
// failed to parse are skipped.
func Check(file *syntax.File, src *source.File, cfg Config) (*Info, []diag.Diagnostic) {
	c := newChecker(file, src, cfg)
	c.collectTopLevel()
	// The first pass learns every map's key and value types so that a
	// map read in a probe written before the one that assigns it is typed;
	// its diagnostics are dropped and the second pass reports.
	c.quiet = true
	c.checkDecls()
	c.quiet = false
	c.resetForSecondPass()
	c.checkDecls()
	return c.info, c.diags
}

// checker holds the state of one analysis.
type checker struct {
	file    *syntax.File
	src     *source.File
	cfg     Config
	kernel  *kernel.Kernel
	dialect dialect.Version
	info    *Info
	diags   []diag.Diagnostic
	quiet   bool

	defines map[string]bool // names #define'd in the file
	// defineTypes are the types of #defines that expand to a literal.
	defineTypes map[string]*Type
	// defineLiterals are the #defines that expand to an integer literal.
	defineLiterals map[string]bool
	cTypes         map[string]bool  // "struct foo" defined in the file's C definitions
	cStructs       map[string]*Type // the file's struct and union definitions, by "struct foo"
	userCalls      map[string]bool  // macros and fn subprograms of the file
	includes       bool             // the file #includes something a type may come from
	cpp            conditions       // the #if blocks around the current directive
	imports        bool             // the file imports code that may define functions
	mapDefs        map[string]bool  // maps written somewhere in the file

	argsCache map[string]*Type // tracepoint args records by "category:name"

	loops int           // depth of loops around the statement being checked
	probe *probeContext // the probe being checked, nil in macros and fns
	scope *scope
}

func newChecker(file *syntax.File, src *source.File, cfg Config) *checker {
	return &checker{
		file:    file,
		src:     src,
		cfg:     cfg,
		kernel:  cfg.Kernel,
		dialect: cfg.Dialect.Clamp(),
		info: &Info{
			Types: make(map[syntax.Expr]*Type),
			Maps:  make(map[string]*Map),
			Vars:  make(map[*syntax.Variable]*Var),
		},
		defines:        make(map[string]bool),
		defineTypes:    make(map[string]*Type),
		defineLiterals: make(map[string]bool),
		cTypes:         make(map[string]bool),
		cStructs:       make(map[string]*Type),
		userCalls:      make(map[string]bool),
		mapDefs:        make(map[string]bool),
	}
}

// resetForSecondPass keeps the map types learnt so far and forgets the
// per-use records, which the second pass fills again.
func (c *checker) resetForSecondPass() {
	for _, m := range c.info.Maps {
		m.Writes, m.Reads = nil, nil
	}
	c.info.Probes = nil
	c.info.Vars = make(map[*syntax.Variable]*Var)
}

func (c *checker) checkDecls() {
	for _, d := range c.file.Decls {
		switch d := d.(type) {
		case *syntax.Probe:
			c.checkProbe(d)
		case *syntax.Macro:
			// bpftrace checks a macro once expanded into each caller, where
			// its parameters take the callers' types; ken checks the calls.
		case *syntax.Func:
			c.checkUserBody(funcParams(d.Params), d.Body)
		case *syntax.MapDecl:
			c.noteMapDecl(d)
		case *syntax.Config:
			c.checkConfig(d)
		}
	}
}

func (c *checker) checkProbe(p *syntax.Probe) {
	c.probe = c.resolveProbe(p)
	c.info.Probes = append(c.info.Probes, c.probe.info)
	c.scope = newScope(nil)
	if p.Predicate != nil {
		c.predicate(p.Predicate)
	}
	if p.Body != nil {
		c.stmts(p.Body.Stmts)
	}
	c.probe, c.scope = nil, nil
}

// checkUserBody checks a macro or fn body, where the probe kind is not
// known: its parameters are in scope with unknown types.
func (c *checker) checkUserBody(params []*syntax.Variable, body *syntax.Block) {
	if body == nil {
		return
	}
	c.scope = newScope(nil)
	for _, v := range params {
		c.declare(v, unknownType)
	}
	c.block(body)
	c.scope = nil
}

func funcParams(params []*syntax.FuncParam) []*syntax.Variable {
	var vs []*syntax.Variable
	for _, p := range params {
		if p.Var != nil {
			vs = append(vs, p.Var)
		}
	}
	return vs
}

// span returns the source span of n.
func span(n syntax.Node) source.Span {
	return source.Span{Start: int(n.Pos()), End: int(n.End())}
}

// report records a diagnostic unless the checker is in its quiet pass.
func (c *checker) report(d diag.Diagnostic) {
	if c.quiet {
		return
	}
	if d.Source == "" {
		d.Source = "ken"
	}
	c.diags = append(c.diags, d)
}

// errorf reports an error at n.
func (c *checker) errorf(n syntax.Node, code, format string, args ...any) {
	c.report(newDiag(diag.Error, span(n), code, format, args...))
}

// warnf reports a warning at n.
func (c *checker) warnf(n syntax.Node, code, format string, args ...any) {
	c.report(newDiag(diag.Warning, span(n), code, format, args...))
}

func newDiag(sev diag.Severity, at source.Span, code, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Span: at, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)}
}
