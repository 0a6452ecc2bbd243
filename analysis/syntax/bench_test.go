package syntax

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
)

// largeProgram concatenates the valid corpus, with probes renamed apart,
// until it has at least lines lines: a realistic mix of every construct.
func largeProgram(b *testing.B, lines int) []byte {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "valid", "*.bt"))
	var out bytes.Buffer
	for i := 0; bytes.Count(out.Bytes(), []byte{'\n'}) < lines; i++ {
		text, err := os.ReadFile(paths[i%len(paths)])
		if err != nil {
			b.Fatal(err)
		}
		if hasPreamble(text) {
			continue // its items must come first in a file
		}
		fmt.Fprintf(&out, "// part %d\n", i)
		out.Write(text)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// hasPreamble reports whether text has items bpftrace wants before any
// probe: preprocessor lines, C definitions, config and imports.
func hasPreamble(text []byte) bool {
	file, _ := Parse(source.NewFile("part.bt", text))
	for _, d := range file.Decls {
		switch d.(type) {
		case *Directive, *CDefinition, *Config, *Import:
			return true
		}
	}
	return false
}

// BenchmarkParsePrint2000 parses and prints a 2,000-line file, the work of
// ken fmt and of every keystroke's syntax check.
func BenchmarkParsePrint2000(b *testing.B) {
	text := largeProgram(b, 2000)
	if _, diags := Parse(source.NewFile("big.bt", text)); len(diags) > 0 {
		b.Fatalf("benchmark input has errors: %v", diags[0])
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		file, _ := Parse(source.NewFile("big.bt", text))
		Print(file, text)
	}
}

// BenchmarkParse2000 parses the same file without printing it.
func BenchmarkParse2000(b *testing.B) {
	text := largeProgram(b, 2000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(source.NewFile("big.bt", text))
	}
}
