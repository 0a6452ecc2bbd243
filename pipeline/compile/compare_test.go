package compile

import (
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

func TestCompare(t *testing.T) {
	f := source.NewFile("p.bt", []byte("BEGIN {\n  @x = foo(1);\n  @y = bar;\n}\n"))
	span := func(text string) source.Span {
		for i := range len(f.Text) - len(text) + 1 {
			if string(f.Text[i:i+len(text)]) == text {
				return source.Span{Start: i, End: i + len(text)}
			}
		}
		t.Fatalf("no %q in the file", text)
		return source.Span{}
	}
	errAt := func(text, msg string) diag.Diagnostic {
		return diag.Diagnostic{Span: span(text), Severity: diag.Error, Message: msg}
	}
	warning := diag.Diagnostic{Span: span("foo"), Severity: diag.Warning, Message: "meh"}
	rejects := func(line int, ds ...diag.Diagnostic) *Result {
		return &Result{Ran: true, Diagnostics: ds, FirstErrorLine: line}
	}
	accepts := &Result{Ran: true, OK: true, Diagnostics: []diag.Diagnostic{warning}}
	tests := []struct {
		name string
		ken  []diag.Diagnostic
		bp   *Result
		want Disagreement // Kind "" means they agree
	}{
		{"both accept", []diag.Diagnostic{warning}, accepts, Disagreement{}},
		{"both reject on one line", []diag.Diagnostic{errAt("foo", "unknown")}, rejects(2, errAt("@x", "Unknown function: foo")), Disagreement{}},
		{"ken's first error is the earliest", []diag.Diagnostic{errAt("bar", "b"), errAt("foo", "a")}, rejects(2, errAt("foo", "x")), Disagreement{}},
		{"bpftrace gave no position", []diag.Diagnostic{errAt("bar", "b")}, rejects(0, errAt("BEGIN {", "somewhere")), Disagreement{}},
		{"different lines", []diag.Diagnostic{errAt("bar", "no bar")}, rejects(2, errAt("foo", "no foo")),
			Disagreement{Kind: DifferentLine, Line: 3, Ken: "3:8: no bar", Bpftrace: "2:8: no foo"}},
		{"ken only", []diag.Diagnostic{errAt("foo", "no foo\nmore")}, accepts,
			Disagreement{Kind: KenOnly, Line: 2, Ken: "2:8: no foo"}},
		{"bpftrace only", []diag.Diagnostic{warning}, rejects(3, errAt("bar", "no bar")),
			Disagreement{Kind: BpftraceOnly, Line: 3, Bpftrace: "3:8: no bar"}},
		{"bpftrace did not run", []diag.Diagnostic{errAt("foo", "x")}, &Result{Note: "no bpftrace"}, Disagreement{}},
		{"no result", nil, nil, Disagreement{}},
	}
	for _, tt := range tests {
		got, ok := Compare(f, tt.ken, tt.bp)
		if ok != (tt.want.Kind != "") || got != tt.want {
			t.Errorf("%s: Compare = %+v, %v; want %+v", tt.name, got, ok, tt.want)
		}
	}
	d := Disagreement{Kind: KenOnly, Line: 2, Ken: "2:8: no foo"}
	if got, want := d.String(), "line 2: ken-only error (ken: 2:8: no foo; bpftrace: no error)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
