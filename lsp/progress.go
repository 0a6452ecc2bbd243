package lsp

import (
	"context"
	"fmt"
	"sync/atomic"
)

// progressTokens numbers the server's work-done progress tokens.
var progressTokens atomic.Int64

// withProgress reports long work to clients that accept work-done progress
// (window.workDoneProgress): a begin with title, and an end with the
// message done returns. Without that capability it just runs work.
func (s *Server) withProgress(ctx context.Context, title string, work func() string) {
	if !s.clientProgress.Load() {
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

func (s *Server) sendProgress(ctx context.Context, token string, value map[string]any) {
	if err := s.conn.Notify(ctx, "$/progress", map[string]any{"token": token, "value": value}); err != nil {
		s.logf("progress: %v", err)
	}
}
