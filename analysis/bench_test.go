package analysis_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
)

// BenchmarkCheckCorpus measures the whole pipeline (parse, dialect,
// semantics) per corpus file, with the kernel snapshot loaded once as the
// language server does. ns/op is the mean time per file.
func BenchmarkCheckCorpus(b *testing.B) {
	k := testKernel(b)
	var files []*source.File
	for _, dir := range []string{"valid", "semantic"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*.bt"))
		for _, p := range paths {
			text, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, source.NewFile(p, text))
		}
	}
	cfg := analysis.Config{Kernel: k, Dialect: dialect.V(0, 23)}
	for _, f := range files { // the first use of a kernel type builds its index
		analysis.Check(f, cfg)
	}
	b.ResetTimer()
	for i := range b.N {
		analysis.Check(files[i%len(files)], cfg)
	}
}
