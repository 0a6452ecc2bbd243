// Package diag defines the diagnostics every stage of ken reports: a span,
// a severity, a stable code, a message, related locations and fixes.
//
// Diagnostics are plain data. Front ends (the CLI, the language server)
// convert them to their own formats; nothing here knows about LSP.
package diag
