package main

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// mutations returns the programs operator op makes of src, one per
// candidate, sorted.
func mutations(t *testing.T, op, src string) []string {
	t.Helper()
	p, ok := parseProgram("test.bt", []byte(src))
	if !ok {
		t.Fatalf("test program does not parse:\n%s", src)
	}
	var gen func(*program, *rand.Rand) []candidate
	for _, o := range operators {
		if o.name == op {
			gen = o.gen
		}
	}
	if gen == nil {
		t.Fatalf("no operator %s", op)
	}
	var out []string
	for _, c := range gen(p, rand.New(rand.NewPCG(1, 2))) {
		if c.desc == "" || strings.Contains(c.desc, "\n") {
			t.Errorf("%s: bad description %q", op, c.desc)
		}
		out = append(out, string(c.apply(p.text)))
	}
	slices.Sort(out)
	return out
}

// TestExactOperators checks the operators whose edits involve no random
// choice: every mutant they make of a small program.
func TestExactOperators(t *testing.T) {
	tests := []struct {
		op, src string
		want    []string
	}{
		{"field-drop-struct",
			`kprobe:f { $sk = (struct sock *)arg0; @[$sk->__sk_common.skc_dport] = count(); }`,
			[]string{`kprobe:f { $sk = (struct sock *)arg0; @[$sk->skc_dport] = count(); }`}},
		{"field-drop-struct", `BEGIN { @ = curtask->pid; }`, nil},
		{"retval-in-entry",
			`kprobe:f { @[pid] = arg0; } kretprobe:f { @[tid] = 1; }`,
			[]string{
				`kprobe:f { @[pid] = retval; } kretprobe:f { @[tid] = 1; }`,
				`kprobe:f { @[retval] = arg0; } kretprobe:f { @[tid] = 1; }`,
			}},
		{"retval-in-entry", `kprobe:f,kretprobe:f { @[pid] = 1; }`, nil},
		{"printf-verb",
			`BEGIN { printf("%-6d %s %lu %%d %x\n", pid, comm, nsecs); }`,
			[]string{
				`BEGIN { printf("%-6d %d %lu %%d %x\n", pid, comm, nsecs); }`,
				`BEGIN { printf("%-6d %s %s %%d %x\n", pid, comm, nsecs); }`,
				`BEGIN { printf("%-6s %s %lu %%d %x\n", pid, comm, nsecs); }`,
			}},
		{"printf-arity",
			`BEGIN { printf("%d %s\n", pid, comm); printf("hi\n"); }`,
			[]string{
				`BEGIN { printf("%d %s\n", pid); printf("hi\n"); }`,
				`BEGIN { printf("%d %s\n", pid, comm); printf("hi\n", pid); }`,
				`BEGIN { printf("%d %s\n", pid, comm, comm); printf("hi\n"); }`,
			}},
		{"str-drop",
			`tracepoint:a:b { @[str(args.filename)] = count(); }`,
			[]string{`tracepoint:a:b { @[args.filename] = count(); }`}},
		{"str-add",
			`BEGIN { printf("%d\n", pid); @[str($1)] = 1; }`,
			[]string{`BEGIN { printf("%d\n", str(pid)); @[str($1)] = 1; }`}},
		{"var-in-inner-block",
			`BEGIN { $x = 1; $x = 2; print($x); } END { $y = 1 }`,
			[]string{`BEGIN { if (pid > 0) { $x = 1; } $x = 2; print($x); } END { $y = 1 }`}},
		{"map-key-change",
			`BEGIN { @a[pid] = 1; @a["s"] = 2; @b[tid] = 1; }`,
			[]string{
				`BEGIN { @a["x"] = 1; @a["s"] = 2; @b[tid] = 1; }`,
				`BEGIN { @a[1] = 1; @a["s"] = 2; @b[tid] = 1; }`,
				`BEGIN { @a[pid] = 1; @a[1] = 2; @b[tid] = 1; }`,
			}},
		{"map-keyless",
			`BEGIN { @a[pid] = 1; delete(@a[pid]); @b[1] = 1; }`,
			[]string{
				`BEGIN { @a = 1; delete(@a[pid]); @b[1] = 1; }`,
				`BEGIN { @a[pid] = 1; delete(@a); @b[1] = 1; }`,
			}},
		{"aggregation-arith",
			"BEGIN {\n\t@c[comm] = count();\n}",
			[]string{
				"BEGIN {\n\t@c[comm] = count() + 1;\n}",
				"BEGIN {\n\t@c[comm] = count();\n\tif (@c[comm] > 100) { printf(\"hot\\n\"); }\n}",
			}},
		{"builtin-typo",
			`BEGIN { @[comm] = hist(pid); }`,
			[]string{
				`BEGIN { @[cmm] = hist(pid); }`,
				`BEGIN { @[comm] = hist(pdi); }`,
				`BEGIN { @[comm] = histogram(pid); }`,
			}},
		{"arity",
			`BEGIN { @[1] = count(); print(@, 5); }`,
			[]string{
				`BEGIN { @[1] = count(); print(@); }`,
				`BEGIN { @[1] = count(); print(@, 5, 1); }`,
				`BEGIN { @[1] = count(1); print(@, 5); }`,
			}},
		{"int-width",
			"BEGIN {\n\t$t = nsecs;\n\t@m = $t\n}",
			[]string{
				"BEGIN {\n\t$t = 0;\n\t$t = nsecs;\n\t@m = $t\n}",
				"BEGIN {\n\t$t = nsecs;\n\t$t = -1;\n\t@m = $t\n}",
				"BEGIN {\n\t$t = nsecs;\n\t@m = $t;\n\t@m = -1;\n}",
			}},
		{"pointer-arith",
			`kprobe:f { $a = (struct sock *)arg0; $b = curtask; }`,
			[]string{"kprobe:f { $a = (struct sock *)arg0; $b = curtask;\n$ptrdiff = $b - $a; }"}},
		{"cast-typo", `BEGIN { @ = sizeof(uint32); }`, nil},
		{"kprobe-to-tracepoint-args", `tracepoint:a:b { @ = arg0; }`, nil},
		{"tracepoint-to-kprobe-args", `kprobe:f { @ = args.x; }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			got := mutations(t, tt.op, tt.src)
			slices.Sort(tt.want)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s of\n%s\ngot\n%s\nwant\n%s", tt.op, tt.src, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestTypoOperators checks where the operators that misspell make their
// edit: the text they replace, and that what replaces it differs.
func TestTypoOperators(t *testing.T) {
	tests := []struct {
		op, src string
		want    []string // the replaced texts, sorted
	}{
		{"field-typo", `tracepoint:a:b { @[args->filename, args.fd, args.ret] = 1; }`, []string{"filename", "ret"}}, // fd is too short
		{"tracepoint-typo", `tracepoint:syscalls:sys_enter_* { } t:sched:sched_switch { } kprobe:vfs_read { }`,
			[]string{"sched", "sched_switch", "syscalls"}},
		{"probe-func-typo", `kprobe:vfs_read { } label=fentry:tcp_connect { } tracepoint:a:bcd { }`,
			[]string{"tcp_connect", "vfs_read"}},
		{"var-rename", `BEGIN { $abc = 1; @ = $abc + $abd; }`, []string{"$abc", "$abd"}},
		{"var-rename-def", `BEGIN { $abc = 1; $abc = 2; @ = $abc; $unused = 1; }`, []string{"$abc"}},
		{"cast-typo", `kprobe:f { @ = ((struct sock *)arg0)->sk_mark; }`, []string{"sock", "struct "}},
		{"kprobe-to-tracepoint-args", `kprobe:f { @ = arg1; }`, []string{"arg1"}},
		{"tracepoint-to-kprobe-args", `tracepoint:a:b { @ = args->fd; }`, []string{"args->fd"}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			p, _ := parseProgram("test.bt", []byte(tt.src))
			var got []string
			for _, o := range operators {
				if o.name != tt.op {
					continue
				}
				for _, c := range o.gen(p, rand.New(rand.NewPCG(1, 2))) {
					e := c.edits[0]
					old := tt.src[e.start:e.end]
					if old == e.repl {
						t.Errorf("%s: %q replaced by itself", c.desc, old)
					}
					got = append(got, old)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s replaced %q, want %q", tt.op, got, tt.want)
			}
		})
	}
}

func TestTypo(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, word := range []string{"skc_dport", "comm", "aab", "filename"} {
		for range 50 {
			got := typo(word, r)
			if got == word || got == "" || got[0] != word[0] {
				t.Fatalf("typo(%q) = %q", word, got)
			}
			if d := len(got) - len(word); d < -1 || d > 1 {
				t.Fatalf("typo(%q) = %q: more than one letter", word, got)
			}
		}
	}
	if got := typo("ab", r); got != "" {
		t.Errorf("typo(ab) = %q, want none", got)
	}
}

func TestVerbs(t *testing.T) {
	raw := `"%-16s %5.2lu %% %d\n"`
	var got []string
	for _, v := range verbs(raw) {
		got = append(got, raw[v.start:v.end])
	}
	if want := []string{"s", "lu", "d"}; !slices.Equal(got, want) {
		t.Errorf("verbs(%s) = %q, want %q", raw, got, want)
	}
}

func TestStripHeader(t *testing.T) {
	in := "// what it does\n// bpftrace-0.23: ok\n\n#!/usr/bin/env bpftrace\nBEGIN { } // end\n"
	want := "#!/usr/bin/env bpftrace\nBEGIN { } // end\n"
	if got := string(stripHeader([]byte(in))); got != want {
		t.Errorf("stripHeader = %q, want %q", got, want)
	}
}
