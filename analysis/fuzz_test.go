package analysis_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
)

// FuzzCheck runs the whole pipeline on arbitrary text, in the oldest and
// newest dialects, against the test kernel: it must never panic, and every
// diagnostic must lie inside the text.
func FuzzCheck(f *testing.F) {
	for _, dir := range []string{"valid", "semantic", "errors"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*.bt"))
		for _, p := range paths {
			if text, err := os.ReadFile(p); err == nil {
				f.Add(text)
			}
		}
	}
	k := testKernel(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		file := source.NewFile("fuzz.bt", text)
		for _, v := range []dialect.Version{dialect.Oldest, dialect.Newest} {
			r := analysis.Check(file, analysis.Config{Kernel: k, Dialect: v})
			for _, d := range r.Diagnostics {
				if d.Span.Start < 0 || d.Span.End > len(text) || d.Span.Start > d.Span.End {
					t.Fatalf("diagnostic %q has span %v outside the text of %d bytes", d.Message, d.Span, len(text))
				}
			}
		}
	})
}
