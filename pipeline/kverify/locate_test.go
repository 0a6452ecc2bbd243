package kverify

import (
	"fmt"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
)

// TestPlanKinds places every program of kinds.o, which bpftrace 0.23
// generated from a probe of each kind, spelt both ways, without a kernel.
func TestPlanKinds(t *testing.T) {
	elf, src := fixture(t, "kinds")
	spec, err := readELF(elf)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		program, probe string
		line, col      int
	}{
		{"BEGIN_1", "BEGIN", 3, 1},
		{"kprobe_vfs_read_2", "k:vfs_read", 4, 1},
		{"kretprobe_vfs_read_3", "kr:vfs_read", 5, 1},
		{"tracepoint_syscalls_sys_enter_read_4", "t:syscalls:sys_enter_read", 6, 1},
		// The probe builtin makes bpftrace give each attach point an index.
		{"tracepoint_syscalls_sys_enter_write_5", "t:syscalls:sys_enter_write", 6, 28},
		// A wildcard: one index, a program per match.
		{"tracepoint_syscalls_sys_enter_openat_6", "tracepoint:syscalls:sys_enter_open*", 7, 1},
		{"tracepoint_syscalls_sys_enter_open_by_handle_at_6", "tracepoint:syscalls:sys_enter_open*", 7, 1},
		{"profile_hz_99_7", "p:hz:99", 8, 1},
		{"profile_hz_99_8", "profile:hz:99", 9, 1},
		{"interval_s_1_9", "i:s:1", 10, 1},
		{"interval_ms_100_10", "interval:ms:100", 11, 1},
		{"software_faults_1000_11", "s:faults:1000", 12, 1},
		{"software_cpu_clock_100000_12", "software:cpu-clock:100000", 13, 1},
		{"hardware_cycles_1000000_13", "h:cycles:1000000", 14, 1},
		{"rawtracepoint_sched_switch_14", "rt:sched_switch", 15, 1},
		{"uprobe__bin_bash_readline_15", "uprobe:/bin/bash:readline", 16, 1},
		{"uretprobe__bin_bash_readline_16", "ur:/bin/bash:readline", 17, 1},
		{"kprobe_vfs_read_8_17", "kprobe:vfs_read+8", 18, 1},
		{"iter_task_18", "it:task", 19, 1},
		{"uprobe__bin_bash_4096_19", "uprobe:/bin/bash:0x1000", 20, 1}, // no name match: by kind and order
		{"kprobe_vmlinux_vfs_write_20", "kprobe:vmlinux:vfs_write", 21, 1},
		{"tracepoint_sched_sched_switch_21", "t:sched:sched_switch", 22, 1},
		{"tracepoint_sched_sched_wakeup_21", "t:sched:sched_wakeup", 22, 23},
		{"kprobe_vfs_read_22", "k:vfs_read", 23, 1}, // the same attach point as #2, a later probe
		{"END_23", "END", 24, 1},
	}
	programs := plan(spec, src)
	byName := make(map[string]*planned)
	for _, p := range programs {
		byName[p.Name] = p
		if p.Err != nil {
			t.Errorf("%s: %v", p.Name, p.Err)
		}
	}
	for _, w := range want {
		p := byName[w.program]
		if p == nil {
			t.Errorf("no program %s", w.program)
			continue
		}
		if p.Probe != w.probe || p.Line != w.line || p.Column != w.col {
			t.Errorf("%s at %q %d:%d, want %q %d:%d", p.Name, p.Probe, p.Line, p.Column, w.probe, w.line, w.col)
		}
	}
	for i := 1; i < len(programs); i++ {
		if programs[i-1].Index > programs[i].Index {
			t.Errorf("programs out of probe order: %s before %s", programs[i-1].Name, programs[i].Name)
		}
	}
}

func TestLocateLabels(t *testing.T) {
	// bpftrace 0.26 names the programs of a labelled attach point after
	// the label: only the source tells the probe type.
	src := source.NewFile("l.bt", []byte("begin { }\nslow=kprobe:vfs_read { }\nfast=fentry:vfs_write { }\n"))
	programs := []*planned{
		newPlanned("s_begin_1"),
		newPlanned("s_slow_2"),
		newPlanned("s_fast_3"),
	}
	locate(programs, src, true)
	want := []struct {
		kind string
		line int
		rest string
	}{{"BEGIN", 1, ""}, {"kprobe", 2, "vfs_read"}, {"fentry", 3, "vfs_write"}}
	for i, w := range want {
		p := programs[i]
		if p.Kind != w.kind || !p.sec.known || p.Line != w.line || p.sec.rest != w.rest {
			t.Errorf("%s: kind %q known %v line %d rest %q, want %q line %d rest %q", p.Section, p.Kind, p.sec.known, p.Line, p.sec.rest, w.kind, w.line, w.rest)
		}
	}
}

func TestLocateUnmatched(t *testing.T) {
	// A program whose probe the source lacks stays unplaced, and the
	// others are still found.
	src := source.NewFile("u.bt", []byte("BEGIN { }\nkprobe:vfs_read { }\n"))
	programs := []*planned{newPlanned("s_BEGIN_1"), newPlanned("s_tracepoint_sched_sched_switch_2"), newPlanned("s_kprobe_vfs_read_3")}
	locate(programs, src, false)
	got := fmt.Sprint(programs[0].Line, programs[1].Line, programs[2].Line)
	if got != "1 0 2" {
		t.Errorf("lines %s, want 1 0 2", got)
	}
}

// newPlanned is a program known by its section name only.
func newPlanned(sectionName string) *planned {
	sec := parseSection(sectionName, true)
	return &planned{Program: Program{Section: sectionName, Kind: sec.prov.kind, Index: sec.index}, sec: sec}
}
