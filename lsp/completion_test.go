package lsp

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
)

// completionCursor marks where the test programs ask for completions.
const completionCursor = "|"

// completeAt opens text, which holds one completionCursor mark, as uri
// and asks for the completions at the mark.
func completeAt(t *testing.T, c *testClient, uri protocol.DocumentURI, text string) protocol.CompletionList {
	t.Helper()
	at := utf16PosOf(t, text, completionCursor, 0, 0)
	c.open(uri, strings.Replace(text, completionCursor, "", 1))
	var list protocol.CompletionList
	c.call("textDocument/completion", completionParams(uri, at), &list)
	return list
}

func completionParams(uri protocol.DocumentURI, at protocol.Position) protocol.CompletionParams {
	return protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: at,
	}}
}

func completionLabels(items []protocol.CompletionItem) map[string]protocol.CompletionItem {
	m := make(map[string]protocol.CompletionItem, len(items))
	for _, it := range items {
		m[it.Label] = it
	}
	return m
}

func TestCompletion(t *testing.T) {
	c := startServer(t, testSettings())
	tests := []struct {
		name    string
		text    string
		want    []string // labels that must be offered
		notWant []string // labels that must not be
		prefix  string   // every label must start with it
	}{
		{name: "kernel functions", text: "kprobe:tcp_|", want: []string{"tcp_connect"}, prefix: "tcp_"},
		{name: "kernel functions before a probe", text: "kretprobe:tcp_v4_con|\nBEGIN { }\n", want: []string{"tcp_v4_connect"}, prefix: "tcp_v4_con"},
		{name: "tracepoint categories", text: "tracepoint:sys|", want: []string{"syscalls"}, prefix: "sys"},
		{name: "tracepoint names", text: "tracepoint:syscalls:sys_enter_open|", want: []string{"sys_enter_openat", "sys_enter_open"}, prefix: "sys_enter_open"},
		{name: "tracepoint args", text: `tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->|)); }`, want: []string{"filename", "flags", "dfd"}, notWant: []string{"common_pid"}},
		{name: "BTF pointer", text: "kprobe:tcp_connect { $sk = (struct sock *)arg0; $sk->| }", want: []string{"__sk_common", "sk_rcvbuf"}},
		{name: "BTF record", text: "kprobe:tcp_connect { $sk = (struct sock *)arg0; $sk->__sk_common.| }", want: []string{"skc_dport", "skc_daddr", "skc_family"}},
		{name: "BTF record, name begun", text: "kprobe:tcp_connect { $sk = (struct sock *)arg0; print($sk->__sk_common.skc_d|); }", want: []string{"skc_dport"}},
		{name: "builtins of a kprobe", text: "kprobe:vfs_read { @[comm] = count(); re| }", want: []string{"arg0", "comm", "pid", "printf", "count"}, notWant: []string{"retval", "args", "__builtin_comm", "$N"}},
		{name: "builtins of a kretprobe", text: "kretprobe:vfs_read { @[comm] = count(); re| }", want: []string{"retval", "printf"}, notWant: []string{"arg0"}},
		{name: "builtins in a predicate", text: "kretprobe:vfs_read /re|/ { }", want: []string{"retval"}},
		{name: "maps", text: "kprobe:vfs_read { @reads[comm] = count(); }\nkretprobe:vfs_read { @bytes = sum(retval); @| }", want: []string{"@reads", "@bytes"}, prefix: "@"},
		{name: "maps, name begun", text: "kprobe:vfs_read { @reads[comm] = count(); print(@re|); }", want: []string{"@reads"}, notWant: []string{"@re"}, prefix: "@"},
		{name: "variables of this probe", text: "BEGIN { $other = 1; }\nkprobe:vfs_read { $start = nsecs; $count = 1; print($|); }", want: []string{"$start", "$count"}, notWant: []string{"$other"}, prefix: "$"},
		{name: "probe kinds", text: "BEGIN { }\nkpr|", want: []string{"kprobe", "kretprobe", "tracepoint", "BEGIN", "kprobe probe"}, notWant: []string{"pid", "printf", "begin"}},
		{name: "nothing in a comment", text: "// kprobe:tcp_|\n", notWant: []string{"tcp_connect", "kprobe"}},
		{name: "nothing in a string", text: `BEGIN { printf("pi|"); }`, notWant: []string{"pid"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list := completeAt(t, c, protocol.DocumentURI(fmt.Sprintf("file:///tmp/complete%d.bt", i)), tt.text)
			got := completionLabels(list.Items)
			for _, w := range tt.want {
				if _, ok := got[w]; !ok {
					t.Errorf("%q not offered; got %d items", w, len(list.Items))
				}
			}
			for _, w := range tt.notWant {
				if _, ok := got[w]; ok {
					t.Errorf("%q offered", w)
				}
			}
			for _, it := range list.Items {
				if !strings.HasPrefix(it.Label, tt.prefix) {
					t.Errorf("%q does not start with %q", it.Label, tt.prefix)
				}
			}
		})
	}
}

// TestCompletionDetails checks the parts of items an editor shows and
// applies: detail, documentation, snippets, edits and truncation.
func TestCompletionDetails(t *testing.T) {
	c := startServer(t, testSettings())

	list := completeAt(t, c, "file:///tmp/kfuncs.bt", "kprobe:|")
	if !list.IsIncomplete || len(list.Items) != maxKernelItems {
		t.Errorf("every kernel function: incomplete=%v with %d items, want a truncated list of %d", list.IsIncomplete, len(list.Items), maxKernelItems)
	}

	list = completeAt(t, c, "file:///tmp/kfunc.bt", "kprobe:tcp_conn|")
	if fn := completionLabels(list.Items)["tcp_connect"]; fn.Detail != "int tcp_connect(struct sock *sk)" {
		t.Errorf("tcp_connect detail = %q, want its prototype", fn.Detail)
	}

	list = completeAt(t, c, "file:///tmp/tp.bt", "tracepoint:syscalls:sys_enter_openat|")
	if tp := completionLabels(list.Items)["sys_enter_openat"]; !strings.Contains(fmt.Sprint(tp.Documentation), "const char *filename") {
		t.Errorf("sys_enter_openat documentation = %v, want its fields", tp.Documentation)
	}

	list = completeAt(t, c, "file:///tmp/snippets.bt", "|")
	sn, ok := completionLabels(list.Items)["kprobe probe"]
	if !ok || sn.Kind != protocol.CompletionItemKindSnippet || sn.InsertTextFormat != protocol.InsertTextFormatSnippet ||
		sn.TextEdit == nil || sn.TextEdit.NewText != "kprobe:${1:function}\n{\n\t$0\n}" {
		t.Errorf("kprobe snippet = %+v", sn)
	}

	list = completeAt(t, c, "file:///tmp/details.bt", "kprobe:tcp_connect { $sk = (struct sock *)arg0; $sk->__sk_common.| }")
	dport := completionLabels(list.Items)["skc_dport"]
	if dport.Detail != "uint16 (__be16)" || !strings.Contains(fmt.Sprint(dport.Documentation), "Network byte order") {
		t.Errorf("skc_dport: detail %q, documentation %v", dport.Detail, dport.Documentation)
	}

	list = completeAt(t, c, "file:///tmp/builtins.bt", "kprobe:vfs_read { pri| }")
	printf := completionLabels(list.Items)["printf"]
	if printf.Detail != "printf(string fmt, ...) : none" || printf.Documentation == nil || printf.Kind != protocol.CompletionItemKindFunction {
		t.Errorf("printf = %+v", printf)
	}
}

// TestCompletionUTF16 checks that the edit replacing the typed text is
// placed in UTF-16 columns when the line has non-ASCII text before it.
func TestCompletionUTF16(t *testing.T) {
	c := startServer(t, testSettings())
	text := `kprobe:vfs_read { $start = nsecs; printf("é€ %d\n", $st|); }`
	list := completeAt(t, c, "file:///tmp/utf16.bt", text)
	start, ok := completionLabels(list.Items)["$start"]
	if !ok || start.TextEdit == nil {
		t.Fatalf("$start not offered with an edit: %+v", list.Items)
	}
	want := protocol.Range{Start: utf16PosOf(t, text, "$st|", 0, 0), End: utf16PosOf(t, text, completionCursor, 0, 0)}
	if start.TextEdit.Range != want || start.TextEdit.NewText != "$start" {
		t.Errorf("edit = %+v, want %v -> $start", start.TextEdit, want)
	}
}

// BenchmarkCompletionKprobe measures a completion of kernel functions,
// the largest list the server builds, over a real connection: request,
// search of ~56k names, and the JSON of the answer.
func BenchmarkCompletionKprobe(b *testing.B) {
	conn := completionBenchServer(b)
	uri := protocol.DocumentURI("file:///tmp/bench.bt")
	text := "BEGIN { }\nkprobe:s"
	completionBenchOpen(b, conn, uri, text, 1)
	params := completionParams(uri, pos(1, 8))
	var list protocol.CompletionList
	completionBenchCall(b, conn, "textDocument/completion", params, &list) // analyses the text once
	if !list.IsIncomplete || len(list.Items) != maxKernelItems {
		b.Fatalf("got %d items, incomplete %v", len(list.Items), list.IsIncomplete)
	}
	b.ResetTimer()
	for b.Loop() {
		completionBenchCall(b, conn, "textDocument/completion", params, &list)
	}
}

// BenchmarkCompletionKprobeKeystroke is BenchmarkCompletionKprobe with a
// new version of the text before each request, as when typing: the
// analysis of the new text is part of the cost.
func BenchmarkCompletionKprobeKeystroke(b *testing.B) {
	conn := completionBenchServer(b)
	uri := protocol.DocumentURI("file:///tmp/bench.bt")
	completionBenchOpen(b, conn, uri, "BEGIN { }\nkprobe:tcp_", 1)
	var list protocol.CompletionList
	completionBenchCall(b, conn, "textDocument/completion", completionParams(uri, pos(1, 11)), &list)
	version := int32(1)
	b.ResetTimer()
	for b.Loop() {
		version++
		// Alternate between two texts so that each version is new.
		text := "BEGIN { }\nkprobe:tcp_"
		if version%2 == 0 {
			text = "BEGIN { }\nkprobe:tcp_c"
		}
		completionBenchNotify(b, conn, "textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version},
			"contentChanges": []map[string]any{{"text": text}},
		})
		completionBenchCall(b, conn, "textDocument/completion", completionParams(uri, pos(1, uint32(len(text)-10))), &list)
	}
}

// completionBenchServer runs a configured server for a benchmark and returns a
// client connection to it; the test client needs a *testing.T.
func completionBenchServer(b *testing.B) jsonrpc2.Conn {
	b.Helper()
	kerneltest.Snapshot(b)
	serverSide, clientSide := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, serverSide, Options{Debounce: time.Millisecond}) }()
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(clientSide))
	conn.Go(ctx, func(ctx context.Context, reply jsonrpc2.Replier, _ jsonrpc2.Request) error {
		return reply(ctx, nil, nil)
	})
	b.Cleanup(func() {
		cancel()
		clientSide.Close()
		<-done
	})
	var result map[string]any
	completionBenchCall(b, conn, "initialize", map[string]any{"processId": 1, "rootUri": nil, "capabilities": map[string]any{}, "initializationOptions": testSettings()}, &result)
	completionBenchNotify(b, conn, "initialized", map[string]any{})
	for configured := false; !configured; {
		completionBenchCall(b, conn, "ken/configured", nil, &configured)
	}
	return conn
}

func completionBenchOpen(b *testing.B, conn jsonrpc2.Conn, uri protocol.DocumentURI, text string, version int32) {
	completionBenchNotify(b, conn, "textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "bpftrace", Version: version, Text: text,
	}})
}

func completionBenchCall(b *testing.B, conn jsonrpc2.Conn, method string, params, result any) {
	if _, err := conn.Call(context.Background(), method, params, result); err != nil {
		b.Fatalf("%s: %v", method, err)
	}
}

func completionBenchNotify(b *testing.B, conn jsonrpc2.Conn, method string, params any) {
	if err := conn.Notify(context.Background(), method, params); err != nil {
		b.Fatalf("%s: %v", method, err)
	}
}
