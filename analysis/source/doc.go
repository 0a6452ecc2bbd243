// Package source holds the text of one bpftrace file and converts the byte
// offsets used everywhere inside ken into lines and columns.
//
// Every position in ken is a byte offset into the file's text. Line and
// column numbers are computed on demand from a line table, so that the parser
// never has to track them and every front end (CLI, LSP) can choose its own
// column unit: bytes for the CLI, UTF-16 code units for LSP.
package source
