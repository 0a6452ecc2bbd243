package format

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// TestIdempotentOnCorpus formats every valid program twice: the second
// pass changes nothing and every comment survives.
func TestIdempotentOnCorpus(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/valid/*.bt")
	if len(paths) == 0 {
		t.Fatal("no corpus")
	}
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		once, diags := Format(source.NewFile(path, text))
		if len(diags) > 0 {
			t.Fatalf("%s: %v", path, diags[0].Message)
		}
		twice, _ := Format(source.NewFile(path, once))
		if !bytes.Equal(once, twice) {
			t.Errorf("%s: formatting is not idempotent", path)
		}
		for _, c := range commentTexts(text) {
			if !bytes.Contains(once, []byte(c)) {
				t.Errorf("%s: comment %q lost", path, c)
			}
		}
	}
}

func commentTexts(text []byte) []string {
	file, _ := syntax.Parse(source.NewFile("c.bt", text))
	var out []string
	for _, c := range file.Comments {
		out = append(out, strings.TrimRight(c.Text, " \t\r"))
	}
	return out
}

func TestRefusesBrokenFiles(t *testing.T) {
	out, diags := Format(source.NewFile("b.bt", []byte("BEGIN { printf(\"x); }")))
	if out != nil || len(diags) == 0 {
		t.Errorf("got output %q and %d diagnostics; want nil output and the syntax errors", out, len(diags))
	}
}

func TestIndentSetting(t *testing.T) {
	out, _ := With(syntax.Printer{Indent: "\t"}, source.NewFile("i.bt", []byte("BEGIN{if(1){exit();}}")))
	want := "BEGIN\n{\n\tif (1) {\n\t\texit();\n\t}\n}\n"
	if string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
