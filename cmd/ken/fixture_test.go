package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
)

// fixtureA has a non-ASCII line so that byte, code point and UTF-16
// columns all differ: before "@x" on line 2 there are 24 bytes, 20 code
// points and 21 UTF-16 code units.
const fixtureA = "BEGIN {\n\tprintf(\"héllo 😀\"); @x = 1\n}\n"

const fixtureB = "kprobe:do_nanosleep\n{\n\t@[comm] = count();\n}\n"

// span returns the span of the n-th (0-based) occurrence of sub in text.
func span(t *testing.T, text, sub string, n int) source.Span {
	t.Helper()
	off := 0
	for ; n >= 0; n-- {
		i := strings.Index(text[off:], sub)
		if i < 0 {
			t.Fatalf("%q not in %q", sub, text)
		}
		off += i
		if n > 0 {
			off += len(sub)
		}
	}
	return source.Span{Start: off, End: off + len(sub)}
}

// fixtureResults returns hand-built diagnostics for two files, exercising
// every field the writers print.
func fixtureResults(t *testing.T) []fileResult {
	a := source.NewFile("a.bt", []byte(fixtureA))
	b := source.NewFile("dir/b file.bt", []byte(fixtureB))
	one := span(t, fixtureA, "1", 0)
	afterOne := source.Span{Start: one.End, End: one.End}
	aDiags := []diag.Diagnostic{
		{
			Span: afterOne, Severity: diag.Error, Code: "ken/syntax", Source: "ken",
			Message: "expected ';' after the statement",
			Fixes:   []diag.Fix{{Title: "Insert ';'", Edits: []diag.Edit{{Span: afterOne, NewText: ";"}}}},
		},
		{
			Span: span(t, fixtureA, "@x", 0), Severity: diag.Warning, Code: "ken/unused-map", Source: "ken",
			Message: "map @x is assigned but never read",
			Related: []diag.Related{{Span: span(t, fixtureA, "BEGIN", 0), Message: "in this probe"}},
			Fixes: []diag.Fix{{Title: "Remove the assignment", Edits: []diag.Edit{
				{Span: span(t, fixtureA, " @x = 1", 0), NewText: ""},
			}}},
		},
		{
			Span: span(t, fixtureA, "BEGIN", 0), Severity: diag.Hint, Source: "ken",
			Message: "BEGIN runs once,\nbefore any other probe",
		},
	}
	bDiags := []diag.Diagnostic{
		{
			Span: span(t, fixtureB, "kprobe:do_nanosleep", 0), Severity: diag.Info, Code: "ken/kprobe-attach", Source: "kernel",
			Message: "kprobes load but cannot attach on this kernel",
		},
		{
			Span: span(t, fixtureB, "@[comm] = count();\n}", 0), Severity: diag.Error, Code: "ken/syntax", Source: "ken",
			Message: "a multi-line span",
		},
	}
	diag.Sort(aDiags)
	diag.Sort(bDiags)
	return []fileResult{{a, aDiags}, {b, bDiags}}
}

// fakeCLI returns a cli over in-memory streams whose pipeline is a fake:
// every "ERR" in a file is an error and every "WARN" a warning, and the
// formatter strips trailing blanks from lines but refuses files with an
// "ERR".
func fakeCLI(stdin string) (*cli, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	c := &cli{
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		check: func(_ context.Context, f *source.File, _ pipeline.Config) *pipeline.Result {
			return &pipeline.Result{Result: &analysis.Result{File: f, Diagnostics: fakeDiagnostics(f)}}
		},
		format: func(f *source.File) ([]byte, []diag.Diagnostic) {
			if ds := fakeDiagnostics(f); diag.HasErrors(ds) {
				return nil, ds
			}
			return trailingBlanks.ReplaceAll(f.Text, nil), nil
		},
	}
	return c, &stdout, &stderr
}

var (
	trailingBlanks = regexp.MustCompile(`(?m)[ \t]+$`)
	fakeMarkers    = regexp.MustCompile(`ERR|WARN`)
)

func fakeDiagnostics(f *source.File) []diag.Diagnostic {
	var ds []diag.Diagnostic
	for _, m := range fakeMarkers.FindAllIndex(f.Text, -1) {
		d := diag.Diagnostic{Span: source.Span{Start: m[0], End: m[1]}, Severity: diag.Error, Code: "test/err", Message: "found ERR", Source: "test"}
		if string(f.Text[m[0]:m[1]]) == "WARN" {
			d.Severity, d.Code, d.Message = diag.Warning, "test/warn", "found WARN"
		}
		ds = append(ds, d)
	}
	return ds
}
