// Package lsp will hold ken's language server: a stdio JSON-RPC server on
// go.lsp.dev/protocol and go.lsp.dev/jsonrpc2 with a versioned document
// store, debounced and cancellable analysis that publishes diagnostics for
// the version they were computed on, hovers, inlay hints for inferred
// contracts (LSP 3.17 types of its own, as go.lsp.dev stops at 3.15), and
// code actions that synthesize bpftrace from English comments. It is the
// only package that converts byte-offset spans to LSP's UTF-16 ranges; the
// analysis, symbex and synth packages know nothing of LSP. It is not written
// yet.
package lsp
