package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
)

// decodeTokens turns the protocol's relative encoding back into one
// "line:char:length type modifiers" string per token, checking on the way
// that tokens are sorted and do not overlap.
func decodeTokens(t *testing.T, data []uint32) []string {
	t.Helper()
	if len(data)%5 != 0 {
		t.Fatalf("token data has %d numbers, not a multiple of 5", len(data))
	}
	var out []string
	line, char, prevEnd := uint32(0), uint32(0), uint32(0)
	for i := 0; i < len(data); i += 5 {
		dl, dc, length, typ, mods := data[i], data[i+1], data[i+2], data[i+3], data[i+4]
		if dl > 0 {
			line, char, prevEnd = line+dl, dc, 0
		} else {
			char += dc
		}
		if i > 0 && dl == 0 && (dc == 0 || char < prevEnd) {
			t.Errorf("token %d at %d:%d overlaps the one before (which ends at %d)", i/5, line, char, prevEnd)
		}
		if length == 0 {
			t.Errorf("token %d at %d:%d is empty", i/5, line, char)
		}
		prevEnd = char + length
		s := fmt.Sprintf("%d:%d:%d %s", line, char, length, tokenTypes[typ])
		for bit, name := range tokenModifiers {
			if mods&(1<<bit) != 0 {
				s += " " + name
			}
		}
		out = append(out, s)
	}
	return out
}

// TestSemanticTokens colours a small program and checks each token,
// including columns after characters outside the BMP (two UTF-16 units)
// and a block comment split over its lines.
func TestSemanticTokens(t *testing.T) {
	c := startServer(t, testSettings())
	const text = "// Zählung 😀\n" +
		"kprobe:vfs_read /pid > 0/\n" +
		"{\n" +
		"\t@a[\"😀\"] = count(); $x = arg0;\n" +
		"\tif ($x > 1) {\n" +
		"\t\tprintf(\"%d\\n\", $x);\n" +
		"\t} else {\n" +
		"\t\t@b = (uint64)curtask->pid;\n" +
		"\t}\n" +
		"}\n" +
		"/* multi\n" +
		"   line */\n"
	uri := protocol.DocumentURI("file:///tmp/tokens.bt")
	c.open(uri, text)
	var got protocol.SemanticTokens
	c.call("textDocument/semanticTokens/full", protocol.SemanticTokensParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &got)
	want := []string{
		"0:0:13 comment",
		"1:0:6 namespace",
		"1:7:8 function",
		"1:17:3 variable readonly defaultLibrary",
		"1:23:1 number",
		"3:1:2 variable modification",
		"3:4:4 string",
		"3:12:5 function defaultLibrary",
		"3:21:2 variable declaration",
		"3:26:4 variable readonly defaultLibrary",
		"4:1:2 keyword",
		"4:5:2 variable",
		"4:10:1 number",
		"5:2:6 function defaultLibrary",
		"5:9:6 string",
		"5:17:2 variable",
		"6:3:4 keyword",
		"7:2:2 variable modification",
		"7:8:6 type",
		"7:15:7 variable readonly defaultLibrary",
		"7:24:3 property",
		"10:0:8 comment",
		"11:0:10 comment",
	}
	if decoded := decodeTokens(t, got.Data); strings.Join(decoded, "\n") != strings.Join(want, "\n") {
		t.Errorf("tokens:\n%s\nwant:\n%s", strings.Join(decoded, "\n"), strings.Join(want, "\n"))
	}
}

// TestSemanticTokenKinds checks the colours of names the small program
// above does not use: user macros and fns, parameters, #defines, map
// declarations, positional parameters and kernel enum constants.
func TestSemanticTokenKinds(t *testing.T) {
	c := startServer(t, testSettings())
	const text = "#define LIMIT 10\n" +
		"macro twice(x) { x * 2 }\n" +
		"fn add($a: int64): int64 { return $a + LIMIT; }\n" +
		"BEGIN { print(twice($1) + add(1)); }\n" +
		"kprobe:tcp_set_state { if (arg1 == TCP_ESTABLISHED) { exit(); } }\n"
	uri := protocol.DocumentURI("file:///tmp/kinds.bt")
	c.open(uri, text)
	var got protocol.SemanticTokens
	c.call("textDocument/semanticTokens/full", protocol.SemanticTokensParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &got)
	decoded := decodeTokens(t, got.Data)
	for _, w := range []string{
		"0:0:7 keyword", "0:8:5 macro declaration", // #define LIMIT
		"1:0:5 keyword", "1:6:5 macro declaration", "1:12:1 parameter declaration", "1:17:1 parameter",
		"2:3:3 function declaration", "2:7:2 parameter declaration", "2:11:5 type", "2:34:2 parameter", "2:39:5 macro",
		"3:14:5 macro", "3:20:2 parameter readonly", "3:26:3 function",
		"4:35:15 enumMember readonly", // from the kernel's BTF
	} {
		if !contains(decoded, w) {
			t.Errorf("no token %q in\n%s", w, strings.Join(decoded, "\n"))
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestEditorFeaturesOnCorpus runs tokens, folding, symbols and the name
// lookup at every offset over the repository's .bt files, broken ones
// included: nothing may panic, tokens must be sorted, disjoint and inside
// the text, and folds must hide at least one line.
func TestEditorFeaturesOnCorpus(t *testing.T) {
	var files []string
	for _, dir := range []string{"../examples", "../analysis/testdata"} {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(path, ".bt") {
				files = append(files, path)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Skip("no .bt files found")
	}
	for _, name := range files {
		text, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		checkEditorFeatures(t, name, text)
		// A file cut short exercises the parser's recovery.
		checkEditorFeatures(t, name+" (cut)", text[:len(text)/2])
	}
}

func checkEditorFeatures(t *testing.T, name string, text []byte) {
	f := source.NewFile(name, text)
	r := analysis.Check(f, analysis.Config{Dialect: dialect.V(0, 23)})
	end := -1
	for _, tk := range collectTokens(f, r, func(string) bool { return false }) {
		if tk.span.Start < end || tk.span.End > len(text) || tk.span.Len() <= 0 {
			t.Errorf("%s: token %+v overlaps, is empty or leaves the text", name, tk)
		}
		end = tk.span.End
	}
	for _, fr := range foldingRanges(f, r.AST) {
		if fr.EndLine <= fr.StartLine {
			t.Errorf("%s: fold %+v hides nothing", name, fr)
		}
	}
	documentSymbols(f, r)
	for off := 0; off <= len(text); off++ {
		sym, err := symbolAt(r, off)
		if err != nil {
			continue
		}
		found := false
		for _, o := range sym.occs {
			found = found || o.span == sym.at
			if string(text[o.span.Start:o.span.End]) != sym.name {
				t.Errorf("%s: occurrence %+v of %s reads %q", name, o.span, sym.name, text[o.span.Start:o.span.End])
			}
		}
		if !found {
			t.Errorf("%s: the occurrence of %s under the cursor at %d is not among its occurrences", name, sym.name, off)
		}
	}
}
