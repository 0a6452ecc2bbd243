package syntax

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// FuzzParse feeds arbitrary text to the parser. Whatever the input, parsing
// must not panic, every span must lie inside the text with End >= Pos, and
// a file without errors must print to text that parses to the same tree and
// prints to itself.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"valid", "errors"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.bt"))
		for _, path := range paths {
			if text, err := os.ReadFile(path); err == nil {
				f.Add(text)
			}
		}
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		file, diags := Parse(source.NewFile("fuzz.bt", text))
		if err := checkInvariants(file, diags, len(text)); err != nil {
			t.Fatal(err)
		}
		printed := Print(file, text) // must not panic on broken trees either
		if diag.HasErrors(diags) {
			return
		}
		if err := checkRoundTrip(file, text); err != nil {
			t.Fatalf("%v\ninput:\n%s\nprinted:\n%s", err, text, printed)
		}
	})
}
