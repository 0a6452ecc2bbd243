package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

const brokenProgram = "kprobe:vfs_read\n{\n\tprintf(\"%d\\n\", retval);\n}\n"

// TestDiagnosticsFollowEdits opens a file with an error, sees it, fixes
// it, and sees the diagnostics cleared for the new version.
func TestDiagnosticsFollowEdits(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/read.bt")
	c.open(uri, brokenProgram)
	ds := c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return len(ds) > 0 })
	if !hasCode(ds, "ken/builtin-probe-kind") || ds[0].Range.Start != pos(2, 16) {
		t.Fatalf("want ken/builtin-probe-kind at 2:16, got %+v", ds)
	}
	c.edit(uri, 2, protocol.Range{Start: pos(2, 16), End: pos(2, 22)}, "arg2")
	c.waitDiagnostics(uri, 2, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 })
}

// TestCodeActionFromFix turns a diagnostic's fix into a versioned edit.
func TestCodeActionFromFix(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/fix.bt")
	c.open(uri, "tracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args->filname)); }\n")
	ds := c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return len(ds) > 0 })
	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Range:        ds[0].Range,
		Context:      protocol.CodeActionContext{Diagnostics: ds},
	}, &actions)
	if len(actions) == 0 || actions[0].Edit == nil || len(actions[0].Edit.DocumentChanges) != 1 {
		t.Fatalf("want one quick fix with a document edit, got %+v", actions)
	}
	change := actions[0].Edit.DocumentChanges[0]
	if *change.TextDocument.Version != 1 || change.Edits[0].NewText != "filename" {
		t.Errorf("fix = %+v, want filename at version 1", change)
	}
}

// TestCodeActionFromVerifier offers the verifier's fixes: the paper's
// port printed in network order becomes bswap(port), and a latency whose
// start may be missing gets the guard.
func TestCodeActionFromVerifier(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/port.bt")
	c.open(uri, "kprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d\\n\", $sk->__sk_common.skc_dport);\n}\n"+
		"tracepoint:sched:sched_wakeup { @w[args.pid] = nsecs; }\ntracepoint:sched:sched_switch { @us = hist((nsecs - @w[args.next_pid]) / 1000); delete(@w, args.next_pid); }\n")
	ds := c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool {
		return hasCode(ds, "ken/byte-order") && hasCode(ds, "ken/clock-wrap")
	})
	want := map[string]string{"ken/byte-order": "bswap(|)", "ken/clock-wrap": "/@w[args.next_pid]/ "}
	for _, d := range ds {
		code := fmt.Sprint(d.Code)
		if want[code] == "" {
			continue
		}
		var actions []protocol.CodeAction
		c.call("textDocument/codeAction", protocol.CodeActionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: uri},
			Range:        d.Range,
			Context:      protocol.CodeActionContext{Diagnostics: []protocol.Diagnostic{d}},
		}, &actions)
		var got []string
		for _, a := range actions {
			if a.Edit != nil && len(a.Edit.DocumentChanges) == 1 {
				var texts []string
				for _, e := range a.Edit.DocumentChanges[0].Edits {
					texts = append(texts, e.NewText)
				}
				got = append(got, strings.Join(texts, "|"))
			}
		}
		if !strings.Contains(strings.Join(got, ";"), want[code]) {
			t.Errorf("%s: quick fixes %q, want %q", code, got, want[code])
		}
	}
}

// TestFixAll offers every fix of the document as one source action, and
// only that when the editor asks for source actions on save.
func TestFixAll(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/fixall.bt")
	c.open(uri, "kprobe:tcp_connect { $sk = (struct sock *)arg0; printf(\"%d %d\\n\", $sk->__sk_common.skc_dport, $sk->__sk_common.skc_dport); }\n")
	c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "ken/byte-order") })
	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{"source.fixAll"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Kind != fixAllKind || actions[0].Edit == nil {
		t.Fatalf("want the one fix-all action, got %+v", actions)
	}
	if edits := actions[0].Edit.DocumentChanges[0].Edits; len(edits) != 4 || actions[0].Title != "Apply ken's fixes (2)" {
		t.Errorf("%q with %d edits, want both ports wrapped in bswap()", actions[0].Title, len(edits))
	}
}

// TestFormatting formats with ken's formatter and leaves a broken file be.
func TestFormatting(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/fmt.bt")
	c.open(uri, "BEGIN { printf(\"hi\\n\"); }\n")
	var edits []protocol.TextEdit
	c.call("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &edits)
	if len(edits) != 1 || !strings.Contains(edits[0].NewText, "BEGIN\n{\n  printf") {
		t.Fatalf("edits = %+v", edits)
	}
	bad := protocol.DocumentURI("file:///tmp/bad.bt")
	c.open(bad, "BEGIN { printf(\"hi\\n\" }\n")
	c.call("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: bad}}, &edits)
	if len(edits) != 0 {
		t.Errorf("a file with syntax errors was formatted: %+v", edits)
	}
}

// TestBadRequests checks that the server answers nonsense with errors and
// keeps working.
func TestBadRequests(t *testing.T) {
	c := startServer(t, testSettings())
	var rpcErr *jsonrpc2.Error
	if err := c.callErr("textDocument/nonsense", map[string]any{}); !errors.As(err, &rpcErr) || rpcErr.Code != jsonrpc2.MethodNotFound {
		t.Errorf("unknown method: %v", err)
	}
	if err := c.callErr("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": "file:///not/open.bt"}}); err == nil {
		t.Error("a request for an unopened document succeeded")
	}
	if err := c.callErr("textDocument/codeAction", "not an object"); !errors.As(err, &rpcErr) || rpcErr.Code != jsonrpc2.InvalidParams {
		t.Errorf("bad params: %v", err)
	}
	uri := protocol.DocumentURI("file:///tmp/far.bt")
	c.open(uri, "BEGIN { exit(); }\n")
	c.edit(uri, 2, protocol.Range{Start: pos(900, 4), End: pos(1000, 1)}, "// appended past the end\n")
	c.waitDiagnostics(uri, 2, func([]protocol.Diagnostic) bool { return true })
	binary := protocol.DocumentURI("file:///tmp/binary.bt")
	c.open(binary, "\x00\xff\xfe{{{{\x01")
	c.waitDiagnostics(binary, 1, func(ds []protocol.Diagnostic) bool { return len(ds) > 0 })
}

// rawClient writes frames by hand, to send what no well-behaved client
// would.
type rawClient struct {
	conn net.Conn
	in   *bufio.Reader
}

func startRaw(t *testing.T) *rawClient {
	serverSide, clientSide := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Serve(ctx, serverSide, Options{}); close(done) }()
	t.Cleanup(func() { cancel(); clientSide.Close(); <-done })
	return &rawClient{conn: clientSide, in: bufio.NewReader(clientSide)}
}

func (r *rawClient) send(t *testing.T, body string) {
	t.Helper()
	r.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(r.conn, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		t.Fatal(err)
	}
}

// receive reads one message.
func (r *rawClient) receive(t *testing.T) map[string]any {
	t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	length := 0
	for {
		line, err := r.in.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line = strings.TrimSpace(line); line == "" {
			break
		}
		fmt.Sscanf(line, "Content-Length: %d", &length)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r.in, body); err != nil {
		t.Fatal(err)
	}
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatalf("server sent invalid JSON %q", body)
	}
	return msg
}

// TestMalformedJSON sends a body that is not JSON: the server answers with
// a parse error and goes on serving.
func TestMalformedJSON(t *testing.T) {
	r := startRaw(t)
	r.send(t, `{"jsonrpc":"2.0","id":1,"method":`)
	if msg := r.receive(t); msg["error"].(map[string]any)["code"].(float64) != float64(jsonrpc2.ParseError) {
		t.Fatalf("want a parse error, got %v", msg)
	}
	r.send(t, `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	if msg := r.receive(t); msg["id"].(float64) != 2 || msg["error"] != nil {
		t.Fatalf("the server stopped answering: %v", msg)
	}
}

// TestCancelNumericID cancels a request whose id is a number, which
// go.lsp.dev's own cancellation cannot match.
func TestCancelNumericID(t *testing.T) {
	started := make(chan struct{})
	handleRequest("ken/test/block", func(s *Server, ctx context.Context, _ json.RawMessage) (any, error) {
		close(started)
		<-ctx.Done()
		return nil, nil
	})
	defer delete(requests, "ken/test/block")
	r := startRaw(t)
	r.send(t, `{"jsonrpc":"2.0","id":7,"method":"ken/test/block","params":{}}`)
	<-started
	r.send(t, `{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}`)
	msg := r.receive(t)
	if msg["id"].(float64) != 7 || msg["error"].(map[string]any)["code"].(float64) != float64(requestCancelled) {
		t.Fatalf("want request 7 cancelled, got %v", msg)
	}
}

// TestProgressWhileLoadingKernel checks that loading the kernel is shown
// as work-done progress to a client that accepts it.
func TestProgressWhileLoadingKernel(t *testing.T) {
	c := startServer(t, testSettings())
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.Join(c.progress, ",") != "begin,end" {
		t.Errorf("progress = %v, want begin,end", c.progress)
	}
}

// TestExitStatus checks LSP's exit rule: exit after shutdown is a clean
// end, exit without it an error (status 1 for ken lsp).
func TestExitStatus(t *testing.T) {
	for _, tt := range []struct {
		messages []string
		want     error
	}{
		{[]string{`{"jsonrpc":"2.0","id":1,"method":"shutdown"}`, `{"jsonrpc":"2.0","method":"exit"}`}, nil},
		{[]string{`{"jsonrpc":"2.0","method":"exit"}`}, ErrExitWithoutShutdown},
	} {
		serverSide, clientSide := net.Pipe()
		result := make(chan error, 1)
		go func() { result <- Serve(context.Background(), serverSide, Options{}) }()
		r := &rawClient{conn: clientSide, in: bufio.NewReader(clientSide)}
		for _, m := range tt.messages {
			r.send(t, m)
			if strings.Contains(m, `"id"`) {
				r.receive(t)
			}
		}
		select {
		case err := <-result:
			if !errors.Is(err, tt.want) {
				t.Errorf("after %v Serve returned %v, want %v", tt.messages, err, tt.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Serve did not return after %v", tt.messages)
		}
		clientSide.Close()
	}
}

// TestVerifierFindingsFollow checks that the symbolic verifier's findings
// arrive after the fast stages', for the same version.
func TestVerifierFindingsFollow(t *testing.T) {
	c := startServer(t, testSettings())
	uri := protocol.DocumentURI("file:///tmp/port.bt")
	c.open(uri, "kprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n\tprintf(\"%d\\n\", $sk->__sk_common.skc_dport);\n}\n")
	ds := c.waitDiagnostics(uri, 1, func(ds []protocol.Diagnostic) bool { return hasCode(ds, "ken/byte-order") })
	for _, d := range ds {
		if d.Code == "ken/byte-order" && (d.Range.Start.Line != 3 || !strings.Contains(d.Message, "0x5000")) {
			t.Errorf("byte-order finding at %v: %s", d.Range, d.Message)
		}
	}
	// A code action writes the contract into the probe.
	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Range: protocol.Range{Start: pos(0, 3), End: pos(0, 3)},
	}, &actions)
	found := false
	for _, a := range actions {
		if a.Kind == protocol.RefactorRewrite && a.Edit != nil && a.Edit.DocumentChanges[0].Edits[0].NewText == "\n\t//@ assume sk != NULL" {
			found = true
		}
	}
	if !found {
		t.Errorf("no action inserting the contract; got %+v", actions)
	}
	// The probe's inlay hint shows the contract assumed and the verdict.
	var hints []InlayHint
	c.call("textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": protocol.Range{End: pos(9, 0)}}, &hints)
	for _, h := range hints {
		if strings.Contains(h.Label, "pre: sk != NULL") && strings.Contains(h.Label, "✗ 1 counterexample") && h.Position == pos(0, 18) {
			return
		}
	}
	t.Errorf("no contract and verdict hint after kprobe:tcp_connect; hints %+v", hints)
}
