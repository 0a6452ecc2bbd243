package dialect

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// FuzzCheck feeds arbitrary text, broken or not, to the parser and Check
// under the oldest, a middle and the newest version. Check must not panic,
// and every span and fix edit must lie inside the text.
func FuzzCheck(f *testing.F) {
	for _, dir := range []string{"valid", "errors"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.bt"))
		for _, path := range paths {
			if text, err := os.ReadFile(path); err == nil {
				f.Add(text)
			}
		}
	}
	for _, c := range checkCases {
		f.Add([]byte(c.src))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		sf := source.NewFile("fuzz.bt", text)
		file, _ := syntax.Parse(sf)
		for _, v := range []Version{Oldest, V(0, 23), Newest} {
			for _, src := range []*source.File{sf, nil} {
				for _, d := range Check(file, src, v) {
					if !inside(d.Span, len(text)) || d.Span.Len() == 0 {
						t.Fatalf("%s: span %v outside %d bytes or empty: %s", v, d.Span, len(text), d.Message)
					}
					for _, fix := range d.Fixes {
						for _, e := range fix.Edits {
							if !inside(e.Span, len(text)) {
								t.Fatalf("%s: fix edit %v outside %d bytes", v, e.Span, len(text))
							}
						}
					}
				}
			}
		}
	})
}

func inside(sp source.Span, n int) bool { return 0 <= sp.Start && sp.Start <= sp.End && sp.End <= n }
