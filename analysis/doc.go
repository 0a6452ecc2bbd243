// Package analysis runs ken's checking pipeline over one bpftrace file.
//
// Each stage lives in its own package and takes the previous stage's output:
// source text is parsed by syntax into an AST with syntax diagnostics; later
// stages (semantic model, contracts, symbolic execution, bpftrace, kernel
// verifier) add theirs. Check is the one entry point the CLI and the language
// server share, so both always report the same findings.
package analysis
