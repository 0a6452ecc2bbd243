package kverify

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
)

// sectionPrefix starts the name of every section that holds a probe's
// program, in every bpftrace release since the ELF output exists.
const sectionPrefix = "s_"

// readELF parses a bpftrace ELF into a spec without touching the kernel. It
// refuses what it cannot load faithfully: bytes that are not an eBPF ELF
// (ErrInvalidELF) and the ELF of bpftrace before 0.20 (ErrOldELF).
func readELF(elf []byte) (spec *ebpf.CollectionSpec, err error) {
	if len(elf) == 0 {
		// bpftrace leaves an empty file when LLVM fails after it opened it.
		return nil, fmt.Errorf("%w: the file is empty", ErrInvalidELF)
	}
	defer func() {
		// The parser is a third party's and the bytes are untrusted: a bug
		// there must cost one diagnostic, not the language server.
		if r := recover(); r != nil {
			spec, err = nil, fmt.Errorf("%w: %v", ErrInvalidELF, r)
		}
	}()
	spec, err = ebpf.LoadCollectionSpecFromReader(bytes.NewReader(elf))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidELF, err)
	}
	if err := checkBpftraceELF(spec); err != nil {
		return nil, err
	}
	return spec, nil
}

// checkBpftraceELF makes sure spec is a libbpf-style ELF from bpftrace: one
// with probe sections whose map references are symbols, not the numbers of
// file descriptors that bpftrace before 0.20 baked into its code.
func checkBpftraceELF(spec *ebpf.CollectionSpec) error {
	probes := 0
	for _, ps := range spec.Programs {
		if !strings.HasPrefix(ps.SectionName, sectionPrefix) {
			continue
		}
		probes++
		for _, ins := range ps.Instructions {
			if ins.IsLoadFromMap() && ins.Reference() == "" {
				return fmt.Errorf("%w: section %s refers to maps by file descriptor", ErrOldELF, ps.SectionName)
			}
		}
	}
	if probes == 0 {
		return fmt.Errorf("%w: no bpftrace probe sections (%s*)", ErrInvalidELF, sectionPrefix)
	}
	return nil
}

// provider is what a probe provider means at load time.
type provider struct {
	kind   string // the provider's canonical name, as Program.Kind
	typ    ebpf.ProgramType
	attach ebpf.AttachType
	// btfPrefix and btfKind name the kernel BTF type that a Tracing
	// program's AttachTo refers to: the attach point with this prefix.
	btfPrefix string
	btfKind   func(btf.Type) bool
	// fromStart is true when the attach target leads the rest of the
	// name (iter:task:PIN), false when it ends it (fentry:MODULE:func).
	fromStart bool
}

func isFunc(t btf.Type) bool    { _, ok := t.(*btf.Func); return ok }
func isTypedef(t btf.Type) bool { _, ok := t.(*btf.Typedef); return ok }

// providers maps every provider name and alias of bpftrace 0.20–0.26 to the
// program type bpftrace loads it as (progtype() in its attached_probe.cpp).
// BEGIN, END and self are raw tracepoint programs that bpftrace runs with
// BPF_PROG_TEST_RUN (they stopped being uprobes in bpftrace 0.16).
var providers = func() map[string]provider {
	tracing := func(kind string, attach ebpf.AttachType, prefix string, match func(btf.Type) bool, fromStart bool) provider {
		return provider{kind, ebpf.Tracing, attach, prefix, match, fromStart}
	}
	byKind := []struct {
		p       provider
		aliases []string
	}{
		{provider{kind: "BEGIN", typ: ebpf.RawTracepoint}, []string{"begin"}},
		{provider{kind: "END", typ: ebpf.RawTracepoint}, []string{"end"}},
		{provider{kind: "self", typ: ebpf.RawTracepoint}, nil},
		{provider{kind: "test", typ: ebpf.XDP}, nil},
		{provider{kind: "bench", typ: ebpf.XDP}, nil},
		{provider{kind: "kprobe", typ: ebpf.Kprobe}, []string{"k"}},
		{provider{kind: "kretprobe", typ: ebpf.Kprobe}, []string{"kr"}},
		{provider{kind: "uprobe", typ: ebpf.Kprobe}, []string{"u"}},
		{provider{kind: "uretprobe", typ: ebpf.Kprobe}, []string{"ur"}},
		{provider{kind: "usdt", typ: ebpf.Kprobe}, []string{"U"}},
		{provider{kind: "tracepoint", typ: ebpf.TracePoint}, []string{"t"}},
		{provider{kind: "rawtracepoint", typ: ebpf.RawTracepoint}, []string{"rt"}},
		{provider{kind: "profile", typ: ebpf.PerfEvent}, []string{"p"}},
		{provider{kind: "interval", typ: ebpf.PerfEvent}, []string{"i"}},
		{provider{kind: "software", typ: ebpf.PerfEvent}, []string{"s"}},
		{provider{kind: "hardware", typ: ebpf.PerfEvent}, []string{"h"}},
		{provider{kind: "watchpoint", typ: ebpf.PerfEvent}, []string{"w"}},
		{provider{kind: "asyncwatchpoint", typ: ebpf.PerfEvent}, []string{"aw"}},
		{tracing("fentry", ebpf.AttachTraceFEntry, "", isFunc, false), []string{"f", "kfunc"}},
		{tracing("fexit", ebpf.AttachTraceFExit, "", isFunc, false), []string{"fr", "kretfunc"}},
		{tracing("iter", ebpf.AttachTraceIter, "bpf_iter_", isFunc, true), []string{"it"}},
	}
	m := make(map[string]provider)
	for _, k := range byKind {
		m[k.p.kind] = k.p
		for _, a := range k.aliases {
			m[a] = k.p
		}
	}
	return m
}()

// rawTracepointBTF is how bpftrace 0.24 and newer load rawtracepoint
// probes: as BTF-typed tracing programs, whose arguments are typed
// pointers, rather than raw tracepoint programs with plain u64 arguments.
var rawTracepointBTF = provider{"rawtracepoint", ebpf.Tracing, ebpf.AttachTraceRawTp, "btf_trace_", isTypedef, false}

// section is what a probe section's name says: the probe index and the
// provider, and the rest of the attach point, sanitised as bpftrace does.
type section struct {
	base  string // the sanitised name without the index: "kprobe_vfs_read"
	index int    // the 1-based probe index bpftrace numbers programs by; 0 unknown
	known bool   // the provider is known
	prov  provider
	rest  string // the attach point after the provider: "vfs_read"
}

// parseSection splits a section name such as s_kprobe_vfs_read_2 or (from
// bpftrace 0.20, which does not sanitise section names) s_kprobe:vfs_read_2.
// modern selects the program types of bpftrace 0.24 and newer.
func parseSection(name string, modern bool) section {
	s := section{base: sanitize(strings.TrimPrefix(name, sectionPrefix))}
	if i := strings.LastIndexByte(s.base, '_'); i > 0 {
		if n, err := strconv.Atoi(s.base[i+1:]); err == nil && n > 0 {
			s.base, s.index = s.base[:i], n
		}
	}
	// usdt probes found at several places in a binary get one program per
	// place, named ..._locN_INDEX.
	if i := strings.LastIndex(s.base, "_loc"); i > 0 && isDigits(s.base[i+4:]) {
		s.base = s.base[:i]
	}
	name, rest, _ := strings.Cut(s.base, "_")
	s.prov, s.known = providers[name]
	s.rest = rest
	switch {
	case !s.known:
	case strings.HasSuffix(rest, "_wp_setup"):
		// A watchpoint's setup program is a probe on the function that
		// gives the watched address.
		s.rest = strings.TrimSuffix(rest, "_wp_setup")
		s.prov.typ = ebpf.Kprobe
	case modern && s.prov.kind == "rawtracepoint":
		s.prov = rawTracepointBTF
	}
	return s
}

// sanitize replaces what cannot be in a kernel program name, as bpftrace's
// sanitise_bpf_program_name does: everything but letters, digits and '_'.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !isAlnum(c) && c != '_' {
			b[i] = '_'
		}
	}
	return string(b)
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isModern reports whether spec comes from bpftrace 0.24 or newer, whose
// rawtracepoint programs load differently. Those releases prefix their
// global variables with "__bt__" and emit line info with real source lines;
// earlier ones do neither.
func isModern(spec *ebpf.CollectionSpec) bool {
	for name := range spec.Variables {
		if strings.HasPrefix(name, "__bt__") {
			return true
		}
	}
	for _, ps := range spec.Programs {
		for _, ins := range ps.Instructions {
			if l, ok := ins.Source().(*btf.Line); ok && l.LineNumber() > 0 {
				return true
			}
		}
	}
	return false
}

// attachTarget names the kernel function, iterator or tracepoint that a
// Tracing program is for, which the kernel needs at load time. The name has
// lost its colons, and module names and function names both contain
// underscores, so the candidates are tried against the kernel's BTF, longest
// first; without BTF the whole rest is the best guess.
func attachTarget(s section, kernel *btf.Spec) string {
	words := strings.Split(s.rest, "_")
	candidates := make([]string, 0, len(words))
	for n := len(words); n > 0; n-- {
		if s.prov.fromStart {
			candidates = append(candidates, strings.Join(words[:n], "_"))
		} else {
			candidates = append(candidates, strings.Join(words[len(words)-n:], "_"))
		}
	}
	if kernel != nil {
		for _, c := range candidates {
			types, err := kernel.AnyTypesByName(s.prov.btfPrefix + c)
			if err == nil && slices.ContainsFunc(types, s.prov.btfKind) {
				return c
			}
		}
	}
	return s.rest
}

// insnCount is the size of a program as the kernel counts instructions:
// a 64-bit immediate load takes two slots.
func insnCount(insns asm.Instructions) int {
	return int(insns.Size() / asm.InstructionSize)
}

// sourceAt returns the line info in effect at raw instruction offset insn:
// cilium/ebpf attaches each line info entry to the first instruction it
// covers only.
func sourceAt(insns asm.Instructions, insn int) *btf.Line {
	var line *btf.Line
	iter := insns.Iterate()
	for iter.Next() && int(iter.Offset) <= insn {
		if l, ok := iter.Ins.Source().(*btf.Line); ok {
			line = l
		}
	}
	return line
}
