// Package lsp is ken's language server: JSON-RPC over stdio (go.lsp.dev's
// jsonrpc2 with a stream of its own that survives malformed messages),
// a versioned document store with incremental sync, debounced analysis
// that publishes diagnostics for the version they were computed on, code
// actions from the fixes diagnostics carry (bound to that version), and
// formatting with ken's formatter. Requests run on their own goroutines and
// can be cancelled by numeric or string id; notifications run in order.
// Synthesis from comments is a code action carrying the ken.synthesize
// command: workspace/executeCommand runs it with cancellable work-done
// progress and puts a verified program after the prompt with a
// workspace/applyEdit bound to the version it was computed for.
// Settings (kernel snapshot, bpftrace dialect, the synthesis model) come from
// initializationOptions and workspace/didChangeConfiguration and are
// applied off the message loop.
//
// It is the only package that converts byte-offset spans to LSP's UTF-16
// ranges (convert.go); the analysis packages know nothing of LSP. Each
// feature registers its methods from its own file, and the server declares
// a capability only for registered methods.
package lsp
