package lsp

import (
	"context"
	"encoding/json"
	"time"

	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/symbex"
)

// This file keeps the document store in step with the client and
// publishes diagnostics.

func init() {
	handleNotification("textDocument/didOpen", (*Server).didOpen)
	handleNotification("textDocument/didChange", (*Server).didChange)
	handleNotification("textDocument/didClose", (*Server).didClose)
	handleNotification("workspace/didChangeConfiguration", (*Server).didChangeConfiguration)
}

func (s *Server) didOpen(ctx context.Context, params json.RawMessage) error {
	var p protocol.DidOpenTextDocumentParams
	if err := decode(params, &p); err != nil {
		return err
	}
	d := newDocument(p.TextDocument.URI, p.TextDocument.Version, []byte(p.TextDocument.Text))
	s.docs.set(d)
	s.schedule(ctx, d, 0)
	return nil
}

// didChangeParams is DidChangeTextDocumentParams with changes that can
// tell a full replacement from an edit.
type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                          `json:"contentChanges"`
}

func (s *Server) didChange(ctx context.Context, params json.RawMessage) error {
	var p didChangeParams
	if err := decode(params, &p); err != nil {
		return err
	}
	old, err := s.docs.get(p.TextDocument.URI)
	if err != nil {
		return err
	}
	d := newDocument(old.uri, p.TextDocument.Version, applyChanges(old, p.ContentChanges))
	s.docs.set(d)
	s.schedule(ctx, d, s.debounce)
	return nil
}

func (s *Server) didClose(ctx context.Context, params json.RawMessage) error {
	var p protocol.DidCloseTextDocumentParams
	if err := decode(params, &p); err != nil {
		return err
	}
	s.docs.remove(p.TextDocument.URI)
	s.stopTimer(p.TextDocument.URI)
	s.runs.cancelDocument(p.TextDocument.URI)
	// Closing clears what the server said about the file.
	return s.conn.Notify(ctx, "textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{
		URI: p.TextDocument.URI, Diagnostics: []protocol.Diagnostic{},
	})
}

func (s *Server) didChangeConfiguration(ctx context.Context, params json.RawMessage) error {
	var p struct {
		Settings json.RawMessage `json:"settings"`
	}
	if err := decode(params, &p); err != nil {
		return err
	}
	settings, err := parseSettings(p.Settings)
	if err != nil {
		s.logf("workspace/didChangeConfiguration: %v", err) // the well-formed settings still apply
	}
	s.configure(ctx, settings)
	return nil
}

// schedule analyses d after delay, replacing an analysis scheduled for an
// older version: the newest text is all that matters.
func (s *Server) schedule(ctx context.Context, d *document, delay time.Duration) {
	s.timersMu.Lock()
	defer s.timersMu.Unlock()
	if t := s.timers[d.uri]; t != nil {
		t.Stop()
	}
	s.timers[d.uri] = time.AfterFunc(delay, func() { s.publish(context.WithoutCancel(ctx), d) })
}

func (s *Server) stopTimer(uri protocol.DocumentURI) {
	s.timersMu.Lock()
	defer s.timersMu.Unlock()
	if t := s.timers[uri]; t != nil {
		t.Stop()
		delete(s.timers, uri)
	}
	for _, running := range []map[protocol.DocumentURI]context.CancelFunc{s.verifying, s.staging} {
		if cancel := running[uri]; cancel != nil {
			cancel()
			delete(running, uri)
		}
	}
}

// publish analyses d and sends its diagnostics, tagged with its version,
// unless a newer version arrived meanwhile; then it starts the symbolic
// verifier, whose findings follow in a second publication.
func (s *Server) publish(ctx context.Context, d *document) {
	r := s.analyze(d)
	if !s.docs.current(d) {
		return
	}
	s.send(ctx, d, r.Diagnostics)
	if s.settings.symbex() && !diag.HasErrors(r.Diagnostics) {
		s.startVerify(ctx, d)
	}
}

// send publishes diagnostics for d's version.
func (s *Server) send(ctx context.Context, d *document, ds []diag.Diagnostic) {
	diags := make([]protocol.Diagnostic, len(ds))
	for i, x := range ds {
		diags[i] = toDiagnostic(d.file, d.uri, x)
	}
	err := s.conn.Notify(ctx, "textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{
		URI: d.uri, Version: uint32(max(d.version, 0)), Diagnostics: diags,
	})
	if err != nil {
		s.logf("publishing diagnostics for %s: %v", d.uri, err)
	}
	s.autoRegenerate(ctx, d, ds)
}

// verifyDelay is how long the document must stay unchanged before the
// symbolic verifier starts on it.
const verifyDelay = 250 * time.Millisecond

// startVerify runs the symbolic verifier on d in the background,
// cancelling the run for an older version of the same document.
func (s *Server) startVerify(ctx context.Context, d *document) {
	vctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.timersMu.Lock()
	if old := s.verifying[d.uri]; old != nil {
		old()
	}
	s.verifying[d.uri] = cancel
	s.timersMu.Unlock()
	s.background(d, "symbolic verification", func() {
		defer cancel()
		// Verification waits for a pause in typing: it is the slow stage,
		// and a newer version cancels it anyway.
		select {
		case <-time.After(verifyDelay):
		case <-vctx.Done():
			return
		}
		rep := symbex.Verify(vctx, d.result, symbex.Config{Kernel: s.settings.config().Kernel})
		if vctx.Err() != nil || !s.docs.current(d) {
			return
		}
		d.verification.Store(rep)
		s.send(ctx, d, s.diagnosticsOf(d))
	})
}

// reanalyzeAll re-checks every open document, after the configuration
// changed.
func (s *Server) reanalyzeAll(ctx context.Context) {
	for _, d := range s.docs.all() {
		fresh := newDocument(d.uri, d.version, d.file.Text)
		if s.docs.replace(d, fresh) {
			s.schedule(ctx, fresh, 0)
		}
	}
}
