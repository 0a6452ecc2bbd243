package lsp

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"testing"
	"time"
)

// FuzzMessages sends an arbitrary message body, then a shutdown request:
// whatever the body, the server must answer the shutdown, which it cannot
// do after a crash or a broken stream.
func FuzzMessages(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{},"initializationOptions":{"kernel":"none"}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.bt","languageId":"bpftrace","version":1,"text":"BEGIN { @x[1] = count(); }"}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.bt","version":2},"contentChanges":[{"range":{"start":{"line":9,"character":99},"end":{"line":0,"character":0}},"text":"x"}]}}`,
		`{"jsonrpc":"2.0","id":"s","method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///a.bt"},"range":{"start":{"line":4294967295,"character":4294967295},"end":{"line":0,"character":0}},"context":{"diagnostics":[]}}}`,
		`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":{"nested":true}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"textDocument/formatting","params":null}`,
		`[1,2,3]`, `null`, `{}`, "\x00\xff",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		serverSide, clientSide := net.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { Serve(ctx, serverSide, Options{}); close(done) }()
		defer func() { cancel(); clientSide.Close(); <-done }()
		r := &rawClient{conn: clientSide, in: bufio.NewReader(clientSide)}
		// Read while writing: a pipe has no buffer, and the server may
		// answer the body before it reads the next message.
		answered := make(chan bool, 1)
		go func() { answered <- waitFor(r, "last") }()
		r.send(t, string(body))
		r.send(t, `{"jsonrpc":"2.0","id":"last","method":"shutdown"}`)
		if !<-answered {
			t.Fatalf("no answer to shutdown after the body %q", body)
		}
	})
}

// waitFor reads messages until the response with the string id arrives.
func waitFor(r *rawClient, id string) bool {
	deadline := time.Now().Add(5 * time.Second)
	reader := &stream{in: r.in}
	for time.Now().Before(deadline) {
		r.conn.SetReadDeadline(deadline)
		body, err := reader.readFrame()
		if err != nil {
			return false
		}
		if bytes.Contains(body, []byte(`"id":"`+id+`"`)) {
			return true
		}
	}
	return false
}
