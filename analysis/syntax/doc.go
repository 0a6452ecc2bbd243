// Package syntax reads bpftrace exactly as bpftrace does: a hand-written
// scanner and an error-tolerant recursive-descent parser producing an AST with
// byte offsets, a walker, and a printer whose output parses back to the same
// tree.
//
// The grammar is bpftrace 0.26's (probes with any number of attach points,
// predicates, blocks, if/else, while, unroll, for over maps and ranges, let
// declarations, map declarations, macros, functions, config blocks, imports,
// records, tuples, casts to C types, C definitions and preprocessor lines),
// and it accepts the older dialect of 0.17-0.23 (args->field, parenthesised
// conditions) as well.
//
// The parser never stops at an error and never panics: each error is a
// diagnostic with an exact span, the parser resynchronises at the next
// statement or probe, and what it skipped is kept in the tree as a Bad node,
// so that a file being typed still has a tree for hover and completion.
package syntax
