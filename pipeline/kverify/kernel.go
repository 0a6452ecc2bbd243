package kverify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
	"golang.org/x/sys/unix"
)

// detailLimit bounds the second, detailed load of a rejected program. That
// load logs every instruction the verifier walks, about 70 bytes each: up
// to this many instructions the log stays under 10 MB and takes well under
// a second; beyond, as when the verifier gives up after a million, the
// failing instruction means little anyway.
const detailLimit = 100_000

// efaultMessage explains the one rejection that comes without a log.
const efaultMessage = "the verifier stopped with an internal error (EFAULT) and wrote no log; " +
	"Linux 6.x does that for loops of very many iterations (from about 30,000 on): lower the loop bound"

// loader loads a CollectionSpec's programs one at a time against maps
// created once. One program per load means that one rejection does not hide
// the verdicts and costs of the others, and that each load time is that
// program's own.
type loader struct {
	spec   *ebpf.CollectionSpec
	maps   *ebpf.Collection
	cache  *btf.Cache
	kernel *btf.Spec // kernel BTF for Tracing attach targets; nil unknown
}

// newLoader creates spec's maps (and freezes its read-only data).
func newLoader(spec *ebpf.CollectionSpec) (*loader, error) {
	onlyMaps := *spec
	onlyMaps.Programs = nil
	cache := btf.NewCache()
	maps, err := ebpf.NewCollectionWithOptions(&onlyMaps, ebpf.CollectionOptions{Cache: cache})
	if errors.Is(err, unix.EPERM) {
		return nil, refusal("to create the maps")
	}
	if err != nil {
		return nil, fmt.Errorf("creating the maps: %w", err)
	}
	return &loader{spec: spec, maps: maps, cache: cache}, nil
}

// refusal is the kernel's EPERM as a PrivilegeError. cilium/ebpf's own
// error would add that MEMLOCK may be too low, which misleads on the
// kernels since 5.11 that do not count BPF memory against it, and which
// raiseMemlock handles on the older ones.
func refusal(what string) error {
	return &PrivilegeError{Err: fmt.Errorf("the kernel refused %s: %w", what, unix.EPERM)}
}

// Close releases the maps.
func (l *loader) Close() { l.maps.Close() }

// judgeAll puts each program that can be to the verifier, in order. It
// stops at a privilege error, which every other program would repeat, and
// between programs when ctx is done; a single load cannot be interrupted.
func (l *loader) judgeAll(ctx context.Context, programs []*planned) error {
	for _, p := range programs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p.Err != nil {
			continue
		}
		if err := l.judge(p); err != nil {
			return err
		}
	}
	return nil
}

// judge loads p once with statistics only, which is cheap; a rejected
// program is loaded again with the instruction-level log to find where.
func (l *loader) judge(p *planned) error {
	ps := p.spec.Copy()
	ps.Type, ps.AttachType = p.sec.prov.typ, p.sec.prov.attach
	if ps.Type == ebpf.Tracing {
		ps.AttachTo = attachTarget(p.sec, l.kernelTypes())
	}
	begin := time.Now()
	prog, err := l.load(ps, ebpf.ProgramOptions{LogLevel: ebpf.LogLevelStats})
	p.LoadTime = time.Since(begin)
	if err == nil {
		defer prog.Close()
		p.accept(prog)
		return nil
	}
	return l.refused(p, ps, err)
}

// load loads ps against the maps it uses, and nothing else.
func (l *loader) load(ps *ebpf.ProgramSpec, opts ebpf.ProgramOptions) (*ebpf.Program, error) {
	one := &ebpf.CollectionSpec{
		Maps:      make(map[string]*ebpf.MapSpec),
		Programs:  map[string]*ebpf.ProgramSpec{ps.Name: ps},
		Types:     l.spec.Types,
		ByteOrder: l.spec.ByteOrder,
	}
	replacements := make(map[string]*ebpf.Map)
	for _, ins := range ps.Instructions {
		name := ins.Reference()
		if !ins.IsLoadFromMap() || name == "" || l.maps.Maps[name] == nil {
			continue
		}
		one.Maps[name] = l.spec.Maps[name]
		replacements[name] = l.maps.Maps[name]
	}
	coll, err := ebpf.NewCollectionWithOptions(one, ebpf.CollectionOptions{
		Programs:        opts,
		MapReplacements: replacements,
		Cache:           l.cache,
	})
	if err != nil {
		return nil, err
	}
	defer coll.Close()
	return coll.DetachProgram(ps.Name), nil
}

// kernelTypes returns the kernel's BTF, loaded once; nil when there is
// none, and attach targets are then guessed from names alone.
func (l *loader) kernelTypes() *btf.Spec {
	if l.kernel == nil {
		l.kernel, _ = l.cache.Kernel()
	}
	return l.kernel
}

// accept records the verifier's statistics for a loaded program.
func (p *planned) accept(prog *ebpf.Program) {
	sum := ParseLog(strings.Split(prog.VerifierLog, "\n"))
	p.Loaded = true
	p.Processed, p.StackDepth, p.VerifyTime = sum.Processed, sum.StackDepth(), sum.VerifyTime
	info, err := prog.Info()
	if err != nil {
		return
	}
	if n, ok := info.VerifiedInstructions(); ok && p.Processed == 0 {
		p.Processed = int(n)
	}
	if n, err := info.JitedSize(); err == nil {
		p.JitedBytes = int(n)
	}
}

// refused sorts out why the kernel did not load ps. It returns an error
// only when nothing else can load either.
func (l *loader) refused(p *planned, ps *ebpf.ProgramSpec, err error) error {
	var verr *ebpf.VerifierError
	switch {
	case errors.Is(err, unix.EFAULT):
		p.Rejection = &Rejection{Message: efaultMessage, Insn: -1, Line: p.Line, Column: p.Column}
	case errors.As(err, &verr) && len(verr.Log) > 0:
		p.reject(l.detail(ps, verr.Log), ps)
	case errors.Is(err, unix.EPERM) && ps.Type == ebpf.Tracing:
		// The kernel let this process create the maps: it lacks what these
		// programs need (fentry and fexit need BPF trampolines), not
		// privileges. cilium/ebpf's hint about MEMLOCK would mislead here.
		p.Err = fmt.Errorf("%w: it answers EPERM to %s programs although it accepts this process's maps", ErrUnsupported, p.Kind)
	case errors.Is(err, unix.EPERM):
		return refusal("to load " + p.Name)
	case errors.Is(err, ebpf.ErrNotSupported):
		p.Err = fmt.Errorf("%w: %w", ErrUnsupported, err)
	case errors.As(err, &verr):
		p.Rejection = &Rejection{
			Message: fmt.Sprintf("the kernel refused the program without a log (%v)", verr.Cause),
			Insn:    -1, Line: p.Line, Column: p.Column,
		}
	default:
		p.Err = err
	}
	return nil
}

// detail loads ps again with the instruction-level log, when that is
// affordable, and returns the better of the two logs.
func (l *loader) detail(ps *ebpf.ProgramSpec, statsLog []string) []string {
	processed := ParseLog(statsLog).Processed
	if processed > detailLimit {
		return statsLog
	}
	prog, err := l.load(ps, ebpf.ProgramOptions{
		LogLevel: ebpf.LogLevelBranch | ebpf.LogLevelStats,
		// Room for the whole log at once: a retry would verify it again.
		LogSizeStart: uint32(processed*100 + 64<<10),
	})
	if err == nil {
		// The verifier is deterministic; this would be a kernel surprise.
		prog.Close()
		return statsLog
	}
	var verr *ebpf.VerifierError
	if errors.As(err, &verr) && len(verr.Log) > 0 {
		return verr.Log
	}
	return statsLog
}

// reject records a verifier rejection and where in the source it is: the
// failing instruction's line info when the ELF has real lines (bpftrace
// 0.24 and newer), else the line the kernel's log names, else the probe.
func (p *planned) reject(log []string, ps *ebpf.ProgramSpec) {
	sum := ParseLog(log)
	p.Processed, p.StackDepth, p.VerifyTime = sum.Processed, sum.StackDepth(), sum.VerifyTime
	r := &Rejection{Message: sum.Message, Insn: sum.Insn, Log: log, Line: p.Line, Column: p.Column}
	if r.Message == "" {
		r.Message = "the verifier rejected the program"
	}
	if line := sourceAt(ps.Instructions, sum.Insn); sum.Insn >= 0 && line != nil && line.LineNumber() > 0 {
		r.Line, r.Column, r.Exact = int(line.LineNumber()), int(line.LineColumn()), true
	} else if sum.Line > 0 {
		r.Line, r.Column, r.Exact = sum.Line, 0, true
	}
	p.Rejection = r
}
