package analysis

import (
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// Config says what a check is made against.
type Config struct {
	// Kernel is the kernel the program is meant for. Nil means unknown:
	// checks that need kernel knowledge (probe existence, BTF fields,
	// tracepoint formats) are skipped rather than guessed.
	Kernel *kernel.Kernel
	// Dialect is the bpftrace version the program is written for; the zero
	// version means dialect.Newest.
	Dialect dialect.Version
	// HostFiles enables checks of paths on this machine (uprobe binaries,
	// #include files). Leave it off when checking for another machine.
	HostFiles bool
	// HostRoot is the directory the host's files are looked up under, ""
	// or "/" for this machine's own; a bpftrace that runs in a chroot sees
	// only the files inside it.
	HostRoot string
}

// Result is everything the pipeline learned about one file.
type Result struct {
	File        *source.File
	AST         *syntax.File
	Diagnostics []diag.Diagnostic // sorted by position
	// Info is the semantic model: types, maps, variables and probes.
	Info *sema.Info
}

// Check runs every available stage over f and returns the sorted findings:
// syntax, the dialect of the configured bpftrace, then semantics. Every
// stage runs even after errors, skipping what failed to parse, so that an
// editor sees all it can. It never panics on any input.
func Check(f *source.File, cfg Config) *Result {
	ast, diags := syntax.Parse(f)
	v := cfg.Dialect.Clamp()
	diags = append(diags, dialect.Check(ast, f, v)...)
	diags = append(diags, dialect.Bugs(ast, f, v)...)
	info, semantic := sema.Check(ast, f, sema.Config{Kernel: cfg.Kernel, Dialect: v, HostFiles: cfg.HostFiles, HostRoot: cfg.HostRoot})
	diags = dedupe(append(diags, withoutSyntaxNoise(f, diags, semantic)...))
	diag.Sort(diags)
	return &Result{File: f, AST: ast, Diagnostics: diags, Info: info}
}

// withoutSyntaxNoise drops semantic findings on lines that have a syntax
// error: what the parser made of a broken line (a string cut short, a
// missing operand) is a guess, and a second error there only distracts.
func withoutSyntaxNoise(f *source.File, syntaxDiags, semantic []diag.Diagnostic) []diag.Diagnostic {
	broken := make(map[int]bool)
	for _, d := range syntaxDiags {
		if d.Severity == diag.Error {
			broken[f.Line(d.Span.Start)] = true
		}
	}
	if len(broken) == 0 {
		return semantic
	}
	kept := semantic[:0:0]
	for _, d := range semantic {
		if !broken[f.Line(d.Span.Start)] {
			kept = append(kept, d)
		}
	}
	return kept
}

// dedupe drops a diagnostic when an earlier stage reported the same code
// at the same place: the dialect and semantic stages both know when a
// builtin appeared.
func dedupe(ds []diag.Diagnostic) []diag.Diagnostic {
	type key struct {
		start int
		code  string
	}
	seen := make(map[key]bool, len(ds))
	out := ds[:0]
	for _, d := range ds {
		k := key{d.Span.Start, d.Code}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}
