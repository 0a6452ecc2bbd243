package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
	"github.com/kenlsp/ken/internal/benchtool"
)

// mutations returns the programs operator op makes of src, one per
// candidate, sorted. With types, src is analysed against the test kernel
// first and must have no errors.
func mutations(t *testing.T, op, src string, types bool) []string {
	t.Helper()
	var p *program
	if types {
		r := analysis.Check(source.NewFile("test.bt", []byte(src)), analysis.Config{Kernel: kerneltest.Snapshot(t), Dialect: dialect.V(0, 23)})
		if diag.HasErrors(r.Diagnostics) {
			t.Fatalf("test program has errors: %v\n%s", r.Diagnostics, src)
		}
		p = newProgram([]byte(src), r.AST, r.Info)
	} else {
		file, diags := syntax.Parse(source.NewFile("test.bt", []byte(src)))
		if diag.HasErrors(diags) {
			t.Fatalf("test program does not parse:\n%s", src)
		}
		p = newProgram([]byte(src), file, nil)
	}
	var gen func(*program) []candidate
	for _, o := range operators {
		if o.name == op {
			gen = o.gen
		}
	}
	if gen == nil {
		t.Fatalf("no operator %s", op)
	}
	var out []string
	for _, c := range gen(p) {
		if c.desc == "" {
			t.Errorf("%s: empty description", op)
		}
		for i, e := range c.edits {
			if e.start > e.end || (i > 0 && c.edits[i-1].end > e.start) {
				t.Errorf("%s: edits not sorted or overlapping: %+v", op, c.edits)
			}
		}
		out = append(out, string(c.apply(p.text)))
	}
	slices.Sort(out)
	return out
}

const sockPrefix = "kprobe:tcp_connect { $sk = (struct sock *)arg0; "

func TestOperators(t *testing.T) {
	tests := []struct {
		name, op, src string
		types         bool
		want          []string
	}{
		{"bswap call", "drop-bswap",
			`BEGIN { printf("%d %d\n", bswap($1), bswap($1 + 1)); }`, false,
			[]string{
				`BEGIN { printf("%d %d\n", $1, bswap($1 + 1)); }`,
				`BEGIN { printf("%d %d\n", bswap($1), ($1 + 1)); }`,
			}},
		{"swap by hand", "drop-bswap",
			`BEGIN { $p = $1; @a[($p >> 8) | (($p << 8) & 0xff00)] = 1; @b[(($p & 0xff) << 8) | ($p >> 8)] = 1; }`, false,
			[]string{
				`BEGIN { $p = $1; @a[$p] = 1; @b[(($p & 0xff) << 8) | ($p >> 8)] = 1; }`,
				`BEGIN { $p = $1; @a[($p >> 8) | (($p << 8) & 0xff00)] = 1; @b[$p] = 1; }`,
			}},
		{"not a swap", "drop-bswap", `BEGIN { $p = $1; @a[($p >> 8) | ($2 << 8)] = 1; @b[$p | 8] = 1; }`, false, nil},

		{"tid and pid keys", "swap-tid-pid",
			`kprobe:f { @s[tid] = nsecs; $x = tid; } kretprobe:f { @t[pid, comm] = 1; delete(@s, tid); }`, false,
			[]string{
				`kprobe:f { @s[pid] = nsecs; $x = tid; } kretprobe:f { @t[pid, comm] = 1; delete(@s, tid); }`,
				`kprobe:f { @s[tid] = nsecs; $x = tid; } kretprobe:f { @t[pid, comm] = 1; delete(@s, pid); }`,
				`kprobe:f { @s[tid] = nsecs; $x = tid; } kretprobe:f { @t[tid, comm] = 1; delete(@s, tid); }`,
			}},
		{"no id keys", "swap-tid-pid", `kprobe:f { @s[cpu] = tid; }`, false, nil},

		{"predicate inline", "remove-predicate",
			`kprobe:f /pid == 1/ { @ = 1; } kprobe:g { @ = 2; }`, false,
			[]string{`kprobe:f  { @ = 1; } kprobe:g { @ = 2; }`}},
		{"predicate on its own line", "remove-predicate",
			"kretprobe:f\n/@start[tid]/\n{\n\t@ = 1;\n}\n", false,
			[]string{"kretprobe:f\n{\n\t@ = 1;\n}\n"}},
		{"predicate with comments", "remove-predicate",
			"kprobe:f\n/pid != 0 /* idle */ && tid > 1 /* us */ /\n{ @ = 1; }", false,
			[]string{"kprobe:f\n{ @ = 1; }"}},

		{"comparisons", "flip-comparison",
			`kprobe:f /arg0 < 2 && arg1 == 3/ { @ = arg2 >= 4 ? 1 : 0; $x = arg3 + 1; }`, false,
			[]string{
				`kprobe:f /arg0 < 2 && arg1 != 3/ { @ = arg2 >= 4 ? 1 : 0; $x = arg3 + 1; }`,
				`kprobe:f /arg0 < 2 && arg1 == 3/ { @ = arg2 < 4 ? 1 : 0; $x = arg3 + 1; }`,
				`kprobe:f /arg0 >= 2 && arg1 == 3/ { @ = arg2 >= 4 ? 1 : 0; $x = arg3 + 1; }`,
			}},
		{"greater and not equal", "flip-comparison",
			`kprobe:f { if (arg0 > 1) { @ = 1; } if (arg1 <= 2) { @ = 2; } if (arg2 != 0) { @ = 3; } }`, false,
			[]string{
				`kprobe:f { if (arg0 <= 1) { @ = 1; } if (arg1 <= 2) { @ = 2; } if (arg2 != 0) { @ = 3; } }`,
				`kprobe:f { if (arg0 > 1) { @ = 1; } if (arg1 <= 2) { @ = 2; } if (arg2 == 0) { @ = 3; } }`,
				`kprobe:f { if (arg0 > 1) { @ = 1; } if (arg1 > 2) { @ = 2; } if (arg2 != 0) { @ = 3; } }`,
			}},

		{"constants", "off-by-constant",
			`kprobe:f /arg0 > 5 && arg1 != 0/ { @ = arg2 + 7; }`, false,
			[]string{
				`kprobe:f /arg0 > 0 && arg1 != 0/ { @ = arg2 + 7; }`,
				`kprobe:f /arg0 > 5000 && arg1 != 0/ { @ = arg2 + 7; }`,
			}},
		{"duration on the left", "off-by-constant",
			`kprobe:f { if (1ms <= arg0) { @ = 1; } }`, false,
			[]string{
				`kprobe:f { if (0 <= arg0) { @ = 1; } }`,
				`kprobe:f { if (1000000000 <= arg0) { @ = 1; } }`,
			}},

		{"delete moved and inserted", "delete-before-use",
			"kretprobe:f\n/@start[tid]/\n{\n\t$s = @start[tid];\n\tdelete(@start[tid]);\n}\n", false,
			[]string{
				"kretprobe:f\n/@start[tid]/\n{\n\tdelete(@start[tid]);\n\t$s = @start[tid];\n\tdelete(@start[tid]);\n}\n",
				"kretprobe:f\n/@start[tid]/\n{\n\tdelete(@start[tid]);\n\t$s = @start[tid];\n}\n",
			}},
		{"delete with a key argument", "delete-before-use",
			"k:f { if (@m[tid] > 0) { @x = 1; } delete(@m, tid); }", false,
			[]string{
				"k:f { delete(@m, tid); if (@m[tid] > 0) { @x = 1; }  }",
				"k:f { delete(@m[tid]); if (@m[tid] > 0) { @x = 1; } delete(@m, tid); }",
			}},
		{"another key is not moved", "delete-before-use",
			"k:f { $a = @m[pid]; delete(@m[tid]); }", false,
			[]string{"k:f { delete(@m[pid]); $a = @m[pid]; delete(@m[tid]); }"}},
		{"writes are not reads", "delete-before-use", "BEGIN { @m[1] = 2; delete(@m[1]); }", false, nil},

		{"port and local port", "wrong-field",
			sockPrefix + `printf("%d %d\n", $sk->__sk_common.skc_num, $sk->__sk_common.skc_dport); }`, true,
			[]string{
				sockPrefix + `printf("%d %d\n", $sk->__sk_common.skc_dport, $sk->__sk_common.skc_dport); }`,
				sockPrefix + `printf("%d %d\n", $sk->__sk_common.skc_num, $sk->__sk_common.skc_num); }`,
			}},
		{"no types, no mutants", "wrong-field",
			sockPrefix + `printf("%d\n", $sk->__sk_common.skc_num); }`, false, nil},
		{"other widths are left alone", "wrong-field",
			sockPrefix + `printf("%d\n", $sk->__sk_common.skc_family); }`, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mutations(t, tt.op, tt.src, tt.types)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s of\n%s\ngot\n%s\nwant\n%s", tt.op, tt.src, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestMutantsParse checks that every operator's mutants of the corpus
// parse: the edits keep the syntax whole.
func TestMutantsParse(t *testing.T) {
	files, err := benchtool.CollectFiles([]string{"../../analysis/testdata/valid"})
	if err != nil {
		t.Fatal(err)
	}
	k := kerneltest.Snapshot(t)
	n := 0
	for _, path := range files {
		text := readFile(t, path)
		if !isOK(text) {
			continue
		}
		r := analysis.Check(source.NewFile(path, text), analysis.Config{Kernel: k, Dialect: dialect.V(0, 23)})
		p := newProgram(text, r.AST, r.Info)
		for _, op := range operators {
			for _, c := range op.gen(p) {
				n++
				mutated := c.apply(text)
				if string(mutated) == string(text) {
					t.Errorf("%s: %s: %s leaves the text unchanged", path, op.name, c.desc)
				}
				if _, diags := syntax.Parse(source.NewFile("m.bt", mutated)); diag.HasErrors(diags) {
					t.Errorf("%s: %s: %s does not parse: %s", path, op.name, c.desc, diags[0].Message)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no mutants of the corpus")
	}
}
