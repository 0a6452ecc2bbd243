package kverify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf"

	"github.com/kenlsp/ken/analysis/source"
)

// requireBPF skips the test unless this process may load tracing programs;
// with KEN_REQUIRE_KERNEL set it fails instead, so that CI cannot pass by
// skipping.
func requireBPF(t testing.TB) {
	t.Helper()
	missing := missingCapabilities()
	if len(missing) == 0 {
		return
	}
	reason := "loading BPF programs needs root or " + strings.Join(missing, " and ")
	if os.Getenv("KEN_REQUIRE_KERNEL") != "" {
		t.Fatalf("KEN_REQUIRE_KERNEL is set but %s", reason)
	}
	t.Skip(reason)
}

// fixture returns a committed ELF and the source it was compiled from.
func fixture(t testing.TB, name string) ([]byte, *source.File) {
	t.Helper()
	elf, err := os.ReadFile(filepath.Join("testdata", name+".o"))
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join("testdata", name+".bt"))
	if err != nil {
		t.Fatal(err)
	}
	return elf, source.NewFile(name+".bt", text)
}

// lineOf returns the 1-based line of src that starts with prefix.
func lineOf(t testing.TB, src *source.File, prefix string) int {
	t.Helper()
	for i, line := range strings.Split(string(src.Text), "\n") {
		if strings.HasPrefix(line, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line of %s starts with %q", src.Name, prefix)
	return 0
}

// load runs Load on a fixture and fails the test on an error.
func load(t testing.TB, name string) (*Report, *source.File) {
	t.Helper()
	requireBPF(t)
	elf, src := fixture(t, name)
	r, err := Load(context.Background(), elf, src)
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return r, src
}

// program returns the report's program called name.
func program(t testing.TB, r *Report, name string) Program {
	t.Helper()
	for _, p := range r.Programs {
		if p.Name == name {
			return p
		}
	}
	var names []string
	for _, p := range r.Programs {
		names = append(names, p.Name)
	}
	t.Fatalf("no program %s in %v", name, names)
	return Program{}
}

// rejected returns the rejection of the report's program called name.
func rejected(t testing.TB, r *Report, name string) *Rejection {
	t.Helper()
	p := program(t, r, name)
	if p.Loaded || p.Rejection == nil || p.Err != nil {
		t.Fatalf("%s was not rejected: loaded %v, err %v", name, p.Loaded, p.Err)
	}
	return p.Rejection
}

func TestLoadAccepted(t *testing.T) {
	r, src := load(t, "pass")
	want := []struct {
		name, kind, probe string
		typ               ebpf.ProgramType
	}{
		{"BEGIN_1", "BEGIN", "BEGIN", ebpf.RawTracepoint},
		{"kprobe_do_sys_openat2_2", "kprobe", "kprobe:do_sys_openat2", ebpf.Kprobe},
		{"tracepoint_syscalls_sys_enter_openat_3", "tracepoint", "tracepoint:syscalls:sys_enter_openat", ebpf.TracePoint},
		{"interval_s_5_4", "interval", "interval:s:5", ebpf.PerfEvent},
		{"END_5", "END", "END", ebpf.RawTracepoint},
	}
	if len(r.Programs) != len(want) {
		t.Fatalf("%d programs, want %d: %+v", len(r.Programs), len(want), r.Programs)
	}
	for i, w := range want {
		p := r.Programs[i]
		if p.Name != w.name || p.Kind != w.kind || p.Probe != w.probe || p.Type != w.typ || p.Index != i+1 {
			t.Errorf("program %d = %s %s %q %v #%d, want %s %s %q %v #%d", i, p.Name, p.Kind, p.Probe, p.Type, p.Index, w.name, w.kind, w.probe, w.typ, i+1)
		}
		if line := lineOf(t, src, w.probe); p.Line != line || p.Column != 1 {
			t.Errorf("%s at %d:%d, want %d:1", p.Name, p.Line, p.Column, line)
		}
		if !p.Loaded || p.Rejection != nil || p.Err != nil {
			t.Errorf("%s: loaded %v, rejection %+v, err %v", p.Name, p.Loaded, p.Rejection, p.Err)
		}
		if p.Processed <= 0 || p.Insns <= 0 || p.Processed > 1_000_000 || p.StackDepth <= 0 || p.StackDepth > 512 ||
			p.LoadTime <= 0 || p.VerifyTime <= 0 || p.JitedBytes <= 0 {
			t.Errorf("%s: implausible costs %+v", p.Name, p)
		}
	}
	if !r.Accepted() || r.Elapsed <= 0 {
		t.Errorf("Accepted() = %v, Elapsed = %v", r.Accepted(), r.Elapsed)
	}
	// The string buffers were sized for this machine's CPUs, as bpftrace
	// does: the tracepoint's per-CPU paths are verified, not skipped.
	if tp := r.Programs[2]; tp.Processed < tp.Insns {
		t.Errorf("the tracepoint: %d instructions processed of %d", tp.Processed, tp.Insns)
	}
}

func TestLoadRejectedContextAccess(t *testing.T) {
	r, src := load(t, "ctx")
	if r.Accepted() {
		t.Fatal("accepted a program that reads past the end of pt_regs")
	}
	// The good probe still loads: programs are loaded one by one.
	if good := program(t, r, "kprobe_do_nanosleep_1"); !good.Loaded || good.Processed == 0 {
		t.Errorf("the first probe: %+v", good)
	}
	rej := rejected(t, r, "kprobe_hrtimer_nanosleep_2")
	if rej.Message != "invalid bpf_context access off=200 size=8" {
		t.Errorf("message %q", rej.Message)
	}
	if want := lineOf(t, src, "kprobe:hrtimer_nanosleep"); rej.Line != want || rej.Column != 1 || rej.Exact {
		t.Errorf("rejection at %d:%d (exact %v), want the probe's line %d:1", rej.Line, rej.Column, rej.Exact, want)
	}
	// The second, detailed load gives the instruction-level log.
	if log := strings.Join(rej.Log, "\n"); !strings.Contains(log, "(79) r1 = *(u64 *)(r1 +200)") {
		t.Errorf("log without the failing instruction:\n%s", log)
	}
	// The kernel's instruction index is the raw offset in the spec: the
	// instruction there is the load at offset 200 from the context.
	spec := readFixture(t, "ctx")
	iter := spec.Programs["kprobe_hrtimer_nanosleep_2"].Instructions.Iterate()
	found := false
	for iter.Next() {
		if int(iter.Offset) == rej.Insn {
			found = true
			if iter.Ins.Offset != 200 || !iter.Ins.OpCode.Class().IsLoad() {
				t.Errorf("instruction %d is %v, want a load at offset 200", rej.Insn, iter.Ins)
			}
		}
	}
	if !found {
		t.Errorf("no instruction at raw offset %d", rej.Insn)
	}
}

func TestLoadRejectedUnboundedLoop(t *testing.T) {
	r, src := load(t, "loop")
	if begin := program(t, r, "BEGIN_1"); !begin.Loaded {
		t.Errorf("BEGIN: %+v", begin)
	}
	p := program(t, r, "kprobe_do_nanosleep_2")
	rej := rejected(t, r, p.Name)
	if rej.Message != "BPF program is too large. Processed 1000001 insn" || p.Processed != 1_000_001 {
		t.Errorf("message %q, %d processed", rej.Message, p.Processed)
	}
	// Past the detail limit no second load is made: the log is the short one.
	if rej.Insn != -1 || len(rej.Log) > 10 {
		t.Errorf("insn %d, %d log lines; want no detailed load", rej.Insn, len(rej.Log))
	}
	if want := lineOf(t, src, "kprobe:do_nanosleep"); rej.Line != want {
		t.Errorf("rejection at line %d, want %d", rej.Line, want)
	}
}

func TestLoadRejectedEFAULT(t *testing.T) {
	r, src := load(t, "efault")
	rej := rejected(t, r, "BEGIN_1")
	if rej.Message != efaultMessage || rej.Log != nil || rej.Insn != -1 {
		t.Errorf("rejection %+v", rej)
	}
	if want := lineOf(t, src, "BEGIN"); rej.Line != want {
		t.Errorf("rejection at line %d, want %d", rej.Line, want)
	}
}

func TestLoadLineInfo(t *testing.T) {
	r, src := load(t, "lines")
	if good := program(t, r, "kprobe_do_nanosleep_1"); !good.Loaded {
		t.Errorf("the first probe: %+v", good)
	}
	rej := rejected(t, r, "kprobe_hrtimer_nanosleep_2")
	// The failing statement, not the probe: "@x = ((struct big *)ctx)->x".
	line := lineOf(t, src, "  @x = ")
	if rej.Line != line || rej.Column != 8 || !rej.Exact || rej.Insn != 1 {
		t.Errorf("rejection at %d:%d exact %v insn %d, want %d:8 exact, insn 1", rej.Line, rej.Column, rej.Exact, rej.Insn, line)
	}
}

func TestLoadKinds(t *testing.T) {
	r, _ := load(t, "kinds")
	types := map[string]ebpf.ProgramType{
		"BEGIN": ebpf.RawTracepoint, "END": ebpf.RawTracepoint,
		"kprobe": ebpf.Kprobe, "kretprobe": ebpf.Kprobe, "uprobe": ebpf.Kprobe, "uretprobe": ebpf.Kprobe,
		"tracepoint": ebpf.TracePoint, "rawtracepoint": ebpf.RawTracepoint,
		"profile": ebpf.PerfEvent, "interval": ebpf.PerfEvent, "software": ebpf.PerfEvent, "hardware": ebpf.PerfEvent,
		"iter": ebpf.Tracing,
	}
	for _, p := range r.Programs {
		if !p.Loaded || p.Type != types[p.Kind] || p.Line == 0 {
			t.Errorf("%s (%s as %v, line %d): loaded %v, rejection %+v, err %v", p.Name, p.Kind, p.Type, p.Line, p.Loaded, p.Rejection, p.Err)
		}
	}
	if len(r.Programs) != 29 {
		t.Errorf("%d programs, want 29", len(r.Programs))
	}
}

// TestLoadFentry turns a program of pass.o into an fentry program. This
// kernel has no BPF trampolines: the program cannot be judged, which must
// not stop the others. An attach target the kernel does not have is the
// same, on every kernel.
func TestLoadFentry(t *testing.T) {
	requireBPF(t)
	tests := []struct {
		section string
		always  bool // unsupported everywhere, not only here
	}{
		{"s_fentry_do_sys_openat2_2", false},
		{"s_fentry_no_such_kernel_function_2", true},
	}
	for _, tt := range tests {
		t.Run(tt.section, func(t *testing.T) {
			spec := readFixture(t, "pass")
			spec.Programs["kprobe_do_sys_openat2_2"].SectionName = tt.section
			programs := plan(spec, nil)
			if err := verify(context.Background(), spec, programs); err != nil {
				t.Fatal(err)
			}
			for _, p := range programs {
				switch {
				case p.Kind == "fentry" && errors.Is(p.Err, ErrUnsupported):
					t.Logf("%s: %v", p.Name, p.Err)
				case p.Kind == "fentry" && !tt.always && (p.Loaded || p.Rejection != nil):
					t.Logf("%s: this kernel has trampolines", p.Name)
				case p.Kind == "fentry":
					t.Errorf("%s: type %v, loaded %v, rejection %+v, err %v", p.Name, p.Type, p.Loaded, p.Rejection, p.Err)
				case !p.Loaded:
					t.Errorf("%s was not loaded: %+v", p.Name, p.Err)
				}
			}
		})
	}
}

func TestLoadWithoutSource(t *testing.T) {
	requireBPF(t)
	elf, _ := fixture(t, "ctx")
	r, err := Load(context.Background(), elf, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Programs {
		if p.Line != 0 || p.Probe != "" || p.Kind != "kprobe" || p.Index == 0 {
			t.Errorf("%s: line %d probe %q kind %q index %d", p.Name, p.Line, p.Probe, p.Kind, p.Index)
		}
	}
	if rej := rejected(t, r, "kprobe_hrtimer_nanosleep_2"); rej.Line != 0 || rej.Insn < 0 {
		t.Errorf("rejection %+v: want no line but the instruction", rej)
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	elf, src := fixture(t, "pass")
	if r, err := Load(ctx, elf, src); !errors.Is(err, context.Canceled) || r != nil {
		t.Errorf("Load with a cancelled context = %v, %v", r, err)
	}
}

// cancelAfter is a context that ends after its Err has been asked a number
// of times: a stand-in for a user who types while the kernel works.
type cancelAfter struct {
	context.Context
	asked, after int
}

func (c *cancelAfter) Err() error {
	c.asked++
	if c.asked > c.after {
		return context.Canceled
	}
	return nil
}

func TestLoadCancelledBetweenPrograms(t *testing.T) {
	requireBPF(t)
	elf, src := fixture(t, "pass")
	// Asked once before the kernel is touched, then before each program.
	ctx := &cancelAfter{Context: context.Background(), after: 2}
	if r, err := Load(ctx, elf, src); !errors.Is(err, context.Canceled) || r != nil || ctx.asked != 3 {
		t.Errorf("Load = %v, %v after %d questions; want it to stop before the second program", r, err, ctx.asked)
	}
}

func TestLoadInvalidELF(t *testing.T) {
	for _, name := range []string{"pass.bt", "old17.o"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load(context.Background(), data, nil)
		if !errors.Is(err, ErrInvalidELF) && !errors.Is(err, ErrOldELF) || !strings.HasPrefix(err.Error(), "kverify: ") {
			t.Errorf("Load(%s) = %v", name, err)
		}
		if name == "old17.o" && !strings.Contains(err.Error(), "bpftrace 0.20 or newer needed") {
			t.Errorf("Load(%s) = %v, want it to say which bpftrace is needed", name, err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	requireBPF(b)
	elf, src := fixture(b, "pass")
	for b.Loop() {
		if _, err := Load(context.Background(), elf, src); err != nil {
			b.Fatal(err)
		}
	}
}
