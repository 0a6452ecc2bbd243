package lsp

import (
	"testing"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
)

const inlayProgram = `kprobe:tcp_connect
{
	$t = nsecs; $t = 2;
	$sk = (struct sock *)arg0;
	$port = $sk->__sk_common.skc_dport;
	let $n: uint32 = 1;
	@starts[tid] = nsecs;
	@conns[comm, $port] = count();
	printf("é %d\n", $t);
}
kretprobe:tcp_connect { @starts[tid] = 0; @total = sum(retval); }
`

func TestInlayHints(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/inlay.bt")
	c.open(uri, inlayProgram)
	whole := protocol.Range{End: pos(20, 0)}
	tests := []struct {
		name  string
		r     protocol.Range
		want  []InlayHint
		after []string // the text each hint follows (first occurrence)
	}{
		{"whole file", whole, []InlayHint{
			{Label: ": uint64"},
			{Label: ": struct sock *"},
			{Label: ": __be16"},
			{Label: ": [uint32] uint64"},
			{Label: ": [string[16], __be16] count_t"},
			{Label: ": sum_t"},
		}, []string{"$t", "$sk", "$port", "@starts[tid]", "@conns[comm, $port]", "@total"}},
		{"one line", protocol.Range{Start: pos(4, 0), End: pos(5, 0)}, []InlayHint{{Label: ": __be16"}}, []string{"$port"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hints []InlayHint
			c.call("textDocument/inlayHint", InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Range: tt.r}, &hints)
			if len(hints) != len(tt.want) {
				t.Fatalf("got %d hints, want %d: %+v", len(hints), len(tt.want), hints)
			}
			for i, h := range hints {
				w := tt.want[i]
				w.Kind = InlayHintKindType
				w.Position = utf16PosOf(t, inlayProgram, tt.after[i], 0, len(tt.after[i]))
				if h != w {
					t.Errorf("hint %d = %+v, want %+v", i, h, w)
				}
			}
		})
	}
}

// TestInlayHintsOff turns hints off through the configuration.
func TestInlayHintsOff(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/inlay-off.bt")
	text := "BEGIN { $t = nsecs; printf(\"%d\\n\", $t); }\n"
	c.open(uri, text)
	params := InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Range: protocol.Range{End: pos(2, 0)}}
	var hints []InlayHint
	c.call("textDocument/inlayHint", params, &hints)
	if len(hints) != 1 || hints[0].Label != ": uint64" {
		t.Fatalf("hints before turning them off = %+v", hints)
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{
		"ken": map[string]any{"kernel": kerneltest.SnapshotPath(), "dialect": "0.23", "inlayHints": false},
	}})
	c.waitConfigured()
	hints = nil
	c.call("textDocument/inlayHint", params, &hints)
	if hints == nil || len(hints) != 0 {
		t.Errorf("hints when off = %#v, want []", hints)
	}
}
