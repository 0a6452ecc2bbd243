package kernel

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

// fentryTarget is the function the fentry probe names as its target. Any
// traceable BTF function would do; this one exists since BTF does and is
// the one the kernel's own BPF selftests trace.
const fentryTarget = "vfs_read"

// probeFeatures asks the running kernel what it supports. Every probe only
// loads programs or creates links that the kernel must refuse; none
// attaches anything that could run. Probes that fail for another reason
// than "unsupported" leave the feature false and add a note.
func (k *Kernel) probeFeatures() probeResult {
	var p probeResult
	syms := make(chan []string, 1)
	go func() { syms <- k.kallsyms() }() // reading kallsyms is slow; overlap it
	p.features.Fentry = p.probe("fentry", probeFentry)
	p.features.KallsymsData = hasDataSymbols(<-syms)
	if !p.features.KallsymsData {
		p.notes = append(p.notes, "/proc/kallsyms lists no variables (kernel built without CONFIG_KALLSYMS_ALL, or not readable)")
	}
	return p
}

// probe runs one feature test; a nil error means supported.
func (p *probeResult) probe(name string, test func() error) bool {
	err := test()
	if err != nil {
		p.notes = append(p.notes, fmt.Sprintf("%s unsupported: %s", name, probeError(err)))
	}
	return err == nil
}

// probeError words a probe's failure. A bare errno is clearer than
// cilium/ebpf's message for it, which guesses at causes (a low MEMLOCK
// limit, a kernel older than the feature) that rarely apply here.
func probeError(err error) string {
	var errno syscall.Errno
	if errors.Is(err, ebpf.ErrNotSupported) {
		return "the kernel does not offer it"
	}
	if errors.As(err, &errno) {
		return fmt.Sprintf("the kernel refused the test program (%v)", errno)
	}
	return err.Error()
}

// probeFentry loads, and never attaches, a minimal fentry program
// ("return 0") on a BTF function. The load is what fails where fentry is
// unusable: no BTF, no BPF trampoline for the architecture, or a kernel
// that refuses tracing programs (EPERM, as under lockdown).
func probeFentry() error {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name:         "ken_fentry",
		Type:         ebpf.Tracing,
		AttachType:   ebpf.AttachTraceFEntry,
		AttachTo:     fentryTarget,
		License:      "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		return err
	}
	return prog.Close()
}
