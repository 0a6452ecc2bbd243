// Package kverify is ken's kernel stage: it puts the programs of a
// compiled bpftrace script to the running kernel's eBPF verifier and
// reports, per probe, whether the verifier accepts it, what it costs
// (instructions processed, stack, load time) and, when it refuses, the
// verifier's message and where in the script the failure is.
//
// The input is the ELF that bpftrace 0.20–0.26 write with --emit-elf (a
// compile-only mode in those releases). Load parses it with cilium/ebpf,
// gives each program the type bpftrace would (the ELF's section names,
// s_<attach point>_<probe index>, mean nothing to libbpf conventions), sets
// the CPU-dependent constants and buffers as bpftrace does before loading,
// creates the maps once and then loads the programs one by one. It never
// attaches anything: every program is closed as soon as the verifier has
// judged it, and the maps when Load returns. Loading needs CAP_BPF and
// CAP_PERFMON (or root); without them Load says so with ErrNoPrivilege.
//
// bpftrace 0.20–0.23 emit BTF line info that points at line 0 of a file
// called bpftrace.bpf.o: the verifier's failing instruction cannot be
// traced to a line of the script, only to its probe, which the program's
// name gives (see locate). From 0.24 on the line info carries script lines
// and a rejection is placed at the failing statement.
//
// ParseLog reads a verifier log on its own, without a kernel.
package kverify
