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
// bpftrace mistakes (network byte order printed or compared as host
// order, and host-order members swapped or given to ntop(); conditions
// and loops that can never run; timestamp deltas that wrap because the
// start was stored under another key or may be missing, in a return probe
// or in any probe that reads another's start map;
// a return probe reading, deleting or printing an element under another
// key than its entry stored, or when the entry may not have run; reads
// after a delete; a map keyed by tid in one place and pid in another; a
// pointer followed where it is NULL on every path, or a parameter the
// contract says may be NULL followed untested; nanoseconds
// multiplied into a finer unit, past 64 bits; hist() or sum() of a value
// never above 0 where they run; a timestamp, a kernel
// address or a pid cast to too few bits;
// division by a divisor that is always 0), and //@ assume, //@ assert and
// //@ reached whenever annotations a person writes in comments, which see the program's values
// by access path. The preconditions of the hooked function's contract are
// assumed. Each obligation ends as proved, a counterexample with concrete
// values, or unknown (solver timeout). Entry and return probes pair by
// function (kprobe/kretprobe, uprobe/uretprobe, fentry/fexit) and by
// synchronous tracepoint pairs (sys_enter_X/sys_exit_X, irq_handler_entry
// and _exit, reclaim _begin and _end, ...).
//
// It takes the analysis stage's result and knows nothing of LSP.
package symbex
