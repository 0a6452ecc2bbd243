// Package contracts holds ken's kernel contracts: what a probe body may
// assume about a hooked kernel function's arguments at entry and about its
// result at return, what a tracepoint's fields hold, and which struct
// members are stored in network byte order.
//
// A Set has two parts that Merge combines. The generated part comes from a
// kernel's BTF and tracepoint formats (Generate): every function with its
// prototype, every tracepoint with its fields, and every struct member
// typed __be16, __be32 or __be64. The curated part is written by hand for
// the hook points people use most (datasets/contracts/curated.json,
// embedded in the binary and returned by Curated): nullability of pointer
// arguments, error-code and value ranges of results, pre- and
// postconditions, byte order the types do not show, one-line docs and tags.
//
// Conditions are bpftrace expressions over parameter (or tracepoint field)
// names, retval, NULL, enum constants and integer literals, combined with
// comparisons, arithmetic, !, && and ||, and following members with -> and
// "." (see ParseCondition). The symbolic verifier assumes a function's Pre
// at kprobe or fentry entry and its Post at kretprobe or fexit return.
//
// The JSON form is versioned by Format; Load rejects any other format and
// reports every problem it finds as file:json-path: message.
package contracts
