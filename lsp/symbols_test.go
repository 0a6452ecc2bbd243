package lsp

import (
	"testing"

	"go.lsp.dev/protocol"
)

// TestDocumentSymbols outlines probes (named by their attach points, with
// their variables), maps with their types, macros, fns and config.
func TestDocumentSymbols(t *testing.T) {
	c := startServer(t, testSettings())
	const text = `config = { max_map_keys = 100 }
fn add($a: int64, $b: int64): int64 { return $a + $b; }
BEGIN { @start = nsecs; }
kprobe:vfs_read, kprobe:vfs_write /pid > 0/
{
	$n = 1;
	@bytes[comm] = sum(arg2);
}
`
	uri := protocol.DocumentURI("file:///tmp/outline.bt")
	c.open(uri, text)
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &syms)
	want := []struct {
		name, detail string
		kind         protocol.SymbolKind
		children     []string
	}{
		{"config", "", protocol.SymbolKindNamespace, []string{"max_map_keys"}},
		{"add", "fn add($a: int64, $b: int64): int64", protocol.SymbolKindFunction, []string{"$a", "$b"}},
		{"BEGIN", "", protocol.SymbolKindEvent, nil},
		{"@start", "uint64", protocol.SymbolKindVariable, nil},
		{"kprobe:vfs_read, kprobe:vfs_write", "/pid > 0/", protocol.SymbolKindEvent, []string{"$n"}},
		{"@bytes", "string[16] → sum_t", protocol.SymbolKindVariable, nil},
	}
	if len(syms) != len(want) {
		t.Fatalf("symbols = %+v, want %d", syms, len(want))
	}
	for i, w := range want {
		s := syms[i]
		if s.Name != w.name || s.Detail != w.detail || s.Kind != w.kind || len(s.Children) != len(w.children) {
			t.Errorf("symbol %d = %q %q kind %v with %d children, want %q %q kind %v with %v", i, s.Name, s.Detail, s.Kind, len(s.Children), w.name, w.detail, w.kind, w.children)
			continue
		}
		for j, child := range w.children {
			if s.Children[j].Name != child {
				t.Errorf("%s: child %d = %q, want %q", s.Name, j, s.Children[j].Name, child)
			}
		}
	}
	probe := syms[4]
	if probe.Range != (protocol.Range{Start: pos(3, 0), End: pos(7, 1)}) || probe.SelectionRange != (protocol.Range{Start: pos(3, 0), End: pos(3, 15)}) {
		t.Errorf("probe ranges = %+v / %+v, want the whole probe / its first attach point", probe.Range, probe.SelectionRange)
	}
}
