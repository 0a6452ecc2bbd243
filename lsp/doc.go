// Package lsp is ken's language server: JSON-RPC over stdio (go.lsp.dev's
// jsonrpc2 with a stream of its own that survives malformed messages),
// a versioned document store with incremental sync, debounced analysis
// that publishes diagnostics for the version they were computed on, code
// actions from the fixes diagnostics carry (bound to that version), and
// formatting with ken's formatter. Requests run on their own goroutines and
// can be cancelled by numeric or string id; notifications run in order.
// Settings (kernel snapshot, bpftrace dialect) come from
// initializationOptions and workspace/didChangeConfiguration and are
// applied off the message loop.
//
// It is the only package that converts byte-offset spans to LSP's UTF-16
// ranges (convert.go); the analysis packages know nothing of LSP. Each
// feature registers its methods from its own file, and the server declares
// a capability only for registered methods.
package lsp
