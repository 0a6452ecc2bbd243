package kverify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cilium/ebpf"

	"github.com/kenlsp/ken/analysis/source"
)

// Errors that stop Load as a whole. Load wraps them; match with errors.Is.
var (
	// ErrNoPrivilege: this process may not load tracing programs. The error
	// is a *PrivilegeError, which says what is missing.
	ErrNoPrivilege = errors.New("loading programs into the kernel verifier needs privileges")
	// ErrInvalidELF: the bytes are not an eBPF ELF with bpftrace probes.
	ErrInvalidELF = errors.New("not a bpftrace ELF")
	// ErrOldELF: the ELF comes from bpftrace before 0.20, which refers to
	// maps by the numbers of file descriptors it had open while compiling,
	// so that nothing else can load it.
	ErrOldELF = errors.New("not a libbpf-style ELF: bpftrace 0.20 or newer needed")
)

// ErrUnsupported is wrapped by Program.Err when the kernel cannot load a
// program of that kind at all, so that its verifier never judged it (for
// example fentry programs on a kernel without BPF trampolines).
var ErrUnsupported = errors.New("the kernel cannot load this kind of program")

// Report is the kernel verifier's verdict on every probe program of one
// ELF.
type Report struct {
	// Programs are in bpftrace's probe order: by Index, then by Name.
	Programs []Program
	// Elapsed is the wall-clock time of the whole of Load.
	Elapsed time.Duration
}

// Accepted reports whether the verifier accepted every program.
func (r *Report) Accepted() bool {
	for _, p := range r.Programs {
		if !p.Loaded {
			return false
		}
	}
	return true
}

// Program is what happened to one program, the code of one attach point
// of one probe. Exactly one of Loaded, Rejection and Err is set.
type Program struct {
	// Name is the program's name in the ELF ("kprobe_vfs_read_2") and
	// Section its section ("s_kprobe_vfs_read_2").
	Name, Section string
	// Kind is the probe's provider in its long form: "kprobe",
	// "tracepoint", "BEGIN", "fentry", ...; "" when the name does not say.
	Kind string
	// Index is bpftrace's 1-based probe number from the name, 0 unknown.
	// Probes count in source order; all attach points of a probe share
	// one, except when bpftrace expands them apart (as the probe builtin
	// makes it do).
	Index int
	// Probe is the attach point as written in the source ("k:vfs_read",
	// "tracepoint:syscalls:sys_enter_open*"); "" without the source, or
	// when the source has no probe that the program can come from.
	Probe string
	// Line and Column are the 1-based position of that attach point in the
	// source, 0 when unknown.
	Line, Column int
	// Type is the program type it was loaded as.
	Type ebpf.ProgramType

	// Insns is the program's size in instructions, as the kernel counts
	// them (a 64-bit immediate load takes two).
	Insns int
	// Processed is the number of instructions the verifier walked, every
	// path and loop iteration counted; the kernel's limit is 1,000,000.
	Processed int
	// StackDepth is the largest stack frame of any of the program's
	// functions, in bytes; the kernel allows 512.
	StackDepth int
	// VerifyTime is the verifier's own measurement; LoadTime is the wall
	// clock of the load that produced the verdict, system call included.
	VerifyTime, LoadTime time.Duration
	// JitedBytes is the size of the machine code, 0 when unknown.
	JitedBytes int

	// Loaded is true when the verifier accepted the program.
	Loaded bool
	// Rejection is the verifier's refusal; nil when it did not refuse.
	Rejection *Rejection
	// Err is why the program could not be put to the verifier at all,
	// wrapping ErrUnsupported when the kernel lacks what it needs.
	Err error
}

// Rejection is a verifier refusal of one program.
type Rejection struct {
	// Message is the verifier's complaint ("invalid bpf_context access
	// off=200 size=8", "BPF program is too large. Processed 1000001 insn"),
	// possibly several lines.
	Message string
	// Insn is the failing instruction's index as the kernel counts, which
	// is the raw offset in the program's instructions; -1 when unknown.
	Insn int
	// Line and Column locate the failure in the source: the failing
	// instruction's line when the ELF carries source lines (Exact),
	// otherwise the program's probe. 0 when unknown.
	Line, Column int
	// Exact is true when Line comes from line info rather than the probe.
	// bpftrace emits real line info from 0.24 on; 0.20–0.23 do not.
	Exact bool
	// Log is the verifier's log: instruction by instruction for programs
	// it rejected within 100,000 instructions, else only the message and
	// statistics; nil when the kernel wrote none.
	Log []string
}

// planned is a program on its way through Load.
type planned struct {
	Program
	spec *ebpf.ProgramSpec
	sec  section
}

// Load puts every probe program of a bpftrace ELF (bpftrace 0.20–0.26
// --emit-elf) to the running kernel's verifier, one program at a time, and
// reports the verdicts and costs. It loads programs and maps only, never
// attaches anything, and closes everything before returning.
//
// src is the program's source, or nil: with it, each program is placed at
// the line of its probe. Load returns an error wrapping ErrInvalidELF,
// ErrOldELF or ErrNoPrivilege (a *PrivilegeError) when it could not ask
// the verifier at all, and ctx's error when ctx ends between two programs;
// a verifier rejection is not an error but part of the Report.
func Load(ctx context.Context, elf []byte, src *source.File) (*Report, error) {
	start := time.Now()
	spec, err := readELF(elf)
	if err != nil {
		return nil, fmt.Errorf("kverify: %w", err)
	}
	programs := plan(spec, src)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if missing := missingCapabilities(); len(missing) > 0 {
		return nil, fmt.Errorf("kverify: %w", &PrivilegeError{Missing: missing})
	}
	if err := verify(ctx, spec, programs); err != nil {
		return nil, fmt.Errorf("kverify: %w", err)
	}
	r := &Report{Programs: make([]Program, len(programs)), Elapsed: time.Since(start)}
	for i, p := range programs {
		r.Programs[i] = p.Program
	}
	return r, nil
}

// plan describes spec's probe programs, in order, placed in src when
// given, without touching the kernel.
func plan(spec *ebpf.CollectionSpec, src *source.File) []*planned {
	modern := isModern(spec)
	var programs []*planned
	for _, ps := range spec.Programs {
		if !strings.HasPrefix(ps.SectionName, sectionPrefix) {
			continue
		}
		sec := parseSection(ps.SectionName, modern)
		programs = append(programs, &planned{
			Program: Program{
				Name: ps.Name, Section: ps.SectionName, Kind: sec.prov.kind,
				Index: sec.index, Type: sec.prov.typ, Insns: insnCount(ps.Instructions),
			},
			spec: ps,
			sec:  sec,
		})
	}
	slices.SortFunc(programs, func(a, b *planned) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), cmp.Compare(a.Name, b.Name))
	})
	if src != nil {
		locate(programs, src, modern)
	}
	for _, p := range programs {
		if !p.sec.known {
			p.Err = fmt.Errorf("%w: cannot tell the probe type of section %s", ErrUnsupported, p.Section)
		}
	}
	return programs
}

// verify sets spec up as bpftrace would on this machine and loads its
// programs.
func verify(ctx context.Context, spec *ebpf.CollectionSpec, programs []*planned) error {
	ncpus, err := ebpf.PossibleCPU()
	if err != nil {
		return fmt.Errorf("counting the possible CPUs: %w", err)
	}
	fixup(spec, ncpus)
	raiseMemlock()
	l, err := newLoader(spec)
	if err != nil {
		return err
	}
	defer l.Close()
	return l.judgeAll(ctx, programs)
}
