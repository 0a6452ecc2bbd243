package eval

import (
	"slices"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/syntax"
)

// checkCase is a program, an expectation, and the kinds of miss wanted
// (nil: the program meets the expectation), with a text one message must
// contain.
type checkCase struct {
	name   string
	src    string
	expect Expect
	want   []string
	msg    string
}

func runCheckCases(t *testing.T, tests []checkCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.expect.validate(); err != nil {
				t.Fatalf("bad test expectation: %v", err)
			}
			misses := tt.expect.Check(parse(t, "t.bt", tt.src), []byte(tt.src))
			var kinds []string
			found := tt.msg == ""
			for _, m := range misses {
				kinds = append(kinds, m.Kind)
				found = found || strings.Contains(m.Message, tt.msg)
			}
			if !slices.Equal(kinds, tt.want) {
				t.Errorf("misses %v, want kinds %v", misses, tt.want)
			}
			if !found {
				t.Errorf("no message contains %q: %v", tt.msg, misses)
			}
		})
	}
}

func probes(alts ...string) Expect { return Expect{Probes: [][]string{alts}} }

func TestProbeMatching(t *testing.T) {
	miss := []string{KindProbes}
	runCheckCases(t, []checkCase{
		{"provider alias in the program", "k:tcp_connect { }", probes("kprobe:tcp_connect"), nil, ""},
		{"provider alias in the pattern", "tracepoint:sched:sched_switch { }", probes("t:sched:sched_switch"), nil, ""},
		{"kretprobe is not kprobe", "kr:vfs_read { }", probes("kprobe:vfs_read"), miss, "no probe matches any of kprobe:vfs_read"},
		{"BEGIN and begin are one probe", "BEGIN { }", probes("begin"), nil, ""},
		{"quotes around a path do not matter", `uretprobe:"/bin/bash":readline { }`, probes("uretprobe:*bash:readline"), nil, ""},
		{"the vmlinux module is the default", "kprobe:vmlinux:tcp_connect { }", probes("kprobe:tcp_connect"), nil, ""},
		{"a wildcard in the pattern", "tracepoint:syscalls:sys_enter_openat { }", probes("tracepoint:syscalls:sys_enter_open*"), nil, ""},
		{"a wildcard in the program covers a concrete pattern", "tracepoint:syscalls:sys_enter_open* { }", probes("tracepoint:syscalls:sys_enter_openat"), nil, ""},
		{"two wildcards are not compared", "kprobe:* { }", probes("kprobe:tcp_*"), miss, ""},
		{"no prefix match without a wildcard", "kprobe:vfs_readv { }", probes("kprobe:vfs_read"), miss, ""},
		{"software alias", "s:page-faults:1 { }", probes("software:page-faults*"), nil, ""},
		{"any attach point of a probe", "kprobe:a, kprobe:tcp_connect { }", probes("kprobe:tcp_connect"), nil, ""},
		{"any alternative", "tracepoint:sock:inet_sock_set_state { }", probes("kprobe:tcp_connect", "tracepoint:sock:inet_sock_set_state"), nil, ""},
		{"every group", "kprobe:vfs_read { }", Expect{Probes: [][]string{{"kprobe:vfs_read"}, {"kretprobe:vfs_read"}}}, miss, "kretprobe:vfs_read"},
	})
}

func TestAtomMatching(t *testing.T) {
	outputs := func(alts ...string) Expect { return Expect{Outputs: [][]string{alts}} }
	filters := func(alts ...string) Expect { return Expect{Filters: [][]string{alts}} }
	keys := func(alts ...string) Expect { return Expect{Keys: [][]string{alts}} }
	out, filt, key := []string{KindOutputs}, []string{KindFilters}, []string{KindKeys}
	runCheckCases(t, []checkCase{
		{"a builtin in printf", `BEGIN { printf("%d\n", pid); }`, outputs("pid"), nil, ""},
		{"an identifier in a comment is not printed", "// pid\nBEGIN { printf(\"x\\n\"); }", outputs("pid"), out, "involves any of pid"},
		{"an identifier in a string is not printed", `BEGIN { printf("pid %d\n", 1); }`, outputs("pid"), out, ""},
		{"a field name", `tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args.filename)); }`, outputs("filename"), nil, ""},
		{"a function name", `kprobe:f { printf("%s\n", ksym(arg0)); }`, outputs("ksym"), nil, ""},
		{"through a variable", `t:syscalls:sys_enter_openat { $f = args.filename; printf("%s\n", str($f)); }`, outputs("filename"), nil, ""},
		{"variables belong to their probe", `k:a { $x = comm; } k:b { printf("%s\n", $x); }`, outputs("comm"), out, ""},
		{"through a map", `t:syscalls:sys_enter_openat { @f[tid] = args.filename; } t:syscalls:sys_exit_openat { printf("%s\n", str(@f[tid])); delete(@f[tid]); }`, outputs("filename"), nil, ""},
		{"the key a map is read with is not printed", `t:syscalls:sys_enter_openat { @f[tid] = args.filename; } t:syscalls:sys_exit_openat { printf("%s\n", str(@f[tid])); delete(@f[tid]); }`, outputs("tid"), out, ""},
		{"a printed map's keys and values", `k:f { @[comm] = sum(arg2); }`, Expect{Outputs: [][]string{{"comm"}, {"arg2"}}}, nil, ""},
		{"a map deleted from is not printed", `k:f { @start[tid] = nsecs; } kr:f { delete(@start[tid]); }`, keys("tid"), key, "no printed map has a key involving any of tid"},
		{"a map cleared at END is not printed", `k:f { @seen[pid] = 1; } END { clear(@seen); }`, keys("pid"), key, ""},
		{"print() prints a map even if deleted from", `k:f { @s[pid] = 1; delete(@s[pid]); } interval:s:1 { print(@s); }`, keys("pid"), nil, ""},
		{"a key through a variable", `k:f { $c = comm; @[$c] = count(); }`, keys("comm"), nil, ""},
		{"a key through another map", `k:f { @st[tid] = kstack; @t[@st[tid]] = count(); }`, keys("kstack"), nil, ""},
		{"a value is not a key", `k:f { @[pid] = hist(retval); }`, keys("retval"), key, ""},
		{"a string in a predicate", `t:syscalls:sys_enter_openat /comm == "bash"/ { }`, Expect{Filters: [][]string{{"comm"}, {`"bash"`}}}, nil, ""},
		{"a string printed is not a filter", `BEGIN { printf("bash\n"); }`, filters(`"bash"`), filt, `no predicate or if condition tests any of "bash"`},
		{"an if condition", `kr:f { if (retval < 0) { printf("x\n"); } }`, filters("retval"), nil, ""},
		{"a condition through a variable", `kr:f { $r = retval; if ($r < 0) { printf("x\n"); } }`, filters("retval"), nil, ""},
		{"a map read in a predicate tests its key", `k:f /@traced[pid]/ { }`, filters("pid"), nil, ""},
		{"an integer with a duration suffix", `kr:f { $d = nsecs - @s[tid]; if ($d > 10ms) { printf("x\n"); } }`, Expect{Filters: [][]string{{"10000000"}, {"10ms"}}}, nil, ""},
		{"a hexadecimal integer", `t:sock:inet_sock_set_state /args.dport == 0x1bb/ { }`, filters("443"), nil, ""},
		{"a ternary is not a filter", `kr:f { printf("%d\n", retval < 0 ? 1 : 0); }`, filters("retval"), filt, ""},
	})
}

func TestAggregations(t *testing.T) {
	aggs := func(alts ...string) Expect { return Expect{Aggregations: [][]string{alts}} }
	miss := []string{KindAggregations}
	runCheckCases(t, []checkCase{
		{"count()", `k:f { @[comm] = count(); }`, aggs("count"), nil, ""},
		{"++ counts", `k:f { @[comm]++; }`, aggs("count"), nil, ""},
		{"+= 1 counts", `k:f { @n += 1; }`, aggs("count"), nil, ""},
		{"+= x sums", `kr:f { @bytes += retval; }`, aggs("sum"), nil, ""},
		{"lhist is not hist", `kr:f { @ = lhist(retval, 0, 100, 10); }`, aggs("hist"), miss, "no map is filled with any of hist"},
		{"an aggregation not stored in a map", `kr:f { printf("%d\n", 1); }`, aggs("count"), miss, ""},
	})
}

func TestByteOrder(t *testing.T) {
	bo := Expect{ByteOrder: true}
	miss := []string{KindByteOrder}
	const sk = `kprobe:tcp_connect { $sk = (struct sock *)arg0; `
	runCheckCases(t, []checkCase{
		{"a raw port printed", sk + `printf("%d\n", $sk->__sk_common.skc_dport); }`, bo, miss, "skc_dport is in network byte order but reaches `$sk->__sk_common.skc_dport`"},
		{"bswap", sk + `printf("%d\n", bswap($sk->__sk_common.skc_dport)); }`, bo, nil, ""},
		{"ntop for an address", sk + `printf("%s\n", ntop($sk->__sk_common.skc_daddr)); }`, bo, nil, ""},
		{"a hand-written swap", sk + `$p = $sk->__sk_common.skc_dport; printf("%d\n", ($p >> 8) | (($p & 0xff) << 8)); }`, bo, nil, ""},
		{"raw through a variable", sk + `$p = $sk->__sk_common.skc_dport; printf("%d\n", $p); }`, bo, miss, ""},
		{"raw through a map", sk + `@p[tid] = $sk->__sk_common.skc_dport; } kretprobe:tcp_connect { printf("%d\n", @p[tid]); delete(@p[tid]); }`, bo, miss, ""},
		{"a raw map key", sk + `@[$sk->__sk_common.skc_dport] = count(); }`, bo, miss, ""},
		{"a raw comparison", `kprobe:tcp_connect /((struct sock *)arg0)->__sk_common.skc_dport == 80/ { }`, bo, miss, ""},
		{"comparing with 0 is order-free", `kprobe:tcp_connect /((struct sock *)arg0)->__sk_common.skc_daddr != 0/ { }`, bo, nil, ""},
		{"a raw field only stored", sk + `$p = $sk->__sk_common.skc_dport; }`, bo, nil, ""},
		{"tracepoint ports are in host order", `t:sock:inet_sock_set_state { printf("%d\n", args.dport); }`, bo, nil, ""},
		{"tracepoint addresses are raw bytes", `t:sock:inet_sock_set_state { printf("%d\n", args.daddr); }`, bo, miss, ""},
		{"a byte of an address is fine", `t:sock:inet_sock_set_state { printf("%d\n", args.daddr[0]); }`, bo, nil, ""},
	})
}

func TestUnits(t *testing.T) {
	us := Expect{Units: "us"}
	ms := Expect{Units: "ms"}
	miss := []string{KindUnits}
	const entry = `kprobe:f { @s[tid] = nsecs; } `
	runCheckCases(t, []checkCase{
		{"microseconds", entry + `kretprobe:f { @us = hist((nsecs - @s[tid]) / 1000); delete(@s[tid]); }`, us, nil, ""},
		{"the wrong unit", entry + `kretprobe:f { @us = hist((nsecs - @s[tid]) / 1000); delete(@s[tid]); }`, ms, miss, "is in us, not ms (divide nanoseconds by 1000000)"},
		{"no division", entry + `kretprobe:f { @us = hist(nsecs - @s[tid]); delete(@s[tid]); }`, us, miss, "is in ns, not us"},
		{"both ends scaled", `kprobe:f { @s[tid] = nsecs / 1000; } kretprobe:f { @us = hist(nsecs / 1000 - @s[tid]); delete(@s[tid]); }`, us, nil, ""},
		{"mixed units are no delta", `kprobe:f { @s[tid] = nsecs / 1000; } kretprobe:f { @us = hist(nsecs - @s[tid]); delete(@s[tid]); }`, us, miss, "no time delta"},
		{"a delta through a variable, printed", entry + `kretprobe:f { $d = (nsecs - @s[tid]) / 1e6; printf("%d ms\n", $d); delete(@s[tid]); }`, ms, nil, ""},
		{"underscores and duration literals", entry + `kretprobe:f { printf("%d %d\n", (nsecs - @s[tid]) / 1_000_000, (nsecs - @s[tid]) / 1ms); delete(@s[tid]); }`, ms, nil, ""},
		{"elapsed", `BEGIN { @t = elapsed; } interval:s:1 { printf("%d\n", (elapsed - @t) / 1000000); }`, ms, nil, ""},
		{"a timestamp is not a delta", `kprobe:f { printf("%d\n", nsecs / 1000); }`, us, miss, "no time delta"},
		{"a delta kept in a temporary map is not reported", entry + `kretprobe:f { @d[tid] = (nsecs - @s[tid]) / 1000; delete(@d[tid]); delete(@s[tid]); }`, us, miss, "no time delta"},
		{"every reported delta counts", entry + `kretprobe:f { @a = hist((nsecs - @s[tid]) / 1000); @b = avg(nsecs - @s[tid]); delete(@s[tid]); }`, us, miss, "`avg(nsecs - @s[tid])` is in ns"},
		{"a process age from start_time", `t:sched:sched_process_exit { printf("%d\n", (nsecs - curtask->start_time) / 1000000); }`, ms, nil, ""},
		{"a cycle of variables", `k:f { $a = $b; $b = $a; printf("%d\n", $a - $b); }`, ms, miss, "no time delta"},
	})
}

func TestInterval(t *testing.T) {
	five := Expect{Interval: 5}
	miss := []string{KindInterval}
	runCheckCases(t, []checkCase{
		{"interval:s:5", `interval:s:5 { print(@x); }`, five, nil, ""},
		{"alias and milliseconds", `i:ms:5000 { printf("tick\n"); }`, five, nil, ""},
		{"a duration suffix", `interval:5s { time(); }`, five, nil, ""},
		{"a lone number is nanoseconds", `interval:5000000000 { time(); }`, five, nil, ""},
		{"hz", `interval:hz:2 { print(@x); }`, Expect{Interval: 0.5}, nil, ""},
		{"the wrong period", `interval:s:1 { print(@x); }`, five, miss, "no interval probe fires every 5s (found interval:s:1)"},
		{"an interval that prints nothing", `interval:s:5 { clear(@x); }`, five, miss, "interval:s:5 prints nothing"},
		{"a profile probe is no interval", `profile:s:5 { print(@x); }`, five, miss, ""},
	})
}

func TestForbid(t *testing.T) {
	forbid := Expect{Forbid: []string{"system", "signal"}}
	runCheckCases(t, []checkCase{
		{"a forbidden call", `k:f { system("ls"); }`, forbid, []string{KindForbid}, "uses system"},
		{"a field name is not a call", `k:f { printf("%d\n", curtask->signal->nr_threads); }`, forbid, nil, ""},
		{"in a string or a comment it does not count", "// signal\nk:f { printf(\"system\\n\"); }", forbid, nil, ""},
	})
}

func TestCheckNil(t *testing.T) {
	e := Expect{Probes: [][]string{{"BEGIN"}}, Outputs: [][]string{{"pid"}}, ByteOrder: true, Units: "ms", Interval: 1, Forbid: []string{"system"}}
	var kinds []string
	for _, m := range e.Check(nil, nil) {
		kinds = append(kinds, m.Kind)
	}
	if want := []string{KindProbes, KindOutputs, KindUnits, KindInterval}; !slices.Equal(kinds, want) {
		t.Errorf("Check(nil) kinds = %v, want %v", kinds, want)
	}
}

// TestCheckHandBuiltTree gives Check a tree no parser makes, full of nil
// nodes: it must not panic.
func TestCheckHandBuiltTree(t *testing.T) {
	call := func(name string, args ...syntax.Expr) syntax.Stmt {
		return &syntax.ExprStmt{X: &syntax.CallExpr{Fun: &syntax.Ident{Name: name}, Args: args}}
	}
	body := &syntax.Block{Stmts: []syntax.Stmt{
		&syntax.AssignStmt{Lhs: (*syntax.MapExpr)(nil), Rhs: (*syntax.CallExpr)(nil)},
		&syntax.AssignStmt{Lhs: &syntax.MapExpr{Name: "@m"}, Op: syntax.Assign, Rhs: &syntax.CallExpr{}},
		&syntax.AssignStmt{Lhs: &syntax.Variable{Name: "$v"}, Op: syntax.PlusAssign, Rhs: (*syntax.IntLit)(nil)},
		call("print", (*syntax.MapExpr)(nil)),
		call("delete", (*syntax.MapExpr)(nil)),
		call("printf", nil, &syntax.BinaryExpr{X: (*syntax.Ident)(nil), Op: syntax.Slash, Y: (*syntax.ParenExpr)(nil)}),
		call("printf", nil, &syntax.BinaryExpr{X: &syntax.Variable{Name: "$v"}, Op: syntax.Minus, Y: &syntax.FieldExpr{}}),
		call("printf", nil, &syntax.TernaryExpr{}, &syntax.CallExpr{}, (*syntax.Variable)(nil)),
		call("printf", nil, &syntax.BinaryExpr{Op: syntax.Plus, Y: &syntax.FieldExpr{Name: &syntax.Ident{Name: "skc_dport"}}}),
		&syntax.ExprStmt{X: &syntax.IfExpr{Cond: (*syntax.BinaryExpr)(nil)}},
		&syntax.ExprStmt{X: &syntax.PostfixExpr{X: (*syntax.MapExpr)(nil), Op: syntax.Inc}},
		&syntax.LetStmt{Var: (*syntax.Variable)(nil)},
		&syntax.ForStmt{Var: &syntax.Variable{Name: "$k"}, Iter: (*syntax.MapExpr)(nil)},
	}}
	file := &syntax.File{Decls: []syntax.Decl{
		(*syntax.Probe)(nil),
		nil,
		&syntax.Probe{AttachPoints: []*syntax.AttachPoint{nil, {Provider: "interval", Parts: []string{"s"}}}, Predicate: (*syntax.Ident)(nil), Body: body},
		&syntax.Probe{},
	}}
	e := Expect{
		Probes: [][]string{{"kprobe:*"}}, Outputs: [][]string{{"pid"}}, Filters: [][]string{{`"bash"`}},
		Keys: [][]string{{"comm"}}, Aggregations: [][]string{{"hist"}}, ByteOrder: true,
		Units: "us", Interval: 1, Forbid: []string{"system"},
	}
	if len(e.Check(file, []byte("short"))) == 0 {
		t.Error("an empty hand-built tree meets every expectation")
	}
}
