package compile

import (
	"fmt"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// Kind names how ken and bpftrace disagree about a program.
type Kind string

// The kinds of disagreement Compare reports.
const (
	KenOnly       Kind = "ken-only error"       // ken rejects a program bpftrace compiles
	BpftraceOnly  Kind = "bpftrace-only error"  // bpftrace rejects a program ken accepts
	DifferentLine Kind = "different error line" // both reject, their first errors on different lines
)

// Disagreement is one way in which ken's verdict on a program differs from
// bpftrace's, for capturing regressions.
type Disagreement struct {
	Kind Kind
	// Line is the 1-based line of the first error that only one side
	// reports, or of ken's first error for DifferentLine.
	Line int
	// Ken and Bpftrace are each side's first error as "LINE:COL: message",
	// empty for a side that accepts the program.
	Ken, Bpftrace string
}

// String formats d as one line.
func (d Disagreement) String() string {
	return fmt.Sprintf("line %d: %s (ken: %s; bpftrace: %s)", d.Line, d.Kind, orNone(d.Ken), orNone(d.Bpftrace))
}

func orNone(s string) string {
	if s == "" {
		return "no error"
	}
	return oneLine(s)
}

// Compare reports whether ken's diagnostics for f disagree with bpftrace's
// result for the same text. Two runs agree when both accept the program,
// or both reject it with ken's first error on a line of bpftrace's; an error
// bpftrace gave no position in f agrees with any line. ok is false when
// they agree, and when bpftrace gave no verdict (bp is nil or did not run).
func Compare(f *source.File, ken []diag.Diagnostic, bp *Result) (d Disagreement, ok bool) {
	if bp == nil || !bp.Ran {
		return d, false
	}
	kenFirst, kenRejects := firstError(ken)
	bpFirst, _ := firstError(bp.Diagnostics)
	d.Bpftrace = describe(f, bpFirst, !bp.OK)
	d.Ken = describe(f, kenFirst, kenRejects)
	kenLine := f.Position(kenFirst.Span.Start).Line
	switch {
	case kenRejects && bp.OK:
		d.Kind, d.Line = KenOnly, kenLine
	case !kenRejects && !bp.OK:
		d.Kind, d.Line = BpftraceOnly, bp.FirstErrorLine
		if d.Line == 0 {
			d.Line = f.Position(bpFirst.Span.Start).Line
		}
	case kenRejects && bp.FirstErrorLine != 0 && !onLines(f, bpFirst.Span, kenLine):
		d.Kind, d.Line = DifferentLine, kenLine
	default:
		return Disagreement{}, false
	}
	return d, true
}

// onLines reports whether line is one of the lines sp covers: bpftrace
// places some errors on a range of lines (an attach point with the
// comments before it).
func onLines(f *source.File, sp source.Span, line int) bool {
	first, last := f.Position(sp.Start).Line, f.Position(max(sp.Start, sp.End-1)).Line
	return first <= line && line <= last
}

// firstError returns the error that starts earliest in the file.
func firstError(ds []diag.Diagnostic) (first diag.Diagnostic, found bool) {
	for _, d := range ds {
		if d.Severity == diag.Error && (!found || d.Span.Start < first.Span.Start) {
			first, found = d, true
		}
	}
	return first, found
}

// describe formats a side's first error, or "" when it has none.
func describe(f *source.File, d diag.Diagnostic, rejects bool) string {
	if !rejects || d.Message == "" {
		return ""
	}
	p := f.Position(d.Span.Start)
	return fmt.Sprintf("%d:%d: %s", p.Line, p.Column, oneLine(d.Message))
}

// oneLine keeps the first line of a multi-line message.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
