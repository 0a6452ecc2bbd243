package diag

import (
	"testing"

	"github.com/kenlsp/ken/analysis/source"
)

// TestPreferredFixes keeps the first of two fixes that touch the same
// text, and applies the rest from the end of the text backwards.
func TestPreferredFixes(t *testing.T) {
	fix := func(start, end int, text string) Diagnostic {
		return Diagnostic{Fixes: []Fix{{Edits: []Edit{{Span: source.Span{Start: start, End: end}, NewText: text}}}}}
	}
	ds := []Diagnostic{fix(0, 3, "x"), fix(2, 5, "y"), fix(6, 6, "z"), {}}
	edits, n := PreferredFixes(ds)
	if n != 2 || len(edits) != 2 {
		t.Fatalf("kept %d fixes: %+v", n, edits)
	}
	if got := string(ApplyEdits([]byte("0123456789"), edits)); got != "x345z6789" {
		t.Errorf("applied: %q, want x345z6789", got)
	}
}
