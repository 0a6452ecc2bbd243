package kverify

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"
)

// readFixture parses a committed ELF without a kernel.
func readFixture(t testing.TB, name string) *ebpf.CollectionSpec {
	t.Helper()
	elf, _ := fixture(t, name)
	spec, err := readELF(elf)
	if err != nil {
		t.Fatalf("readELF(%s): %v", name, err)
	}
	return spec
}

func TestParseSection(t *testing.T) {
	tests := []struct {
		section string
		modern  bool
		base    string
		index   int
		kind    string
		typ     ebpf.ProgramType
		attach  ebpf.AttachType
		rest    string
	}{
		{"s_BEGIN_1", false, "BEGIN", 1, "BEGIN", ebpf.RawTracepoint, ebpf.AttachNone, ""},
		{"s_begin_1", true, "begin", 1, "BEGIN", ebpf.RawTracepoint, ebpf.AttachNone, ""}, // 0.26
		{"s_kprobe_do_sys_openat2_2", false, "kprobe_do_sys_openat2", 2, "kprobe", ebpf.Kprobe, ebpf.AttachNone, "do_sys_openat2"},
		{"s_kprobe:vfs_read_3", false, "kprobe_vfs_read", 3, "kprobe", ebpf.Kprobe, ebpf.AttachNone, "vfs_read"}, // 0.20 keeps the colons
		{"s_kprobe_vfs_read_8_17", false, "kprobe_vfs_read_8", 17, "kprobe", ebpf.Kprobe, ebpf.AttachNone, "vfs_read_8"},
		{"s_uretprobe__bin_bash_readline_16", false, "uretprobe__bin_bash_readline", 16, "uretprobe", ebpf.Kprobe, ebpf.AttachNone, "_bin_bash_readline"},
		{"s_usdt__usr_bin_app_prov_probe_loc1_4", false, "usdt__usr_bin_app_prov_probe", 4, "usdt", ebpf.Kprobe, ebpf.AttachNone, "_usr_bin_app_prov_probe"},
		{"s_tracepoint_syscalls_sys_enter_openat_3", false, "tracepoint_syscalls_sys_enter_openat", 3, "tracepoint", ebpf.TracePoint, ebpf.AttachNone, "syscalls_sys_enter_openat"},
		{"s_rawtracepoint_sched_switch_14", false, "rawtracepoint_sched_switch", 14, "rawtracepoint", ebpf.RawTracepoint, ebpf.AttachNone, "sched_switch"},
		{"s_rawtracepoint_sched_switch_14", true, "rawtracepoint_sched_switch", 14, "rawtracepoint", ebpf.Tracing, ebpf.AttachTraceRawTp, "sched_switch"},
		{"s_profile_hz_99_7", false, "profile_hz_99", 7, "profile", ebpf.PerfEvent, ebpf.AttachNone, "hz_99"},
		{"s_interval_s_1_9", false, "interval_s_1", 9, "interval", ebpf.PerfEvent, ebpf.AttachNone, "s_1"},
		{"s_software_cpu_clock_100000_12", false, "software_cpu_clock_100000", 12, "software", ebpf.PerfEvent, ebpf.AttachNone, "cpu_clock_100000"},
		{"s_hardware_cycles_1000000_13", false, "hardware_cycles_1000000", 13, "hardware", ebpf.PerfEvent, ebpf.AttachNone, "cycles_1000000"},
		{"s_watchpoint_0x1000_8_rw_wp_setup_2", false, "watchpoint_0x1000_8_rw_wp_setup", 2, "watchpoint", ebpf.Kprobe, ebpf.AttachNone, "0x1000_8_rw"},
		{"s_fentry_vmlinux_vfs_read_1", false, "fentry_vmlinux_vfs_read", 1, "fentry", ebpf.Tracing, ebpf.AttachTraceFEntry, "vmlinux_vfs_read"},
		{"s_kfunc_vfs_read_1", false, "kfunc_vfs_read", 1, "fentry", ebpf.Tracing, ebpf.AttachTraceFEntry, "vfs_read"}, // 0.20's name
		{"s_fexit_vfs_write_2", false, "fexit_vfs_write", 2, "fexit", ebpf.Tracing, ebpf.AttachTraceFExit, "vfs_write"},
		{"s_iter_task_file_1", false, "iter_task_file", 1, "iter", ebpf.Tracing, ebpf.AttachTraceIter, "task_file"},
		{"s_test_1", true, "test", 1, "test", ebpf.XDP, ebpf.AttachNone, ""},
		{"s_myname_3", true, "myname", 3, "", ebpf.UnspecifiedProgram, ebpf.AttachNone, ""}, // a 0.26 label
		{"s_oddity", false, "oddity", 0, "", ebpf.UnspecifiedProgram, ebpf.AttachNone, ""},
	}
	for _, tt := range tests {
		s := parseSection(tt.section, tt.modern)
		if s.base != tt.base || s.index != tt.index || s.prov.kind != tt.kind || s.prov.typ != tt.typ || s.prov.attach != tt.attach || s.known != (tt.kind != "") || (s.known && s.rest != tt.rest) {
			t.Errorf("parseSection(%q, %v) = %q #%d %q %v %v known=%v rest=%q, want %q #%d %q %v %v rest=%q",
				tt.section, tt.modern, s.base, s.index, s.prov.kind, s.prov.typ, s.prov.attach, s.known, s.rest,
				tt.base, tt.index, tt.kind, tt.typ, tt.attach, tt.rest)
		}
	}
}

func TestReadELFRefuses(t *testing.T) {
	good, _ := fixture(t, "pass")
	old, err := os.ReadFile(filepath.Join("testdata", "old17.o"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	for i := 64; i < len(flipped); i += 97 {
		flipped[i] ^= 0x5a
	}
	tests := []struct {
		name string
		elf  []byte
		want error
	}{
		{"empty, as bpftrace leaves it when LLVM fails", nil, ErrInvalidELF},
		{"not an ELF", []byte("#!/usr/bin/env bpftrace\nBEGIN { exit(); }\n"), ErrInvalidELF},
		{"truncated", good[:len(good)/2], ErrInvalidELF},
		{"header only", good[:64], ErrInvalidELF},
		{"corrupted", flipped, ErrInvalidELF},
		{"bpftrace 0.17", old, ErrOldELF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := readELF(tt.elf)
			if !errors.Is(err, tt.want) {
				t.Errorf("readELF = %v, %v; want %v", spec != nil, err, tt.want)
			}
		})
	}
}

func TestCheckBpftraceELF(t *testing.T) {
	spec := readFixture(t, "pass")
	for _, ps := range spec.Programs {
		ps.SectionName = "kprobe/" + ps.Name // a libbpf program, not bpftrace's
	}
	if err := checkBpftraceELF(spec); !errors.Is(err, ErrInvalidELF) {
		t.Errorf("an ELF without s_ sections: %v, want ErrInvalidELF", err)
	}
}

func TestIsModern(t *testing.T) {
	if isModern(readFixture(t, "pass")) {
		t.Error("bpftrace 0.23's ELF taken for 0.24 or newer")
	}
	if !isModern(readFixture(t, "lines")) {
		t.Error("an ELF with script lines not taken for 0.24 or newer")
	}
	spec := readFixture(t, "pass")
	spec.Variables["__bt__num_cpus"] = spec.Variables["num_cpus"]
	delete(spec.Variables, "num_cpus")
	if !isModern(spec) {
		t.Error(`an ELF with "__bt__" globals not taken for 0.24 or newer`)
	}
}

func TestFixup(t *testing.T) {
	spec := readFixture(t, "pass")
	before := spec.Copy()
	const ncpus = 4
	fixup(spec, ncpus)
	for name, want := range map[string]uint64{"num_cpus": ncpus, "max_cpu_id": ncpus - 1} {
		var got uint64
		if err := spec.Variables[name].Get(&got); err != nil || got != want {
			t.Errorf("%s = %d (%v), want %d", name, got, err, want)
		}
	}
	for _, name := range []string{".data.fmt_str_buf", ".data.get_str_buf", ".data.tuple_buf", ".data.var_buf"} {
		ms, old := spec.Maps[name], before.Maps[name]
		ds, ok := ms.Value.(*btf.Datasec)
		value, _ := ms.Contents[0].Value.([]byte)
		if ms.ValueSize != old.ValueSize*ncpus || !ok || ds.Size != ms.ValueSize || uint32(len(value)) != ms.ValueSize {
			t.Errorf("%s: value size %d -> %d, datasec %v, contents %d bytes; want one slot per CPU everywhere", name, old.ValueSize, ms.ValueSize, ms.Value, len(value))
		}
		if oldDS := old.Value.(*btf.Datasec); oldDS.Size != old.ValueSize {
			t.Errorf("%s: the original spec's BTF was changed", name)
		}
	}
	for name, ms := range spec.Maps {
		old := before.Maps[name]
		switch {
		case ms.Type == ebpf.PerCPUHash && ms.MaxEntries != ncpus:
			t.Errorf("%s: %d entries, want %d", name, ms.MaxEntries, ncpus)
		case ms.Type != ebpf.PerCPUHash && ms.MaxEntries != old.MaxEntries:
			t.Errorf("%s (%v): entries %d -> %d", name, ms.Type, old.MaxEntries, ms.MaxEntries)
		}
	}
	// The read-only data is not a scratch buffer: it keeps its size.
	if got, want := spec.Maps[".rodata"].ValueSize, before.Maps[".rodata"].ValueSize; got != want {
		t.Errorf(".rodata resized from %d to %d", want, got)
	}
}

func TestAttachTarget(t *testing.T) {
	kernel, err := btf.LoadKernelSpec()
	if err != nil {
		t.Skipf("no kernel BTF: %v", err)
	}
	tests := []struct {
		section string
		modern  bool
		want    string
	}{
		{"s_fentry_vmlinux_vfs_read_1", false, "vfs_read"},
		{"s_fentry_do_sys_openat2_1", false, "do_sys_openat2"},
		{"s_fexit_vfs_write_2", false, "vfs_write"},
		{"s_iter_task_file_1", false, "task_file"},
		{"s_iter_task__sys_fs_bpf_pinned_1", false, "task"},
		{"s_rawtracepoint_vmlinux_sched_switch_1", true, "sched_switch"},
		{"s_fentry_no_such_function_at_all_1", false, "no_such_function_at_all"},
	}
	for _, tt := range tests {
		if got := attachTarget(parseSection(tt.section, tt.modern), kernel); got != tt.want {
			t.Errorf("attachTarget(%s) = %q, want %q", tt.section, got, tt.want)
		}
	}
	if got := attachTarget(parseSection("s_fentry_vmlinux_vfs_read_1", false), nil); got != "vmlinux_vfs_read" {
		t.Errorf("without BTF: %q, want the whole rest", got)
	}
}
