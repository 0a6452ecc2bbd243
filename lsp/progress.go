package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// progressTokens numbers the server's work-done progress tokens.
var progressTokens atomic.Int64

// withProgress reports long work to clients that accept work-done progress
// (window.workDoneProgress): a begin with title, and an end with the
// message done returns. Without that capability it just runs work.
func (s *Server) withProgress(ctx context.Context, title string, work func() string) {
	if !s.clientProgress.Load() || !s.awaitInitialized(ctx) {
		work()
		return
	}
	token := fmt.Sprintf("ken-%d", progressTokens.Add(1))
	if _, err := s.conn.Call(ctx, "window/workDoneProgress/create", map[string]any{"token": token}, nil); err != nil {
		s.logf("progress: %v", err)
		work()
		return
	}
	s.sendProgress(ctx, token, map[string]any{"kind": "begin", "title": title})
	s.sendProgress(ctx, token, map[string]any{"kind": "end", "message": work()})
}

// initializedWait bounds how long progress waits for the client's
// initialized notification; past it the work runs without progress.
const initializedWait = 2 * time.Second

// awaitInitialized waits until the client is initialized, since the LSP
// forbids server requests (window/workDoneProgress/create) before that;
// false when it does not come in time.
func (s *Server) awaitInitialized(ctx context.Context) bool {
	select {
	case <-s.initialized:
		return true
	case <-ctx.Done():
	case <-time.After(initializedWait):
	}
	return false
}

func (s *Server) sendProgress(ctx context.Context, token string, value map[string]any) {
	if err := s.conn.Notify(ctx, "$/progress", map[string]any{"token": token, "value": value}); err != nil {
		s.logf("progress: %v", err)
	}
}

// workReport is one piece of cancellable work-done progress: begun with a
// Cancel button, reported as it goes, ended once. Its zero value (for a
// client without progress) reports nothing.
type workReport struct {
	s     *Server
	ctx   context.Context
	token json.RawMessage // nil: no progress is shown
}

// beginWork starts progress titled title. token is the client's
// workDoneToken when the request carried one; otherwise the server
// creates a token. The client's window/workDoneProgress/cancel for the
// token calls cancel.
func (s *Server) beginWork(ctx context.Context, token json.RawMessage, title string, cancel context.CancelFunc) *workReport {
	w := &workReport{s: s, ctx: context.WithoutCancel(ctx)}
	if len(token) == 0 {
		if !s.clientProgress.Load() {
			return w
		}
		token, _ = json.Marshal(fmt.Sprintf("ken-%d", progressTokens.Add(1)))
		if _, err := s.conn.Call(ctx, "window/workDoneProgress/create", map[string]any{"token": token}, nil); err != nil {
			s.logf("progress: %v", err)
			return w
		}
	}
	w.token = token
	s.cancels.add(token, cancel)
	w.send(map[string]any{"kind": "begin", "title": title, "cancellable": true, "percentage": 0})
	return w
}

// report says what the work is doing now.
func (w *workReport) report(message string, percentage int) {
	w.send(map[string]any{"kind": "report", "message": message, "percentage": percentage})
}

// end closes the progress with a last message.
func (w *workReport) end(message string) {
	if w.token != nil {
		w.s.cancels.remove(w.token)
	}
	w.send(map[string]any{"kind": "end", "message": message})
}

func (w *workReport) send(value map[string]any) {
	if w.token == nil {
		return
	}
	if err := w.s.conn.Notify(w.ctx, "$/progress", map[string]any{"token": w.token, "value": value}); err != nil {
		w.s.logf("progress: %v", err)
	}
}

// progressCancels maps the tokens of cancellable progress to what cancels
// the work. Its zero value is ready.
type progressCancels struct {
	mu     sync.Mutex
	cancel map[string]context.CancelFunc
}

// tokenKey is a token's key: its compact JSON, the same for the string
// "ken-1" or the number 5 however the client spaced it.
func tokenKey(token json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, token) != nil {
		return string(token)
	}
	return b.String()
}

func (c *progressCancels) add(token json.RawMessage, cancel context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel == nil {
		c.cancel = map[string]context.CancelFunc{}
	}
	c.cancel[tokenKey(token)] = cancel
}

func (c *progressCancels) remove(token json.RawMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cancel, tokenKey(token))
}

// fire cancels the work behind token, if it is still running.
func (c *progressCancels) fire(token json.RawMessage) {
	c.mu.Lock()
	cancel := c.cancel[tokenKey(token)]
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func init() {
	// The client's Cancel button on cancellable progress.
	handleNotification("window/workDoneProgress/cancel", func(s *Server, _ context.Context, params json.RawMessage) error {
		var p struct {
			Token json.RawMessage `json:"token"`
		}
		if err := decode(params, &p); err != nil {
			return err
		}
		s.cancels.fire(p.Token)
		return nil
	})
}
