package lsp

import (
	"context"
	"encoding/json"
	"net"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
)

// testClient drives a server over an in-memory pipe with go.lsp.dev's
// jsonrpc2 client, the same code path a real client's messages take.
type testClient struct {
	t    testing.TB
	conn jsonrpc2.Conn

	mu          sync.Mutex
	diagnostics map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams
	messages    []string
	progress    []string // the kind of each $/progress value received
	reports     []progressValue
	edits       []protocol.ApplyWorkspaceEditParams // workspace/applyEdit requests, in order
	// refuseEdits makes the client answer workspace/applyEdit with
	// applied: false.
	refuseEdits bool
	changed     chan struct{}
	// initialized is the server's answer to initialize.
	initialized json.RawMessage
}

// progressValue is one $/progress notification.
type progressValue struct {
	Token       json.RawMessage
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Message     string `json:"message"`
	Cancellable bool   `json:"cancellable"`
}

// testSettings checks against the checked-in kernel snapshot as bpftrace
// 0.23, so that tests do not depend on the machine.
func testSettings() map[string]any {
	return map[string]any{"kernel": kerneltest.SnapshotPath(), "dialect": "0.23"}
}

// startServer runs a server and an initialized client connected to it.
func startServer(t *testing.T, settings map[string]any) *testClient {
	t.Helper()
	return startServerWith(t, settings, Options{Debounce: time.Millisecond})
}

// startServerWith is startServer with the server's options.
func startServerWith(t testing.TB, settings map[string]any, opts Options) *testClient {
	t.Helper()
	kerneltest.Snapshot(t) // fail early, with a clear message, without a snapshot
	serverSide, clientSide := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, serverSide, opts) }()
	c := &testClient{t: t, diagnostics: map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams{}, changed: make(chan struct{}, 1)}
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(clientSide))
	c.conn.Go(ctx, c.handle)
	t.Cleanup(func() {
		cancel()
		clientSide.Close()
		<-done
	})
	capabilities := map[string]any{"window": map[string]any{"workDoneProgress": true}}
	c.call("initialize", map[string]any{"processId": 1, "rootUri": nil, "capabilities": capabilities, "initializationOptions": settings}, &c.initialized)
	c.notify("initialized", map[string]any{})
	c.waitConfigured()
	return c
}

// handle records what the server sends to the client, and accepts the
// edits it asks the client to apply.
func (c *testClient) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	var result any
	c.mu.Lock()
	switch req.Method() {
	case "textDocument/publishDiagnostics":
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(req.Params(), &p); err == nil {
			c.diagnostics[p.URI] = append(c.diagnostics[p.URI], p)
		}
	case "$/progress":
		var p struct {
			Token json.RawMessage `json:"token"`
			Value progressValue   `json:"value"`
		}
		json.Unmarshal(req.Params(), &p)
		p.Value.Token = p.Token
		c.progress = append(c.progress, p.Value.Kind)
		c.reports = append(c.reports, p.Value)
	case "workspace/applyEdit":
		var p protocol.ApplyWorkspaceEditParams
		json.Unmarshal(req.Params(), &p)
		c.edits = append(c.edits, p)
		result = protocol.ApplyWorkspaceEditResponse{Applied: !c.refuseEdits}
	case "window/showMessage", "window/logMessage":
		var p protocol.ShowMessageParams
		json.Unmarshal(req.Params(), &p)
		c.messages = append(c.messages, p.Message)
	}
	c.mu.Unlock()
	select {
	case c.changed <- struct{}{}:
	default:
	}
	return reply(ctx, result, nil)
}

// waitConfigured waits until the settings have been applied (the kernel
// snapshot loaded), so that the first analysis already uses them.
func (c *testClient) waitConfigured() {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var ok bool
		c.call("ken/configured", nil, &ok)
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t.Fatal("the server did not apply its settings within 10 s")
}

func (c *testClient) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.conn.Call(ctx, method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// callErr is call for requests expected to fail.
func (c *testClient) callErr(method string, params any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var result json.RawMessage
	_, err := c.conn.Call(ctx, method, params, &result)
	return err
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// open opens a document at version 1.
func (c *testClient) open(uri protocol.DocumentURI, text string) {
	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "bpftrace", Version: 1, Text: text,
	}})
}

// edit replaces the range with text, making version.
func (c *testClient) edit(uri protocol.DocumentURI, version int32, r protocol.Range, text string) {
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []map[string]any{{"range": r, "text": text}},
	})
}

// waitDiagnostics waits for a publication for uri at version that
// satisfies ok, and returns it.
func (c *testClient) waitDiagnostics(uri protocol.DocumentURI, version uint32, ok func([]protocol.Diagnostic) bool) []protocol.Diagnostic {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		for _, p := range c.diagnostics[uri] {
			if p.Version == version && ok(p.Diagnostics) {
				c.mu.Unlock()
				return p.Diagnostics
			}
		}
		c.mu.Unlock()
		select {
		case <-c.changed:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			c.t.Fatalf("no diagnostics for %s version %d as expected; got %+v", uri, version, c.diagnostics[uri])
		}
	}
}

// hasCode reports whether ds contains a diagnostic with the code.
func hasCode(ds []protocol.Diagnostic, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

// pos is a shorthand for an LSP position.
func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }
