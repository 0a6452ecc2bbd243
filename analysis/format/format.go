package format

import (
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// Format returns the canonical formatting of f. (Being written.)
func Format(f *source.File) ([]byte, []diag.Diagnostic) { return f.Text, nil }
