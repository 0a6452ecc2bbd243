package kverify

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readLog returns a captured log from testdata/logs as cilium/ebpf hands
// logs over: one string per line, no trailing empty line.
func readLog(t *testing.T, name string) []string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("testdata", "logs", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
}

func TestParseLogCaptured(t *testing.T) {
	const ctxAccess = "invalid bpf_context access off=200 size=8"
	tests := []struct {
		log  string
		want LogSummary
	}{
		{"pass_stats.log", LogSummary{Processed: 529, Limit: 1_000_000, PeakStates: 33, StackDepths: []int{48}, Insn: -1}},
		{"begin_branch.log", LogSummary{Processed: 21, Limit: 1_000_000, PeakStates: 1, StackDepths: []int{16}, Insn: -1}},
		{"callback_stats.log", LogSummary{Processed: 604, Limit: 1_000_000, PeakStates: 13, StackDepths: []int{224, 416}, Insn: -1}},
		{"ctx_stats.log", LogSummary{
			Processed: 1, Limit: 1_000_000, StackDepths: []int{0},
			Insn: -1, Message: ctxAccess, File: "bpftrace.bpf.o",
		}},
		{"ctx_branch.log", LogSummary{
			Processed: 1, Limit: 1_000_000, StackDepths: []int{0},
			Insn: 0, InsnText: "(79) r1 = *(u64 *)(r1 +200)", Message: ctxAccess, File: "bpftrace.bpf.o",
		}},
		{"loop_ctx_branch.log", LogSummary{
			Processed: 276, Limit: 1_000_000, PeakStates: 8, StackDepths: []int{40},
			Insn: 44, InsnText: "(79) r1 = *(u64 *)(r6 +200)", Message: ctxAccess, File: "bpftrace.bpf.o",
		}},
		{"callback_branch.log", LogSummary{
			Processed: 51, Limit: 1_000_000, PeakStates: 3, StackDepths: []int{40, 0},
			Insn: 75, InsnText: "(79) r1 = *(u64 *)(r6 +200)", Message: ctxAccess, File: "bpftrace.bpf.o",
		}},
		{"lines_branch.log", LogSummary{
			Processed: 2, Limit: 1_000_000, StackDepths: []int{0},
			Insn: 1, InsnText: "(79) r1 = *(u64 *)(r1 +200)", Message: ctxAccess, File: "bpftrace.bpf.o", Line: 16,
		}},
		{"lines_stats.log", LogSummary{
			Processed: 2, Limit: 1_000_000, StackDepths: []int{0},
			Insn: -1, Message: ctxAccess, File: "bpftrace.bpf.o", Line: 16,
		}},
		{"loop_stats.log", LogSummary{
			Processed: 1_000_001, Limit: 1_000_000, PeakStates: 9618, StackDepths: []int{24},
			Insn: -1, Message: "BPF program is too large. Processed 1000001 insn",
		}},
		{"infinite_branch.log", LogSummary{
			Processed: 9, Limit: 1_000_000, PeakStates: 1, StackDepths: []int{0},
			Insn: 1, InsnText: "(05) goto pc-1", Message: "infinite loop detected at insn 1",
		}},
		{"unreachable_branch.log", LogSummary{
			Limit: 1_000_000, StackDepths: []int{0},
			Insn: 2, Message: "unreachable insn 2",
		}},
		{"scalar_branch.log", LogSummary{
			Processed: 2, Limit: 1_000_000, StackDepths: []int{0},
			Insn: 1, InsnText: "(79) r0 = *(u64 *)(r1 +0)", Message: "R1 invalid mem access 'scalar'",
		}},
		{"btf_stats.log", LogSummary{Insn: -1, Message: "[1] FUNC kprobe_hrtimer_nanosleep_2 type_id=4 Invalid arg#1"}},
	}
	for _, tt := range tests {
		t.Run(tt.log, func(t *testing.T) {
			log := readLog(t, tt.log)
			got := ParseLog(log)
			// The times differ from one capture to the next: only check
			// that there is one when the log has one.
			if timed := strings.Contains(strings.Join(log, "\n"), "verification time "); timed != (got.VerifyTime > 0) {
				t.Errorf("VerifyTime = %v for a log with a time: %v", got.VerifyTime, timed)
			}
			got.VerifyTime = 0
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseLog =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseLogEdges(t *testing.T) {
	tests := []struct {
		name string
		log  []string
		want LogSummary
	}{
		{"nil", nil, LogSummary{Insn: -1}},
		{"blank lines", []string{"", "  "}, LogSummary{Insn: -1}},
		{"only a message", []string{"R0 !read_ok"}, LogSummary{Insn: -1, Message: "R0 !read_ok"}},
		{"two-line message", []string{
			"12: (61) r2 = *(u32 *)(r0 +8)",
			"invalid access to map value, value_size=8 off=8 size=4",
			"R0 min value is outside of the allowed memory range",
			"processed 13 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0",
		}, LogSummary{
			Processed: 13, Limit: 1_000_000, PeakStates: 1, Insn: 12, InsnText: "(61) r2 = *(u32 *)(r0 +8)",
			Message: "invalid access to map value, value_size=8 off=8 size=4\nR0 min value is outside of the allowed memory range",
		}},
		{"back-edge names its instruction", []string{"back-edge from insn 10 to 5"}, LogSummary{Insn: 10, Message: "back-edge from insn 10 to 5"}},
		{"line info far above the failing instruction", []string{
			"; $x = 1; @ script.bt:7",
			"3: (b7) r1 = 1",
			"4: (79) r0 = *(u64 *)(r1 +0)",
			"R1 invalid mem access 'scalar'",
		}, LogSummary{Insn: 4, InsnText: "(79) r0 = *(u64 *)(r1 +0)", Message: "R1 invalid mem access 'scalar'", File: "script.bt", Line: 7}},
		{"noise is not a statistic", []string{"stack depth lots", "processed many insns"}, LogSummary{Insn: -1, Message: "stack depth lots\nprocessed many insns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseLog(tt.log); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseLog =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestStackDepth(t *testing.T) {
	if got := (LogSummary{StackDepths: []int{224, 416}}).StackDepth(); got != 416 {
		t.Errorf("StackDepth() = %d, want the deepest frame, 416", got)
	}
	if got := (LogSummary{}).StackDepth(); got != 0 {
		t.Errorf("StackDepth() of no frames = %d", got)
	}
}
