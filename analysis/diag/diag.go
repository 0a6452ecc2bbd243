package diag

import (
	"cmp"
	"slices"

	"github.com/kenlsp/ken/analysis/source"
)

// Severity orders diagnostics from most to least serious.
type Severity int

// Severities, in LSP order so that conversion is a plain cast plus one.
const (
	Error Severity = iota
	Warning
	Info
	Hint
)

// String returns the lowercase name used in CLI output.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	case Hint:
		return "hint"
	}
	return "unknown"
}

// Related is a secondary location that helps explain a diagnostic, such as
// the other use of a map with a conflicting type.
type Related struct {
	Span    source.Span
	Message string
}

// Edit replaces the text of Span with NewText.
type Edit struct {
	Span    source.Span
	NewText string
}

// Fix is a suggested change that resolves a diagnostic.
type Fix struct {
	Title string
	Edits []Edit
}

// Diagnostic is one finding at an exact span of a file.
//
// Code is stable across releases (for example "ken/syntax" or
// "ken/byte-order") so that editors, CI and suppression comments can rely on
// it; Message is for people and may change.
type Diagnostic struct {
	Span     source.Span
	Severity Severity
	Code     string
	Message  string
	Source   string // the stage that found it: "ken", "bpftrace", "kernel", ...
	Related  []Related
	Fixes    []Fix
}

// Sort orders diagnostics by position, then severity, then message, so that
// output is deterministic whatever order the stages ran in.
func Sort(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Span.Start, b.Span.Start),
			cmp.Compare(a.Span.End, b.Span.End),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// ApplyEdits returns text with edits applied. The edits must not overlap;
// they may come in any order.
func ApplyEdits(text []byte, edits []Edit) []byte {
	sorted := slices.Clone(edits)
	slices.SortFunc(sorted, func(a, b Edit) int { return b.Span.Start - a.Span.Start })
	out := slices.Clone(text)
	for _, e := range sorted {
		out = slices.Concat(out[:e.Span.Start], []byte(e.NewText), out[e.Span.End:])
	}
	return out
}

// PreferredFixes gathers the first fix of each diagnostic that has one,
// leaving out a fix whose edits overlap an earlier one's: two fixes of the
// same text cannot both apply. It returns the edits and the number of
// fixes they come from.
func PreferredFixes(ds []Diagnostic) ([]Edit, int) {
	var kept []Edit
	fixes := 0
	for _, d := range ds {
		if len(d.Fixes) == 0 || overlapsAny(d.Fixes[0].Edits, kept) {
			continue
		}
		kept = append(kept, d.Fixes[0].Edits...)
		fixes++
	}
	return kept, fixes
}

// overlapsAny reports whether an edit of a overlaps one of b. Two
// insertions at one offset overlap too: their order would be a guess.
func overlapsAny(a, b []Edit) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Span.Start < y.Span.End && y.Span.Start < x.Span.End || x.Span.Start == y.Span.Start {
				return true
			}
		}
	}
	return false
}
