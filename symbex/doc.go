// Package symbex is ken's symbolic verifier. It executes each probe body
// (predicate included) over Z3 bit-vectors with bpftrace's semantics:
// integers as 64-bit vectors that remember their width and signedness,
// maps as arrays whose absent keys read as zero, builtins as fresh values
// with their real properties (one thread's ids are the same in a
// function's entry and return probes, and its clock only moves forward),
// and kernel reads as fresh values typed by BTF. Branches are merged with
// if-then-else; loops havoc what they assign, which over-approximates, so
// that a proof stays a proof.
//
// From that it proves or refutes obligations: built-in checks for real
// bpftrace mistakes (network byte order printed or compared as host order,
// conditions that can never hold, timestamp deltas that wrap because the
// start was stored under another key), and //@ assume / //@ assert
// annotations a person writes in comments. Each obligation ends as proved,
// a counterexample with concrete values, or unknown (solver timeout).
//
// It takes the analysis stage's result and knows nothing of LSP.
package symbex
