package symbex_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/symbex"
)

// verify analyses and verifies src against the test kernel.
func verify(t *testing.T, src string) *symbex.Report {
	t.Helper()
	f := source.NewFile("test.bt", []byte(src))
	r := analysis.Check(f, analysis.Config{Kernel: kerneltest.Snapshot(t), Dialect: dialect.Newest})
	for _, d := range r.Diagnostics {
		if d.Severity == 0 {
			t.Fatalf("the test program has an error: %s\n%s", d.Message, src)
		}
	}
	return symbex.Verify(context.Background(), r, symbex.Config{Kernel: kerneltest.Snapshot(t)})
}

// find returns the obligations with code.
func find(rep *symbex.Report, code string) []symbex.Obligation {
	var out []symbex.Obligation
	for _, o := range rep.Obligations {
		if o.Code == code {
			out = append(out, o)
		}
	}
	return out
}

const sock = "kprobe:tcp_connect\n{\n\t$sk = (struct sock *)arg0;\n"

// TestChecks is the table of built-in checks: each buggy program refuted
// with the expected counterexample text, each fixed one proved or silent.
func TestChecks(t *testing.T) {
	tests := []struct {
		name, src, code string
		want            symbex.Verdict
		mentions        string
	}{
		{"port printed raw", sock + "\tprintf(\"%d\\n\", $sk->__sk_common.skc_dport);\n}", symbex.CodeByteOrder, symbex.Refuted, "0x5000 (80 in host order)"},
		{"port swapped", sock + "\tprintf(\"%d\\n\", bswap($sk->__sk_common.skc_dport));\n}", symbex.CodeByteOrder, symbex.Proved, ""},
		{"port swapped by hand", sock + "\t$p = $sk->__sk_common.skc_dport;\n\tprintf(\"%d\\n\", ($p >> 8) | (($p << 8) & 0xff00));\n}", symbex.CodeByteOrder, symbex.Proved, ""},
		{"port as a map key", sock + "\t@ports[$sk->__sk_common.skc_dport] = count();\n}", symbex.CodeByteOrder, symbex.Refuted, "map key"},
		{"port compared with a number", sock + "\tif ($sk->__sk_common.skc_dport == 80) { printf(\"http\\n\"); }\n}", symbex.CodeByteOrder, symbex.Refuted, "compared with 80"},
		{"unsigned below zero", "kprobe:vfs_read /pid < 0/ { @ = count(); }", symbex.CodeDeadCondition, symbex.Refuted, "pid is unsigned"},
		{"contradiction", "kprobe:vfs_read { $x = arg2; if ($x > 10 && $x < 5) { @ = count(); } }", symbex.CodeDeadCondition, symbex.Refuted, "false whenever"},
		{"start under another key", "kprobe:vfs_read { @start[tid] = nsecs; }\nkretprobe:vfs_read { @ns = hist(nsecs - @start[pid]); }", symbex.CodeClockWrap, symbex.Refuted, "tid ="},
		{"start under the thread id", "kprobe:vfs_read { @start[tid] = nsecs; }\nkretprobe:vfs_read /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }", symbex.CodeClockWrap, symbex.Proved, ""},
		{"start may be missing", "kprobe:vfs_read { @start[tid] = nsecs; }\nkretprobe:vfs_read { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }", symbex.CodeClockWrap, symbex.Refuted, "guard the probe with /@start[tid]/"},
		{"syscall pair", "tracepoint:syscalls:sys_enter_read { @s[tid] = nsecs; }\ntracepoint:syscalls:sys_exit_read { @ns = hist(nsecs - @s[tid]); }", symbex.CodeClockWrap, symbex.Proved, ""},
		{"assert holds", "kprobe:vfs_read { $x = 5;\n//@ assert $x == 5\n@ = count(); }", symbex.CodeAssert, symbex.Proved, ""},
		{"assert fails", "kprobe:vfs_read { $x = arg2;\n//@ assert $x < 100\n@ = count(); }", symbex.CodeAssert, symbex.Refuted, "arg2"},
		{"assume then assert", "kprobe:vfs_read {\n//@ assume pid == 1\n//@ assert pid == 1\n@ = count(); }", symbex.CodeAssert, symbex.Proved, ""},
		{"contract: sk is never NULL", "kprobe:tcp_connect /arg0 == 0/ { @ = count(); }", symbex.CodeDeadCondition, symbex.Refuted, "false whenever"},
		{"contract assumed in an assert", "kprobe:tcp_connect {\n//@ assert arg0 != 0\n@ = count(); }", symbex.CodeAssert, symbex.Proved, ""},
		{"annotation names a parameter", "kprobe:tcp_connect {\n//@ assert sk != NULL\n@ = count(); }", symbex.CodeAssert, symbex.Proved, ""},
		{"saved argument read under pid", "kprobe:vfs_read { @buf[tid] = arg1; }\nkretprobe:vfs_read { printf(\"%d\\n\", @buf[pid]); delete(@buf[tid]); }", symbex.CodeEntryKey, symbex.Refuted, "another thread"},
		{"read after delete", "kprobe:vfs_read { @start[tid] = nsecs; }\nkretprobe:vfs_read { delete(@start[tid]); @ns = hist(nsecs - @start[tid]); }", symbex.CodeReadDeleted, symbex.Refuted, "always 0"},
		{"delete under another key", "kprobe:vfs_read { @buf[tid] = arg1; }\nkretprobe:vfs_read { printf(\"%d\\n\", @buf[tid]); delete(@buf[pid]); }", symbex.CodeEntryKey, symbex.Refuted, "leaves the one the entry stored"},
		{"read after delete under two keys", "tracepoint:block:block_rq_issue { @s[args.dev, args.sector] = nsecs; delete(@s[args.dev, args.sector]); printf(\"%d\\n\", @s[args.dev, args.sector]); }", symbex.CodeReadDeleted, symbex.Refuted, "always 0"},
		{"read after delete under comm", "kprobe:vfs_read { @n[comm] = count(); delete(@n[comm]); if (@n[comm] > 10) { printf(\"busy\\n\"); } }", symbex.CodeReadDeleted, symbex.Refuted, "always 0"},
		{"read after delete inside a call", "kprobe:vfs_read { @a[tid] = arg1; delete(@a[tid]); printf(\"%s\\n\", ntop(2, @a[tid])); }", symbex.CodeReadDeleted, symbex.Refuted, "always 0"},
		{"read after delete of a tuple element", "kprobe:vfs_read { @t[tid] = (arg1, arg2); delete(@t[tid]); printf(\"%d\\n\", @t[tid].0); }", symbex.CodeReadDeleted, symbex.Refuted, "always 0"},
		{"loop that never starts", "kprobe:vfs_read { $i = 0; while ($i >= 5) { $i++; } @ = count(); }", symbex.CodeDeadCondition, symbex.Refuted, "false whenever"},
		{"irq handler pair", "tracepoint:irq:irq_handler_entry { @s[tid] = nsecs; }\ntracepoint:irq:irq_handler_exit { @ns = hist(nsecs - @s[pid]); }", symbex.CodeClockWrap, symbex.Refuted, "tid ="},
		{"reclaim pair", "tracepoint:vmscan:mm_vmscan_direct_reclaim_begin { @s[tid] = nsecs; }\ntracepoint:vmscan:mm_vmscan_direct_reclaim_end /@s[tid]/ { @ns = hist(nsecs - @s[tid]); delete(@s[tid]); }", symbex.CodeClockWrap, symbex.Proved, ""},
		{"entry value printed unguarded", "tracepoint:syscalls:sys_enter_openat { @path[tid] = args.filename; }\ntracepoint:syscalls:sys_exit_openat { printf(\"%s\\n\", str(@path[tid])); delete(@path[tid]); }", symbex.CodeEntryMissing, symbex.Refuted, "guard the probe with /@path[tid]/"},
		{"several attach points pair", "tracepoint:syscalls:sys_enter_read, tracepoint:syscalls:sys_enter_write { @s[tid] = nsecs; }\ntracepoint:syscalls:sys_exit_read { @ns = hist(nsecs - @s[pid]); }", symbex.CodeClockWrap, symbex.Refuted, "tid ="},
		{"division by zero", "kprobe:vfs_read { $n = 0; @avg = arg2 / $n; }", symbex.CodeDivByZero, symbex.Refuted, "give 0"},
		{"unsigned below zero, explained", "tracepoint:syscalls:sys_enter_read /args.count < 0/ { @ = count(); }", symbex.CodeDeadCondition, symbex.Refuted, "unsigned"},
		{"narrow field out of range", "tracepoint:sock:inet_sock_set_state /args.sport == 70000/ { @ = count(); }", symbex.CodeDeadCondition, symbex.Refuted, "16-bit"},
		{"tid and pid keys mixed", "kprobe:vfs_read { @last[tid] = arg1; }\nkprobe:vfs_write { printf(\"%d\\n\", @last[pid]); }", symbex.CodeIDMix, symbex.Refuted, "tid != pid"},
		{"ntop of a host-order member", sock + "\tprintf(\"%s\\n\", ntop($sk->__sk_common.skc_hash));\n}", symbex.CodeByteOrder, symbex.Refuted, "ntop() prints 1.0.0.10"},
		{"bswap of a host-order member", sock + "\tprintf(\"%d\\n\", bswap($sk->__sk_common.skc_num));\n}", symbex.CodeByteOrder, symbex.Refuted, "bswap() gives 20480"},
		{"host-order port swapped by hand", sock + "\t$p = $sk->__sk_common.skc_num;\n\tprintf(\"%d\\n\", ($p >> 8) | (($p << 8) & 0xff00));\n}", symbex.CodeByteOrder, symbex.Refuted, "skc_num with its bytes swapped"},
		{"port as the second key", sock + "\t@c[comm, $sk->__sk_common.skc_dport] = count();\n}", symbex.CodeByteOrder, symbex.Refuted, "map key"},
		{"another probe's start unguarded", "tracepoint:sched:sched_wakeup { @w[args.pid] = nsecs; }\ntracepoint:sched:sched_switch { @us = hist((nsecs - @w[args.next_pid]) / 1000); delete(@w, args.next_pid); }", symbex.CodeClockWrap, symbex.Refuted, "guard the probe with /@w[args.next_pid]/"},
		{"a tuple's start unguarded", "tracepoint:syscalls:sys_enter_fsync { @s[tid] = (nsecs, args.fd); }\ntracepoint:syscalls:sys_exit_fsync { $e = @s[tid]; @ns = hist(nsecs - $e.0); delete(@s, tid); }", symbex.CodeClockWrap, symbex.Refuted, "/has_key(@s, tid)/"},
		{"a parameter that may be NULL followed", "kprobe:ip_output {\n\t$sk = (struct sock *)arg1;\n\tprintf(\"%d\\n\", $sk->sk_mark);\n}", symbex.CodeNullDeref, symbex.Refuted, "ip_output's contract says sk may be NULL"},
		{"a timestamp cut to 32 bits", "kprobe:vfs_read { @ts[tid] = (uint32)nsecs; }", symbex.CodeTruncation, symbex.Refuted, "after 4.3 s"},
		{"a kernel address cut to 32 bits", sock + "\t@socks[(uint32)$sk] = count();\n}", symbex.CodeTruncation, symbex.Refuted, "kernel address"},
		{"a pid cut to 16 bits", "kprobe:vfs_read { @by[(uint16)pid] = count(); }", symbex.CodeTruncation, symbex.Refuted, "pid_max"},
		{"a latency multiplied the wrong way", "kprobe:vfs_read { @s[tid] = nsecs; }\nkretprobe:vfs_read /@s[tid]/ { @ms = hist((nsecs - @s[tid]) * 1000000); delete(@s[tid]); }", symbex.CodeOverflow, symbex.Refuted, "once it passes 5.1 hours"},
		{"a pointer followed where it is NULL", "tracepoint:sched:sched_process_exec {\n\t$t = curtask;\n\tif ($t->mm == 0) {\n\t\t@vm = max($t->mm->total_vm);\n\t}\n}", symbex.CodeNullDeref, symbex.Refuted, "NULL on every path here"},
		{"bytes summed where only errors pass", "tracepoint:syscalls:sys_exit_read /args.ret <= 0/ { @bytes[comm] = sum(args.ret); }", symbex.CodeNeverPositive, symbex.Refuted, "never above 0 here"},
		{"a histogram of errors", "tracepoint:syscalls:sys_exit_openat /args.ret < 0/ { @errs = hist(args.ret); }", symbex.CodeNeverPositive, symbex.Refuted, "pass -args.ret"},
		{"a string read where its pointer is NULL", "uretprobe:/bin/bash:readline /retval == 0/ { printf(\"%s\\n\", str(retval)); }", symbex.CodeNullDeref, symbex.Refuted, "reads nothing"},
		{"positional count below zero", "BEGIN { if ($# < 0) { printf(\"usage\\n\"); } }", symbex.CodeDeadCondition, symbex.Refuted, "counts the positional parameters"},
		{"annotation names nothing", "kprobe:vfs_read {\n//@ assert AF_INET6 == 10\n@ = count(); }", symbex.CodeAnnotation, symbex.Refuted, "AF_INET6 is no builtin"},
		{"malformed annotation", "kprobe:vfs_read {\n//@ assert pid ==\n@ = count(); }", symbex.CodeAnnotation, symbex.Refuted, "does not parse"},
		{"reached without whenever", "kprobe:vfs_read {\n//@ reached pid == 1\n@ = count(); }", symbex.CodeAnnotation, symbex.Refuted, "reached whenever EXPR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := verify(t, tt.src)
			obs := find(rep, tt.code)
			if len(obs) == 0 {
				t.Fatalf("no %s obligation; got %+v", tt.code, rep.Obligations)
			}
			o := obs[0]
			if o.Verdict != tt.want || !strings.Contains(o.Counterexample, tt.mentions) {
				t.Errorf("%s: %s (%s), want %s mentioning %q", o.Claim, o.Verdict, o.Counterexample, tt.want, tt.mentions)
			}
		})
	}
}

// TestNoClaim checks what ken must not flag: derived values and reads it
// cannot pair with a writer.
func TestNoClaim(t *testing.T) {
	for _, src := range []string{
		sock + "\t$p = $sk->__sk_common.skc_dport;\n\tprintf(\"%d\\n\", $p & 0xff);\n}",
		"tracepoint:block:block_rq_issue { @s[args.sector] = nsecs; }\ntracepoint:block:block_rq_complete { @ns = hist(nsecs - @s[args.sector]); }",
		"kprobe:vfs_read /pid == 1/ { @ = count(); }",
		// Keys ken cannot compare (strings) make no entry-key claim.
		"kprobe:vfs_read { @f[str(arg1)] = nsecs; }\nkprobe:vfs_write { @f[comm] = 1; }\nkretprobe:vfs_read { @ns = hist(nsecs - @f[comm]); delete(@f[comm]); }",
		// A loop that runs: its condition holds on entry.
		"kprobe:vfs_read { $i = 0; while ($i < 5) { $i++; } @ = count(); }",
		// A softirq runs on one CPU from entry to exit: cpu is a fine key.
		"tracepoint:irq:softirq_entry { @s[cpu] = nsecs; }\ntracepoint:irq:softirq_exit /@s[cpu]/ { @ns = hist(nsecs - @s[cpu]); delete(@s[cpu]); }",
		// Guarded: the entry ran.
		"tracepoint:syscalls:sys_enter_openat { @path[tid] = args.filename; }\ntracepoint:syscalls:sys_exit_openat /@path[tid]/ { printf(\"%s\\n\", str(@path[tid])); delete(@path[tid]); }",
		// Not every exit has its entry probed: no pairing.
		"tracepoint:syscalls:sys_enter_read { @s[tid] = nsecs; }\ntracepoint:syscalls:sys_exit_read, tracepoint:syscalls:sys_exit_write { @ns = hist(nsecs - @s[tid]); }",
		// A signed 32-bit field is negative on errors.
		"tracepoint:io_uring:io_uring_complete /args.res < 0/ { @ = count(); }",
		// A count that is 0 until something happened is a fine divisor.
		"kprobe:vfs_read { @n = count(); }\ninterval:s:1 { @rate = @total / 1; }\nkprobe:vfs_write { @total = arg2 / (@n == 0 ? 1 : 2); }",
		// Addresses and ports of network order, given to ntop() and bswap().
		sock + "\tprintf(\"%s %d\\n\", ntop($sk->__sk_common.skc_daddr), bswap($sk->__sk_common.skc_dport));\n}",
		// Host-order members used as they are, or masked.
		sock + "\t$p = $sk->__sk_common.skc_num;\n\tprintf(\"%d %d %d\\n\", $p, $p & 0xff, $sk->__sk_common.skc_hash >> 4);\n}",
		// A tracepoint's u16 says nothing of byte order: no claim.
		"tracepoint:sock:inet_sock_set_state { printf(\"%d\\n\", bswap(args.sport)); }",
		// Another probe's start, guarded by the predicate, a ternary or &&.
		"tracepoint:sched:sched_wakeup { @w[args.pid] = nsecs; }\ntracepoint:sched:sched_switch /@w[args.next_pid]/ { @us = hist((nsecs - @w[args.next_pid]) / 1000); delete(@w, args.next_pid); }",
		"tracepoint:sched:sched_wakeup { @w[args.pid] = nsecs; }\ntracepoint:sched:sched_switch { $s = @w[args.next_pid]; @us = hist($s ? nsecs - $s : 0); delete(@w, args.next_pid); }",
		"tracepoint:sched:sched_wakeup { @w[args.pid] = nsecs; }\ntracepoint:sched:sched_switch { if (@w[args.next_pid] && nsecs - @w[args.next_pid] > 1000) { @slow = count(); } delete(@w, args.next_pid); }",
		// A parameter that may be NULL, tested before it is followed.
		"kprobe:ip_output {\n\t$sk = (struct sock *)arg1;\n\tif ($sk != 0) { printf(\"%d\\n\", $sk->sk_mark); }\n}",
		"kprobe:ip_output /arg1/ { printf(\"%d\\n\", ((struct sock *)arg1)->sk_mark); }",
		// Narrowed after a division, or values that fit; a unit made finer
		// after it was made coarser.
		"kprobe:vfs_read { @s[tid] = nsecs; }\nkretprobe:vfs_read /@s[tid]/ { $us = (nsecs - @s[tid]) / 1000; @x = hist((uint32)(nsecs / 1000000000) + (uint32)pid + (uint8)cpu + $us * 1000); delete(@s[tid]); }",
		// A pointer followed where it was tested not NULL, or not tested.
		"tracepoint:sched:sched_process_exec {\n\t$t = curtask;\n\tif ($t->mm != 0) { @vm = max($t->mm->total_vm); }\n\t@p = max($t->real_parent->pid);\n}",
		// A string read where its pointer was tested, or a string value.
		"uretprobe:/bin/bash:readline /retval != 0/ { printf(\"%s\\n\", str(retval)); }",
		// Sums and histograms of values that can be positive.
		"tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @bytes[comm] = sum(args.ret); @h = hist(args.ret); }\ntracepoint:syscalls:sys_exit_openat /args.ret < 0/ { @errs = hist(-args.ret); }",
		// A start stored in BEGIN exists in every later probe.
		"BEGIN { @t0 = nsecs; }\ninterval:s:1 { printf(\"%d\\n\", nsecs - @t0); }\nEND { delete(@t0); }",
		// block_io_start completes elsewhere: no pairing, no claim.
		"tracepoint:block:block_io_start { @s[args.sector] = nsecs; }\ntracepoint:block:block_io_done { @ns = hist(nsecs - @s[args.sector + 1]); }",
	} {
		for _, o := range verify(t, src).Obligations {
			if o.Verdict == symbex.Refuted {
				t.Errorf("false alarm %s: %s: %s\n%s", o.Code, o.Claim, o.Counterexample, src)
			}
		}
	}
}

// TestContractsRecorded checks that the contracts assumed on a probe are
// reported, for inlay hints.
func TestContractsRecorded(t *testing.T) {
	rep := verify(t, "kprobe:tcp_connect { @ = count(); }")
	for probe, conds := range rep.Contracts {
		if len(probe.AttachPoints) == 1 && strings.Join(conds, ";") == "sk != NULL" {
			return
		}
	}
	t.Errorf("contracts = %v, want sk != NULL on kprobe:tcp_connect", rep.Contracts)
}

// TestAnnotationSemantics: what an //@ assert sees is what the program
// computes there, found by writing assertions about every corpus program
// (tools/semmutate/intent). Each row was once proved when it fails, or
// refuted when it holds.
func TestAnnotationSemantics(t *testing.T) {
	tests := []struct {
		name, src string
		want      symbex.Verdict
	}{
		{"a map first stored in one branch", "kprobe:vfs_read {\n\tif (arg1 == 3) { @x[tid] = nsecs; }\n//@ assert @x[tid] == nsecs\n}", symbex.Refuted},
		{"a narrowing cast", "kprobe:vfs_read {\n//@ assert (int32)arg1 == arg1\n@ = count(); }", symbex.Refuted},
		{"a signed cast", "kprobe:vfs_read /(int32)arg1 < 0/ {\n//@ assert (int32)arg1 < 0\n@ = count(); }", symbex.Proved},
		{"at the end of a branch", "kprobe:vfs_read {\n\tif (arg1 == 3) {\n\t\t@x[tid] = 1;\n//@ assert arg1 == 3\n\t}\n}", symbex.Proved},
		{"after continue", "kprobe:vfs_read {\n\t$i = 0;\n\twhile ($i < 3) {\n\t\t$i++;\n\t\tif (arg1 == 0) { continue; }\n//@ assert arg1 != 0\n\t}\n}", symbex.Proved},
		{"args. and args-> are one field", "tracepoint:syscalls:sys_exit_openat {\n\tif (args->ret < 0) {\n//@ assert args.ret < 0\n\t\tprintf(\"%d\\n\", args->ret);\n\t}\n}", symbex.Proved},
		{"delete with a tuple of keys", "tracepoint:block:block_rq_issue {\n\t@s[args.dev, args.sector] = nsecs;\n//@ assert @s[args.dev, args.sector] == nsecs\n\tdelete(@s, (args.dev, args.sector));\n}", symbex.Proved},
		{"a #define", "#define LIMIT 2\nkprobe:vfs_read {\n\t$x = LIMIT;\n//@ assert $x == 2\n\t@ = count();\n}", symbex.Proved},
		{"a kernel enum constant", "tracepoint:sock:inet_sock_set_state /args.newstate == TCP_CLOSE/ {\n//@ assert args.newstate == 7\n\t@ = count();\n}", symbex.Proved},
		{"a string read twice", "kprobe:vfs_read /str(arg1) == \"x\"/ {\n//@ assert str(arg1) == \"x\"\n\t@ = count();\n}", symbex.Proved},
		{"a tuple element stored in a map", "kprobe:vfs_read {\n\t@t[tid] = (arg1, arg2);\n//@ assert @t[tid].1 == arg2\n}", symbex.Proved},
		{"a tuple element through a variable", "tracepoint:syscalls:sys_enter_fsync { @s[tid] = (nsecs, args.fd); }\ntracepoint:syscalls:sys_exit_fsync /has_key(@s, tid)/ {\n\t$e = @s[tid];\n\tif (args.ret < 0) { $e = (0, 0); }\n//@ assert args.ret < 0 || $e.0 != 0\n\tdelete(@s, tid);\n}", symbex.Proved},
		{"a tuple element that differs", "kprobe:vfs_read {\n\t@t[tid] = (arg1, arg2);\n//@ assert @t[tid].0 == arg2\n}", symbex.Refuted},
		{"an increment inside a loop", "kprobe:vfs_read {\n\t$i = 0;\n\twhile ($i < 3) {\n//@ assert $i == 0\n\t\t$i++;\n\t}\n\t@ = count();\n}", symbex.Refuted},
		{"an increment inside a loop, after it", "kprobe:vfs_read {\n\t$i = 0;\n\twhile ($i < 3) {\n\t\t$i++;\n\t}\n//@ assert $i == 0\n\t@ = count();\n}", symbex.Refuted},
		{"a map entry in a for loop", "kprobe:vfs_read { @m[tid] = arg2; }\ninterval:s:1 {\n\tfor ($kv : @m) {\n\t\tif ($kv.1 > 5) {\n//@ assert $kv.1 > 5\n\t\t\tprintf(\"%d\\n\", $kv.0);\n\t\t}\n\t}\n}", symbex.Proved},
		{"a field through a variable and through the parameter", "kprobe:tcp_connect {\n\t$sk = (struct sock *)arg0;\n\t$m = $sk->sk_mark;\n//@ assert $m == sk->sk_mark\n\t@ = count();\n}", symbex.Proved},
		{"a field through a pointer that changed", "kprobe:tcp_connect {\n\t$sk = (struct sock *)arg0;\n\t$m = $sk->sk_mark;\n\t$sk = (struct sock *)arg1;\n//@ assert $m == $sk->sk_mark\n\t@ = count();\n}", symbex.Refuted},
		{"a script enum", "enum proto { IPV4 = 0x0800, ARP = 0x0806, NEXT };\nkprobe:vfs_read {\n\t$p = arg1;\n\tif ($p == NEXT) {\n//@ assert $p == 0x0807\n\t\t@ = count();\n\t}\n}", symbex.Proved},
		{"a field of curtask through a cast", "kprobe:tcp_connect {\n\t$task = (struct task_struct *)curtask;\n//@ assert $task->real_parent == curtask->real_parent\n\t@ = count();\n}", symbex.Proved},
		{"curtask through a cast", "kprobe:tcp_connect {\n\t$t = (struct task_struct *)curtask;\n//@ assert $t == curtask\n\t@ = count();\n}", symbex.Proved},
		{"bswap of a parameter's field", "kprobe:tcp_connect {\n\t$sock = (struct sock *)arg0;\n\t$p = bswap($sock->__sk_common.skc_dport);\n//@ assert bswap(sk->__sk_common.skc_dport) <= 0xffff\n\t@ = count();\n}", symbex.Proved},
		{"strncmp of a variable", "tracepoint:syscalls:sys_enter_execve {\n\t$c = comm;\n\tif (strncmp($c, \"sudo\", 4) == 0) {\n//@ assert strncmp($c, \"sudo\", 4) == 0\n\t\t@b = count();\n\t}\n}", symbex.Proved},
		{"an indexed read twice", "tracepoint:syscalls:sys_enter_execve {\n\t$x = 0;\n\tif (args.argv[1] == 5) { $x = 1; }\n\tif ($x) {\n//@ assert args.argv[1] == 5\n\t\t@ = count();\n\t}\n}", symbex.Proved},
		{"a positional parameter", "kprobe:vfs_read /pid == $1/ {\n//@ assert pid == $1\n\t@ = count();\n}", symbex.Proved},
		{"x++ and ++x", "kprobe:vfs_read {\n\t$i = 1;\n\t$a = $i++;\n\t$b = ++$i;\n//@ assert $a == 1 && $b == 3 && $i == 3\n\t@ = count();\n}", symbex.Proved},
		{"unroll runs its body that many times", "kprobe:vfs_read {\n\t$i = 0;\n\tunroll(4) {\n\t\t$i++;\n\t\t@[$i] = count();\n\t}\n//@ assert $i == 4\n}", symbex.Proved},
		{"nested unrolls past the bound are a loop", "kprobe:vfs_read {\n\t$i = 0;\n\tunroll(20) { unroll(20) { $i++; } }\n//@ assert $i == 400\n\t@ = count();\n}", symbex.Refuted},
		{"a tuple variable as a key", "kprobe:vfs_read {\n\t$k = (pid, arg2);\n\t@io[$k] = count();\n//@ assert has_key(@io, (pid, arg2))\n}", symbex.Proved},
		{"a map a for loop walks", "kprobe:vfs_read {\n\t@b[comm, pid] = sum(arg2);\n//@ assert has_key(@b, (comm, pid))\n}\ninterval:s:1 { for ($kv : @b) { printf(\"%d\\n\", (uint64)$kv.1); } }", symbex.Proved},
		{"sizeof read twice", "struct hdr { int a; int b; }\nkprobe:vfs_read /arg2 >= sizeof(struct hdr)/ {\n//@ assert arg2 >= sizeof(struct hdr)\n\t@ = count();\n}", symbex.Proved},
		{"reached under the threshold it names", slowReads("10"), symbex.Proved},
		{"a threshold too high is not reached", slowReads("10000"), symbex.Refuted},
		{"a threshold too low is reached", slowReads("0"), symbex.Proved},
		{"reached in the branch of another condition", "kprobe:vfs_read {\n\tif (arg2 > 4096) {\n//@ reached whenever arg2 > 4096 && pid == 1\n\t\t@big = count();\n\t}\n}", symbex.Proved},
		{"not reached in the else branch", "kprobe:vfs_read {\n\tif (arg2 > 4096) {\n\t\t@big = count();\n\t} else {\n//@ reached whenever arg2 > 100\n\t\t@small = count();\n\t}\n}", symbex.Refuted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := find(verify(t, tt.src), symbex.CodeAssert)
			if len(obs) != 1 || obs[0].Verdict != tt.want {
				t.Fatalf("obligations %+v, want one %s", obs, tt.want)
			}
		})
	}
}

// slowReads reports reads slower than limit ms; its annotation says every
// read over 10 ms is reported.
func slowReads(limit string) string {
	return "kprobe:vfs_read { @s[tid] = nsecs; }\nkretprobe:vfs_read /@s[tid]/ {\n\t$ms = (nsecs - @s[tid]) / 1000000;\n\tif ($ms > " + limit + ") {\n//@ reached whenever $ms > 10\n\t\tprintf(\"%d\\n\", $ms);\n\t}\n\tdelete(@s[tid]);\n}"
}

// TestFixes applies each finding's quick fix and verifies the result: the
// finding is gone.
func TestFixes(t *testing.T) {
	tests := []struct{ name, src, code, want string }{
		{"bswap the port", sock + "\tprintf(\"%d\\n\", $sk->__sk_common.skc_dport);\n}",
			symbex.CodeByteOrder, "bswap($sk->__sk_common.skc_dport)"},
		{"guard a probe without a predicate", "tracepoint:sched:sched_wakeup { @w[args.pid] = nsecs; }\ntracepoint:sched:sched_switch { @us = hist(nsecs - @w[args.next_pid]); delete(@w, args.next_pid); }",
			symbex.CodeClockWrap, "sched_switch /@w[args.next_pid]/ {"},
		{"guard a probe whose brace has its own line", "kprobe:vfs_read { @s[tid] = nsecs; }\nkretprobe:vfs_read\n{\n\t@ns = hist(nsecs - @s[tid]);\n\tdelete(@s[tid]);\n}",
			symbex.CodeClockWrap, "kretprobe:vfs_read\n/@s[tid]/\n{"},
		{"guard a probe with a predicate", "kprobe:vfs_read { @s[tid] = nsecs; }\nkretprobe:vfs_read /pid > 1 || cpu == 0/ { @ns = hist(nsecs - @s[tid]); delete(@s[tid]); }",
			symbex.CodeClockWrap, "/(pid > 1 || cpu == 0) && @s[tid]/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := find(verify(t, tt.src), tt.code)
			if len(obs) == 0 || len(obs[0].Fixes) == 0 {
				t.Fatalf("no fix: %+v", obs)
			}
			fixed := string(diag.ApplyEdits([]byte(tt.src), obs[0].Fixes[0].Edits))
			if !strings.Contains(fixed, tt.want) {
				t.Fatalf("fixed program lacks %q:\n%s", tt.want, fixed)
			}
			for _, o := range find(verify(t, fixed), tt.code) {
				if o.Verdict == symbex.Refuted {
					t.Errorf("still refuted after the fix: %s\n%s", o.Counterexample, fixed)
				}
			}
		})
	}
}

// TestBudget: a verification out of time says what it did not check and
// claims nothing it did not prove.
func TestBudget(t *testing.T) {
	f := source.NewFile("test.bt", []byte(sock+"\tprintf(\"%d\\n\", $sk->__sk_common.skc_dport);\n}"))
	r := analysis.Check(f, analysis.Config{Kernel: kerneltest.Snapshot(t), Dialect: dialect.Newest})
	rep := symbex.Verify(context.Background(), r, symbex.Config{Kernel: kerneltest.Snapshot(t), Budget: time.Nanosecond})
	if !rep.Stopped {
		t.Fatal("the report does not say it stopped")
	}
	for _, o := range rep.Obligations {
		if o.Verdict != symbex.Unknown || o.Code != symbex.CodeUnknown {
			t.Errorf("out of time, yet %s %s: %s", o.Code, o.Verdict, o.Claim)
		}
	}
}

// TestEveryCodeDocumented: each diagnostic code of the verifier has its
// section in docs/verifier-checks.md.
func TestEveryCodeDocumented(t *testing.T) {
	codes, err := os.ReadFile("codes.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/verifier-checks.md")
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(`"(ken/[a-z-]+)"`).FindAllStringSubmatch(string(codes), -1)
	if len(found) < 10 {
		t.Fatalf("only %d codes found in codes.go", len(found))
	}
	for _, m := range found {
		if !strings.Contains(string(doc), "\n## "+m[1]+"\n") {
			t.Errorf("%s has no section in docs/verifier-checks.md", m[1])
		}
	}
}
