package syntax

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

var update = flag.Bool("update", false, "rewrite the golden files of the error corpus")

func corpusFiles(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.bt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in testdata/%s: %v", dir, err)
	}
	return files
}

// parseCorpusFile reads and parses one corpus file, diagnostics sorted.
func parseCorpusFile(t *testing.T, path string) (*source.File, *File, []diag.Diagnostic) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := source.NewFile(path, text)
	file, diags := Parse(f)
	diag.Sort(diags)
	return f, file, diags
}

// TestValidCorpus parses every valid program: no diagnostics, sound spans,
// and printing then parsing gives the same tree and the same text again.
func TestValidCorpus(t *testing.T) {
	for _, path := range corpusFiles(t, "valid") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, file, diags := parseCorpusFile(t, path)
			text := f.Text
			for _, d := range diags {
				t.Errorf("%s: %s [%s]", formatPos(f, d.Span.Start), d.Message, d.Code)
			}
			if err := checkInvariants(file, diags, len(text)); err != nil {
				t.Error(err)
			}
			if err := checkRoundTrip(file, text); err != nil {
				t.Error(err)
			}
		})
	}
}

// checkRoundTrip prints file and checks that the output parses cleanly to
// the same tree and prints to itself.
func checkRoundTrip(file *File, text []byte) error {
	printed := Print(file, text)
	again, diags := Parse(source.NewFile("printed.bt", printed))
	if len(diags) > 0 {
		return fmt.Errorf("printed text does not parse: %s at %d\n%s", diags[0].Message, diags[0].Span.Start, printed)
	}
	if got, want := Dump(again), Dump(file); got != want {
		return fmt.Errorf("printed text parses to a different tree\nprinted:\n%s\n%s", printed, firstDifference(want, got))
	}
	if reprinted := Print(again, printed); !bytes.Equal(reprinted, printed) {
		return fmt.Errorf("printing is not idempotent:\nfirst:\n%s\nsecond:\n%s", printed, reprinted)
	}
	if len(again.Comments) != len(file.Comments) {
		return fmt.Errorf("printing kept %d of %d comments", len(again.Comments), len(file.Comments))
	}
	return nil
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("dump line %d: %q became %q", i+1, al[i], bl[i])
		}
	}
	return "dumps differ in length"
}

func formatPos(f *source.File, offset int) string {
	p := f.Position(offset)
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// formatDiagnostics renders diagnostics one per line for golden files.
func formatDiagnostics(f *source.File, diags []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%s-%s: %s [%s]\n", formatPos(f, d.Span.Start), formatPos(f, d.Span.End), d.Message, d.Code)
		for _, r := range d.Related {
			fmt.Fprintf(&b, "\t%s: %s\n", formatPos(f, r.Span.Start), r.Message)
		}
	}
	return b.String()
}

// TestErrorCorpus parses every file with syntax errors and compares the
// diagnostics with the golden file next to it (go test -update rewrites
// them). Each file must produce errors, sound spans, and a tree.
func TestErrorCorpus(t *testing.T) {
	for _, path := range corpusFiles(t, "errors") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, file, diags := parseCorpusFile(t, path)
			text := f.Text
			if !diag.HasErrors(diags) {
				t.Fatal("no syntax error reported")
			}
			if err := checkInvariants(file, diags, len(text)); err != nil {
				t.Error(err)
			}
			checkExpectations(t, f, diags)
			got := formatDiagnostics(f, diags)
			golden := strings.TrimSuffix(path, ".bt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ from %s\ngot:\n%swant:\n%s", golden, got, want)
			}
		})
	}
}

// checkExpectations checks the "// expect: LINE:COL description" lines at
// the top of an error file: each names a position where an error must start.
func checkExpectations(t *testing.T, f *source.File, diags []diag.Diagnostic) {
	t.Helper()
	at := map[string]bool{}
	for _, d := range diags {
		at[formatPos(f, d.Span.Start)] = true
	}
	for _, line := range strings.Split(string(f.Text), "\n") {
		rest, ok := strings.CutPrefix(line, "// expect: ")
		if !ok {
			continue
		}
		pos, what, _ := strings.Cut(rest, " ")
		if !at[pos] {
			t.Errorf("expected an error at %s (%s); got:\n%s", pos, what, formatDiagnostics(f, diags))
		}
	}
}
