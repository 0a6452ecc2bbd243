// Package compile is the "bpftrace compile" stage: it hands a program to a
// real bpftrace, which compiles it to a BPF ELF object without loading or
// attaching anything, and turns what bpftrace prints into diagnostics at
// exact spans of the original file.
//
// Safety comes first. bpftrace has no option that means "compile only" in
// every release, so the stage runs only releases whose compile-only
// behaviour has been read in their source:
//
//   - 0.17 to 0.23: --emit-elf writes the object and exits (src/main.cpp
//     returns right after emit_elf).
//   - 0.24: --emit-elf no longer exits early (bpftrace commit b98773113,
//     "codegen: break into separate passes", first in v0.24-rc0): after
//     writing the object bpftrace goes on to load and attach the program.
//     --test-mode=codegen makes main return before run_bpftrace.
//   - 0.25 and 0.26: the same, spelled --mode=codegen.
//   - 0.27 and newer are refused. Their --help still lists "--mode MODE"
//     with 'codegen' among developer options "used for benchmarking and
//     testing", and the main branch a month before 0.27.0 still returns
//     before running in that mode, but the released source could not be
//     checked and the manual documents neither --mode nor --emit-elf.
//     Adding a release here needs its src/main.cpp read first.
//
// The version comes from "bpftrace --version" (dialect.Detect). A Compiler
// caches it, and a failed detection, so that a missing bpftrace costs one
// attempt, not one per keystroke.
//
// bpftrace's messages have the shapes
//
//	FILE:LINE:COL-COL: ERROR: message      (COL-COL is 1-based, end-exclusive)
//	FILE:LINE-LINE: ERROR: message         (a location over several lines)
//	ERROR: message                         (no location)
//	HINT: message                          (0.22+, refines the message before it)
//	definitions.h:LINE:COL: error: message (clang, on C definitions and headers)
//	error: <unknown>:0:0: in function ...  (LLVM)
//
// followed, for one-line locations, by the source line and a line of '~'
// under the span. Parse strips those echoes, maps the temporary file's path
// back to the original, and places messages about other files on the
// #include that brings them in, or at the start of the file.
package compile
