package sema_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

func testKernel(t testing.TB) *kernel.Kernel { return kerneltest.Snapshot(t) }

// check parses and analyses src against the test kernel.
func check(t *testing.T, src string, v dialect.Version) (*sema.Info, []diag.Diagnostic) {
	t.Helper()
	f := source.NewFile("test.bt", []byte(src))
	ast, syntaxDiags := syntax.Parse(f)
	if len(syntaxDiags) > 0 {
		t.Fatalf("syntax errors in test program: %v\n%s", syntaxDiags[0].Message, src)
	}
	return sema.Check(ast, f, sema.Config{Kernel: testKernel(t), Dialect: v})
}

func codes(ds []diag.Diagnostic, sev diag.Severity) []string {
	var cs []string
	for _, d := range ds {
		if d.Severity == sev {
			cs = append(cs, d.Code)
		}
	}
	return cs
}

// TestAccepted lists correct programs, tricky ones included; any error
// here is a false positive, the worst thing a checker can do.
func TestAccepted(t *testing.T) {
	tests := []struct{ name, src string }{
		{"tracepoint args", `tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args->filename)); }`},
		{"tracepoint args dot", `tracepoint:syscalls:sys_enter_openat { printf("%d\n", args.flags); }`},
		{"kprobe struct cast", `kprobe:tcp_connect { $sk = (struct sock *)arg0; printf("%d\n", $sk->__sk_common.skc_dport); }`},
		{"anonymous union member", `kprobe:tcp_connect { $sk = (struct sock *)arg0; @[$sk->__sk_common.skc_daddr] = count(); }`},
		{"kretprobe retval", `kretprobe:vfs_read { @bytes = hist(retval); }`},
		{"map used in two probes", `kprobe:vfs_read { @start[tid] = nsecs; } kretprobe:vfs_read /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }`},
		{"map read before written in file order", `END { print(@c); } kprobe:vfs_read { @c[comm] = count(); }`},
		{"int keys of different widths", `tracepoint:sched:sched_switch { @[args->prev_pid] = count(); @[pid] = count(); }`},
		{"strings of different sizes", `kprobe:vfs_read { @name[comm] = 1; @name["x"] = 2; }`},
		{"aggregation arithmetic", `BEGIN { @x = count(); if (@x > 1) { exit(); } $y = @x + 1; }`},
		{"printf verbs", `BEGIN { printf("%-10s %5d %lu %llx %p %c %% %s\n", comm, pid, nsecs, 1, 0, 65, kstack); }`},
		{"percent f ignored", `BEGIN { printf("100%\n"); }`},
		{"enum constant", `kprobe:tcp_set_state /arg1 == TCP_ESTABLISHED/ { @[comm] = count(); }`},
		{"define", "#define AF_INET 2\nkprobe:tcp_connect /arg0 == AF_INET/ { @ = count(); }"},
		{"ksym of func", `kprobe:vfs_* { @[func] = count(); }`},
		{"curtask fields", `BEGIN { printf("%d\n", curtask->pid); }`},
		{"variables in nested scope read outside after outer assignment", `BEGIN { $x = 1; if (pid > 1) { $x = 2; } printf("%d\n", $x); }`},
		{"kstack key", `kprobe:vfs_read { @[kstack, comm] = count(); }`},
		{"increment a fresh map", `kprobe:vfs_read { @reads++; @per[pid]++; }`},
		{"for over map", `END { for ($kv : @m) { printf("%d %d\n", $kv.0, $kv.1); } } BEGIN { @m[1] = 2; }`},
		{"ntop", `kprobe:tcp_connect { $sk = (struct sock *)arg0; printf("%s\n", ntop($sk->__sk_common.skc_daddr)); }`},
		{"str with length", `tracepoint:syscalls:sys_enter_openat { @[str(args->filename, 32)] = count(); }`},
		{"print clear zero", `interval:s:1 { print(@x); clear(@x); zero(@y); } kprobe:vfs_read { @x[pid] = count(); @y = sum(arg2); }`},
		{"cast to typedef", `kprobe:vfs_read { $p = (pid_t)pid; printf("%d\n", $p); }`},
		{"positional param", `BEGIN { printf("%d\n", $1); }`},
		{"ternary", `BEGIN { $s = pid > 1 ? "big" : "small"; printf("%s\n", $s); }`},
		{"string comparison", `kprobe:vfs_read /comm == "bash"/ { @ = count(); }`},
		{"kaddr of a function", `BEGIN { printf("%x\n", kaddr("vfs_read")); }`},
		{"unknown kprobe only warns", `kprobe:not_a_function_ken { @ = count(); }`},
		{"kstack mode", `kprobe:vfs_read { @[kstack(perf, 5)] = count(); }`},
		{"aggregation read into a variable is an int64", `BEGIN { @c = count(); } interval:s:1 { $n = @c; $n = -1; }`},
		{"negative literal into a signed variable", `kretprobe:vfs_read { $n = (int32)retval; $n = -1; }`},
		{"syscall field stored in 8 bytes", `tracepoint:syscalls:sys_enter_fsync { $t = args.fd; $t = (uint64)1; }`},
		{"signed syscall field stays signed", `tracepoint:syscalls:sys_enter_openat { $f = 0; $f = args.flags; }`},
		{"define that expands to a literal", "#define MAX 64\nkprobe:vfs_read { $p = nsecs; $p /= MAX; }"},
		{"include for kernels without BTF", "#ifndef BPFTRACE_HAVE_BTF\n#include <linux/nothere.h>\n#endif\nkprobe:vfs_read { @ = count(); }"},
		{"field shared by two tracepoints", `tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_write { @[args.fd] = count(); }`},
		{"file's own struct", "struct hdr { int op; char name[8]; };\nkprobe:vfs_read { $h = (struct hdr *)arg1; printf(\"%d %s\\n\", $h->op, $h->name); }"},
		{"iter context", `iter:task { printf("%s\n", ctx->task->comm); }`},
		{"delete on a scalar map", `kprobe:vfs_read { @last = nsecs; } kretprobe:vfs_read { delete(@last); }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := check(t, tt.src, dialect.V(0, 23))
			for _, d := range ds {
				if d.Severity == diag.Error {
					t.Errorf("false error %s: %s\n%s", d.Code, d.Message, tt.src)
				}
			}
		})
	}
}

// TestRejected lists programs bpftrace rejects, with the code ken must
// report and a word the message must contain.
func TestRejected(t *testing.T) {
	tests := []struct{ name, src, code, contains string }{
		{"unknown tracepoint", `tracepoint:syscalls:sys_enter_opnat { @ = count(); }`, sema.CodeUnknownTracepoint, "sys_enter_openat"},
		{"wildcard tracepoint matches nothing", `tracepoint:zzz:* { @ = count(); }`, sema.CodeNoMatch, "zzz"},
		{"unknown tracepoint field", `tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filname)); }`, sema.CodeUnknownField, "filename"},
		{"field in nested struct", `kprobe:tcp_connect { $sk = (struct sock *)arg0; printf("%d\n", $sk->skc_dport); }`, sema.CodeUnknownField, "__sk_common"},
		{"unknown struct", `kprobe:tcp_connect { $s = (struct tcp_socket *)arg0; printf("%d\n", $s->x); }`, sema.CodeUnknownType, "tcp_socket"},
		{"retval in kprobe", `kprobe:vfs_read { printf("%d\n", retval); }`, sema.CodeBuiltinProbeKind, "retval"},
		{"arg0 in tracepoint", `tracepoint:sched:sched_switch { printf("%d\n", arg0); }`, sema.CodeBuiltinProbeKind, "arg0"},
		{"args in kprobe", `kprobe:vfs_read { printf("%d\n", args->count); }`, sema.CodeBuiltinProbeKind, "args"},
		{"printf s with int", `kprobe:vfs_read { printf("%s\n", pid); }`, sema.CodeFormatType, "%s"},
		{"printf d with string", `BEGIN { printf("%d\n", comm); }`, sema.CodeFormatType, "%d"},
		{"printf d with count", `BEGIN { @x = count(); printf("%d\n", @x); }`, sema.CodeFormatType, "count_t"},
		{"printf too many", `BEGIN { printf("%f %+d\n", 1, 2); }`, sema.CodeFormatArity, "no conversions"},
		{"printf too few", `BEGIN { printf("%d %d\n", 1); }`, sema.CodeFormatArity, "2 conversions"},
		{"printf s with pointer", `tracepoint:syscalls:sys_enter_openat { printf("%s\n", args->filename); }`, sema.CodeFormatType, "str()"},
		{"map key types", `BEGIN { @x[pid] = 1; @x["a"] = 2; }`, sema.CodeMapKeyMismatch, "@x"},
		{"map with and without keys", `BEGIN { @x[1] = 1; @x = 2; }`, sema.CodeMapKeyMismatch, "without keys"},
		{"map value types", `BEGIN { @x = 1; @x = "a"; }`, sema.CodeMapValueMismatch, "string"},
		{"aggregation then int", `BEGIN { @[1] = hist(2); @[1] = 3; }`, sema.CodeMapValueMismatch, "hist_t"},
		{"increment aggregation", `BEGIN { @y = count(); @y++; }`, sema.CodeAggregateOperand, "count_t"},
		{"undefined variable", `BEGIN { printf("%d\n", $x); }`, sema.CodeUndefinedVariable, "$x"},
		{"variable from inner block", `BEGIN { if (1) { $x = 1; } printf("%d\n", $x); }`, sema.CodeUndefinedVariable, "$x"},
		{"variable from other probe", `BEGIN { $x = 1; } END { printf("%d\n", $x); }`, sema.CodeUndefinedVariable, "$x"},
		{"variable type change", `BEGIN { $x = 1; $x = "a"; }`, sema.CodeVariableTypeChange, "string"},
		{"string plus int", `BEGIN { $x = "a" + 1; }`, sema.CodeTypeMismatch, "+"},
		{"string equals int", `BEGIN { if ("a" == 1) {} }`, sema.CodeTypeMismatch, "=="},
		{"func compared with string", `kprobe:vfs_read { if (func == "vfs_read") { @x = 1; } }`, sema.CodeTypeMismatch, "ksym_t"},
		{"undefined map", `BEGIN { print(@never); }`, sema.CodeUndefinedMap, "@never"},
		{"str of a string", `kprobe:vfs_read { printf("%s\n", str(comm)); }`, sema.CodeCallArgument, "already a string"},
		{"dot on pointer before 0.25", `kprobe:tcp_connect { $s = (struct sock *)arg0; printf("%d\n", $s.__sk_common.skc_dport); }`, sema.CodeNotAStruct, "->"},
		{"arrow on struct value", `kprobe:tcp_connect { $s = *(struct sock *)arg0; printf("%d\n", $s->__sk_common.skc_dport); }`, sema.CodeNotAStruct, "not a pointer"},
		{"unknown function", `BEGIN { printf("%d\n", strlength("abc")); }`, sema.CodeUnknownCall, "strlength"},
		{"count with argument", `BEGIN { @ = count(1); }`, sema.CodeCallArity, "count"},
		{"count not assigned", `BEGIN { $x = count(); }`, sema.CodeAggregationContext, "count"},
		{"unknown probe type", `kprobes:vfs_read { @ = count(); }`, sema.CodeUnknownProbeKind, "kprobe"},
		{"interval arity", `interval:1s { @ = count(); }`, sema.CodeAttachPointArity, "interval"},
		{"interval unit", `interval:xs:1 { @ = count(); }`, sema.CodeInvalidAttachArg, "xs"},
		{"software event", `software:cpu-clocks:1 { @ = count(); }`, sema.CodeInvalidAttachArg, "cpu-clock"},
		{"unknown identifier", `BEGIN { printf("%d\n", pidd); }`, sema.CodeUnknownIdentifier, "pid"},
		{"kaddr unknown symbol", `BEGIN { printf("%x\n", kaddr("jiffies")); }`, sema.CodeUnknownKernelSymbol, "jiffies"},
		{"fentry unavailable", `fentry:vfs_read { @ = count(); }`, sema.CodeProbeUnavailable, "trampolines"},
		{"curtask field", `BEGIN { printf("%d\n", curtask->pidd); }`, sema.CodeUnknownField, "pid"},
		{"aggregation predicate", `kprobe:vfs_read { @c[pid] = count(); } kprobe:vfs_write /@c[pid]/ { @w = count(); }`, sema.CodeTypeMismatch, "predicate"},
		{"pointer minus pointer", `BEGIN { $p = (uint8 *)0; $q = $p - $p; }`, sema.CodePointerOperation, "-"},
		{"int minus pointer", `kprobe:vfs_read { $skb = (struct sk_buff *)arg0; $n = $skb->tail - $skb->data; }`, sema.CodePointerOperation, "-"},
		{"copy aggregation", `BEGIN { @[1] = count(); @b = @[1]; }`, sema.CodeAggregateCopy, "count_t"},
		{"signedness of a variable", `BEGIN { $x = 0; $x = pid; }`, sema.CodeIntegerMismatch, "uint32"},
		{"size of a variable", `BEGIN { $x = pid; $x = uid; }`, sema.CodeIntegerMismatch, "wider"},
		{"typed let with literal in 0.23", `BEGIN { let $x: uint16 = 5432; }`, sema.CodeIntegerMismatch, "uint16"},
		{"let after use", `BEGIN { $ms = 0; let $ms: uint64 = 1; }`, sema.CodeLateDeclaration, "$ms"},
		{"break outside loop", `BEGIN { break; }`, sema.CodeJumpOutsideLoop, "break"},
		{"unknown config", "config = { strlen = 256 }\nBEGIN { exit(); }", sema.CodeUnknownConfig, "max_strlen"},
		{"cast to struct value", `kprobe:vfs_read { $s = (struct sk_buff)arg0; }`, sema.CodeInvalidCast, "pointer"},
		{"cast string to int", `BEGIN { $x = (int64)"5"; }`, sema.CodeInvalidCast, "string"},
		{"lhist step", `kprobe:vfs_read { @h = lhist(arg2, 0, 100, 0); }`, sema.CodeLiteralArgument, "step"},
		{"zero one key", `kprobe:vfs_read { @c[pid] = count(); } interval:s:1 { zero(@c[1]); }`, sema.CodeWholeMapArgument, "whole map"},
		{"print one hist key", `kprobe:vfs_read { @h[pid] = hist(arg2); } END { print(@h[1]); }`, sema.CodeWholeMapArgument, "hist_t"},
		{"sum of pointer", `kprobe:vfs_read { @s = sum((uint8 *)arg1); }`, sema.CodeCallArgument, "pointer"},
		{"struct without keyword", `kprobe:tcp_connect { $s = (sock *)arg0; }`, sema.CodeUnknownType, "struct sock"},
		{"data_loc printed as string", `tracepoint:irq:irq_handler_entry { printf("%s\n", args->name); }`, sema.CodeFormatType, "%s"},
		{"negative literal into an unsigned variable", `BEGIN { $v = nsecs; $v = -1; }`, sema.CodeIntegerMismatch, "int64"},
		{"comparison of unsigned values is unsigned", `BEGIN { $x = 0; $x = (pid == 1); }`, sema.CodeIntegerMismatch, "uint64"},
		{"field missing from one of two tracepoints", `tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_openat { @[args.fd] = count(); }`, sema.CodeUnknownField, "fd"},
		{"field missing from a wildcard's tracepoints", `tracepoint:syscalls:sys_exit_* { printf("%d\n", args.rett); }`, sema.CodeUnknownField, "ret"},
		{"iter context field", `iter:task_file { printf("%d\n", ctx->fdd); }`, sema.CodeUnknownField, "fd"},
		{"dead include branch does not hide types", "#ifndef BPFTRACE_HAVE_BTF\n#include <linux/socket.h>\n#endif\nkprobe:udp_sendmsg { $sk = (struct sock *)arg0; @ = $sk->skc_dport; }", sema.CodeUnknownField, "__sk_common"},
		{"delete without a key", `kprobe:vfs_read { @m[tid] = 1; } kretprobe:vfs_read { delete(@m); }`, sema.CodeCallArgument, "key"},
		{"ntop family not an integer", `tracepoint:sock:inet_sock_set_state { printf("%s\n", ntop(args->daddr, 1)); }`, sema.CodeCallArgument, "family"},
		{"stack limit without mode", `kprobe:vfs_read { @[ustack(6, 1)] = count(); }`, sema.CodeCallArgument, "mode"},
		{"time format not a literal", `BEGIN { time(1); }`, sema.CodeLiteralArgument, "string literal"},
		{"kprobe offset not a number", `kprobe:vfs_read+0x1x { @ = count(); }`, sema.CodeInvalidAttachArg, "offset"},
		{"define string printed as a number", "#define HI \"\\e[1m\"\nBEGIN { printf(\"%d\\n\", HI); }", sema.CodeFormatType, "string"},
		{"file's own struct field", "struct hdr { int op; };\nkprobe:vfs_read { $h = (struct hdr *)arg1; printf(\"%d\\n\", $h->opcode); }", sema.CodeUnknownField, "opcode"},
		{"printf result used", `BEGIN { $x = printf("a\n"); }`, sema.CodeNoValue, "no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := check(t, tt.src, dialect.V(0, 23))
			for _, d := range ds {
				if d.Severity == diag.Error && d.Code == tt.code {
					if !strings.Contains(d.Message, tt.contains) {
						t.Errorf("message %q does not mention %q", d.Message, tt.contains)
					}
					return
				}
			}
			t.Errorf("want an error %s, got %v\n%s", tt.code, describe(ds), tt.src)
		})
	}
}

func describe(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Severity.String()+" "+d.Code+": "+d.Message)
	}
	return out
}

// TestWarnings covers what bpftrace only warns about.
func TestWarnings(t *testing.T) {
	_, ds := check(t, `kprobe:tcp_conect { @ = count(); }`, dialect.V(0, 23))
	if got := codes(ds, diag.Warning); !slices.Contains(got, sema.CodeUnknownFunction) {
		t.Fatalf("want a %s warning, got %v", sema.CodeUnknownFunction, describe(ds))
	}
	if !strings.Contains(ds[0].Message, "tcp_connect") || len(ds[0].Fixes) != 1 || ds[0].Fixes[0].Edits[0].NewText != "tcp_connect" {
		t.Errorf("want a fix to tcp_connect, got %q %+v", ds[0].Message, ds[0].Fixes)
	}
}

// TestRelatedLocations checks that a map conflict points at the other use.
func TestRelatedLocations(t *testing.T) {
	src := "BEGIN { @x[pid] = 1; }\nEND { @x[\"a\"] = 2; }"
	_, ds := check(t, src, dialect.V(0, 23))
	if len(ds) != 1 || len(ds[0].Related) != 1 {
		t.Fatalf("want one diagnostic with one related location, got %v", describe(ds))
	}
	if got := src[ds[0].Related[0].Span.Start:ds[0].Related[0].Span.End]; got != "@x[pid]" {
		t.Errorf("related location covers %q, want @x[pid]", got)
	}
	if got := src[ds[0].Span.Start:ds[0].Span.End]; got != `@x["a"]` {
		t.Errorf("diagnostic covers %q", got)
	}
}

// TestInfo checks the side tables the editor features read.
func TestInfo(t *testing.T) {
	src := `tracepoint:syscalls:sys_enter_openat { $f = str(args->filename); @opens[comm] = count(); }`
	info, ds := check(t, src, dialect.Newest)
	if diag.HasErrors(ds) {
		t.Fatalf("unexpected errors: %v", describe(ds))
	}
	m := info.Maps["@opens"]
	if m == nil || m.Key.String() != "string[16]" || m.Value.String() != "count_t" || len(m.Writes) != 1 {
		t.Fatalf("@opens = %+v", m)
	}
	if len(info.Probes) != 1 || info.Probes[0].Kinds[0] != "tracepoint" || info.Probes[0].Args == nil {
		t.Fatalf("probes = %+v", info.Probes)
	}
	var vars []string
	for v, sym := range info.Vars {
		vars = append(vars, v.Name+":"+sym.Type.String())
	}
	if !slices.Equal(vars, []string{"$f:string[64]"}) {
		t.Errorf("vars = %v", vars)
	}
}

// TestByteOrderTypedefsKept checks that integer typedefs survive: the
// symbolic stage keys byte order on them.
func TestByteOrderTypedefsKept(t *testing.T) {
	src := `kprobe:tcp_connect { $sk = (struct sock *)arg0; $port = $sk->__sk_common.skc_dport; }`
	info, _ := check(t, src, dialect.Newest)
	for v, sym := range info.Vars {
		if v.Name == "$port" && sym.Type.Name != "__be16" {
			t.Errorf("$port has type %+v, want the __be16 typedef kept", sym.Type)
		}
	}
}

// TestWithoutKernel checks that no kernel knowledge means no kernel errors.
func TestWithoutKernel(t *testing.T) {
	src := `tracepoint:nope:nope { $s = (struct nope *)args->x; printf("%d\n", $s->x); }`
	f := source.NewFile("t.bt", []byte(src))
	ast, _ := syntax.Parse(f)
	_, ds := sema.Check(ast, f, sema.Config{})
	if diag.HasErrors(ds) {
		t.Errorf("errors without a kernel: %v", describe(ds))
	}
}
