package dialect

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// tp is the probe the table snippets use: it exists on every kernel
// bpftrace supports and needs nothing from its args.
const tp = "tracepoint:syscalls:sys_enter_openat"

// in wraps statements into a complete program.
func in(body string) string { return tp + " { " + body + " }\n" }

// checkCase is one snippet of the feature table test.
type checkCase struct {
	name string
	src  string    // a complete program
	want []Feature // every feature it uses
	// gateOpen says the program's config enables the gate of its gated
	// features.
	gateOpen bool
	// list marks programs that bpftrace 0.23 can only be asked to parse
	// (bpftrace -l), because compiling them fails for reasons unrelated to
	// syntax (no such field, a crash in 0.23's fn support); the others are
	// compiled with --emit-elf.
	list bool
}

var checkCases = []checkCase{
	{name: "baseline", src: in(`printf("%d\n", pid);`)},
	{name: "baseline-if-else", src: in(`if (pid == 1) { print(1); } else if (pid == 2) { print(2); } else { print(3); }`)},
	{name: "baseline-loops", src: in(`$i = 0; while ($i < 2) { $i++; } unroll(2) { print($i); }`)},
	{name: "baseline-ternary", src: in(`$x = pid > 1 ? 1 : 2; print($x); pid ? printf("a") : printf("b");`)},
	{name: "baseline-tuple", src: in(`$t = (1, "a"); print($t.0);`)},
	{name: "baseline-cast", src: in(`$p = (struct task_struct *)curtask; print($p->pid);`)},
	{name: "baseline-trailing-comma", src: tp + ", { print(1); }\n"},
	{name: "offsetof", src: in(`print(offsetof(struct task_struct, pid));`), want: []Feature{FeatureOffsetof}},
	{name: "array-cast", src: in(`$a = (uint8[8])1234; print($a);`), want: []Feature{FeatureArrayCast}},
	{name: "config", src: "config = { max_map_keys = 100 }\n" + in(`print(1);`), want: []Feature{FeatureConfigBlock}},
	{name: "config-empty", src: "config = { }\n" + in(`print(1);`), want: []Feature{FeatureConfigBlock, FeatureConfigEmpty}},
	{name: "config-semicolon", src: "config = { max_map_keys = 100; }\n" + in(`print(1);`),
		want: []Feature{FeatureConfigBlock, FeatureConfigTrailingSemicolon}},
	{name: "fn", src: "fn f($a: int64): int64 { return $a; }\n" + in(`print(1);`),
		want: []Feature{FeatureUserFunction, FeatureReturnValue}, list: true},
	{name: "for-map", src: in(`@m[1] = 2; for ($kv : @m) { print($kv.0); }`), want: []Feature{FeatureForMap}},
	{name: "return-value", src: in(`return 1;`), want: []Feature{FeatureReturnValue}},
	{name: "keyword-field", src: in(`print(curtask.if);`), want: []Feature{FeatureKeywordFieldName}, list: true},
	{name: "let", src: in(`let $x; $x = 2; print($x);`), want: []Feature{FeatureLet}},
	{name: "typed-let", src: in(`let $x: int64 = 2; print($x);`), want: []Feature{FeatureTypedLet}},
	{name: "offsetof-nested", src: in(`print(offsetof(struct task_struct, se.vruntime));`),
		want: []Feature{FeatureOffsetof, FeatureOffsetofNested}},
	{name: "lowercase-begin", src: "begin { print(1); }\n", want: []Feature{FeatureLowercaseBeginEnd}},
	{name: "lowercase-end", src: "End { print(1); }\n", want: []Feature{FeatureLowercaseBeginEnd}},
	{name: "duration", src: in(`$t = 10ms; print($t);`), want: []Feature{FeatureDurationLiteral}},
	{name: "duration-seconds", src: in(`$t = nsecs / 1s; print($t);`), want: []Feature{FeatureDurationLiteral}},
	{name: "bool-config", src: "config = { print_maps_on_exit = false }\n" + in(`print(1);`),
		want: []Feature{FeatureConfigBlock, FeatureBoolLiteral}},
	// Before 0.24 true is a name that vmlinux BTF defines (enum { false, true }).
	{name: "bool-expression", src: in(`$b = true; print($b);`)},
	{name: "address-of", src: in(`$x = 1; $p = &$x; print($p);`), want: []Feature{FeatureAddressOf}},
	{name: "block-statement", src: in(`$x = 1; { $y = 2; } print($x);`), want: []Feature{FeatureBlockExpression}},
	{name: "block-value", src: in(`$x = { $a = 1; $a + 1 }; print($x);`), want: []Feature{FeatureBlockExpression}},
	{name: "range-for", src: in(`for ($i : 0..3) { print($i); }`), want: []Feature{FeatureRangeFor}},
	{name: "map-declaration", src: "let @m = hash(10);\n" + in(`@m[1] = 1;`), want: []Feature{FeatureMapDeclaration}},
	{name: "macro", src: "macro inc(x) { x + 1 }\n" + in(`print(inc(1));`), want: []Feature{FeatureMacro}},
	{name: "macro-if-statement", src: "macro m(x) { if (x) { print(1); } }\n" + in(`m(1);`), want: []Feature{FeatureMacro}},
	{name: "macro-if-value", src: "macro m(x) { if (x) { 1 } else { 2 } }\n" + in(`print(m(1));`),
		want: []Feature{FeatureMacro, FeatureIfExpression}},
	{name: "if-else-if-value", src: in(`$x = if (pid == 1) { 1 } else if (pid == 2) { 2 } else { 3 }; print($x);`),
		want: []Feature{FeatureIfExpression}},
	{name: "import", src: "import \"helpers.bt\";\n" + in(`print(1);`), want: []Feature{FeatureImport}, list: true},
	{name: "unroll-expression", src: in(`unroll(1 + 1) { print(1); }`), want: []Feature{FeatureUnrollExpression}},
	{name: "uppercase-suffix", src: in(`$a = 10UL; print($a);`), want: []Feature{FeatureUppercaseIntSuffix}},
	{name: "if-without-parens", src: in(`if pid { print(1); }`), want: []Feature{FeatureIfWithoutParens}},
	{name: "if-not-without-parens", src: in(`if !pid { print(1); } else if (pid > 1) { print(2); }`),
		want: []Feature{FeatureIfWithoutParens}},
	{name: "while-without-parens", src: in(`$i = 2; while $i { $i--; }`), want: []Feature{FeatureLoopWithoutParens}},
	{name: "unroll-without-parens", src: in(`unroll 2 { print(1); }`), want: []Feature{FeatureLoopWithoutParens}},
	{name: "for-without-parens", src: in(`@m[1] = 2; for $kv : @m { print($kv.0); }`),
		want: []Feature{FeatureForMap, FeatureLoopWithoutParens}},
	{name: "if-expression", src: in(`$x = if (pid == 1) { 1 } else { 2 }; print($x);`), want: []Feature{FeatureIfExpression}},
	{name: "discard", src: in(`@m[1] = 1; _ = delete(@m, 1);`), want: []Feature{FeatureDiscard}},
	{name: "record", src: in(`$r = (a = 1, b = 2); print($r.a);`), want: []Feature{FeatureRecord}},
	{name: "one-tuple", src: in(`$t = (1,); print($t);`), want: []Feature{FeatureShortTuple}},
	{name: "empty-tuple", src: in(`$t = (); print($t);`), want: []Feature{FeatureShortTuple}},
	{name: "typeof", src: in(`let $x: typeof(1) = 2; print($x);`), want: []Feature{FeatureTypedLet, FeatureTypeof}},
	{name: "typeinfo", src: in(`print(typeinfo(1));`), want: []Feature{FeatureTypeinfo}},
	{name: "typeinfo-enabled", src: "config = { unstable_typeinfo = enable }\n" + in(`print(typeinfo(1));`),
		want: []Feature{FeatureConfigBlock, FeatureTypeinfo}, gateOpen: true},
	{name: "comptime", src: in(`$x = comptime 1; print($x);`), want: []Feature{FeatureComptime}},
	{name: "block-import", src: in(`import "helpers.bt"; print(1);`), want: []Feature{FeatureBlockImport}, list: true},
	{name: "probe-name", src: "opens=" + in(`print(1);`), want: []Feature{FeatureProbeName}},
	{name: "elvis", src: in(`$a = 0; $b = $a ?: 5; print($b);`), want: []Feature{FeatureElvis}},
	{name: "semicolon-after-if", src: in(`if (pid) { print(1); }; print(2);`), want: []Feature{FeatureSemicolonAfterBlock}},
	{name: "map-decl-no-semicolon", src: "let @m = hash(10)\n" + in(`@m[1] = 1;`),
		want: []Feature{FeatureMapDeclaration, FeatureMapDeclWithoutSemicolon}},
	{name: "import-then-config", src: "import \"helpers.bt\";\nconfig = { max_map_keys = 10 }\n" + in(`print(1);`),
		want: []Feature{FeatureImport, FeatureConfigBlock, FeatureImportBeforeConfig}, list: true},
	{name: "c-struct-attribute", src: "struct Foo { int a; } __attribute__((packed));\n" + in(`print(1);`),
		want: []Feature{FeatureCStructAttribute}},
	{name: "sigil-ternary", src: in(`$a = 1; $a ? printf("a") : printf("b");`), want: []Feature{FeatureSigilTernaryStatement}},
	{name: "sigil-ternary-compare", src: in(`@a = 1; @a == 1 ? printf("a") : printf("b");`),
		want: []Feature{FeatureSigilTernaryStatement}},
}

// allVersions lists every minor release ken models.
func allVersions() []Version {
	var vs []Version
	for v := Oldest; !Newest.Less(v); v.Minor++ {
		vs = append(vs, v)
	}
	return vs
}

// parse parses src and fails the test on syntax errors.
func parse(t *testing.T, name, src string) (*syntax.File, *source.File) {
	t.Helper()
	sf := source.NewFile(name, []byte(src))
	file, diags := syntax.Parse(sf)
	if diag.HasErrors(diags) {
		t.Fatalf("%s: syntax errors:\n%s\n%s", name, src, describe(diags))
	}
	return file, sf
}

func describe(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %d-%d %s: %s\n", d.Span.Start, d.Span.End, d.Code, d.Message)
	}
	return b.String()
}

// expected returns the features Check must report for c in version v.
func (c checkCase) expected(v Version) []Feature {
	var fs []Feature
	for _, f := range c.want {
		switch r := f.Refines(); {
		case r != 0 && !Has(v, r):
		case !Has(v, f):
			fs = append(fs, f)
		case f.Gate() != "" && !c.gateOpen:
			fs = append(fs, f)
		}
	}
	return sorted(fs)
}

func sorted(fs []Feature) []Feature {
	fs = slices.Clone(fs)
	slices.Sort(fs)
	return slices.Compact(fs)
}

func reported(found []finding) []Feature {
	var fs []Feature
	for _, f := range found {
		fs = append(fs, f.feature)
	}
	return sorted(fs)
}

// TestCheckFeatures runs every table snippet under every modelled version
// and requires exactly the features the version lacks to be reported, each
// as a well-formed diagnostic.
func TestCheckFeatures(t *testing.T) {
	for _, c := range checkCases {
		t.Run(c.name, func(t *testing.T) {
			file, sf := parse(t, c.name, c.src)
			for _, v := range allVersions() {
				found := check(file, sf, v)
				if got, want := reported(found), c.expected(v); !slices.Equal(got, want) {
					t.Errorf("%s: reported %v, want %v\n%s", v, got, want, describe(diagsOf(found)))
				}
				for _, f := range found {
					checkDiagnostic(t, f, sf, v)
				}
			}
		})
	}
}

func diagsOf(found []finding) []diag.Diagnostic {
	ds := make([]diag.Diagnostic, len(found))
	for i, f := range found {
		ds[i] = f.diag
	}
	return ds
}

// checkDiagnostic checks the invariants of one finding: code, severity,
// a non-empty span inside the text, a message naming both versions, and
// fixes whose edits lie inside the text.
func checkDiagnostic(t *testing.T, f finding, sf *source.File, v Version) {
	t.Helper()
	d := f.diag
	if d.Code != Code || d.Severity != diag.Error || d.Source != "ken" {
		t.Errorf("%s %s: code %q severity %v source %q", v, f.feature, d.Code, d.Severity, d.Source)
	}
	if d.Span.Start < 0 || d.Span.End > len(sf.Text) || d.Span.Len() <= 0 {
		t.Errorf("%s %s: span %v outside the text (%d bytes) or empty", v, f.feature, d.Span, len(sf.Text))
	}
	if !strings.Contains(d.Message, "bpftrace") || !strings.Contains(d.Message, v.String()) {
		t.Errorf("%s %s: message %q does not name the version", v, f.feature, d.Message)
	}
	for _, fix := range d.Fixes {
		for _, e := range fix.Edits {
			if e.Span.Start < 0 || e.Span.End > len(sf.Text) || e.Span.Start > e.Span.End {
				t.Errorf("%s %s: fix %q edit %v outside the text", v, f.feature, fix.Title, e.Span)
			}
		}
	}
}

// TestCheckFixes applies the first fix of every finding and requires the
// result to parse and to be free of every feature that was fixed.
func TestCheckFixes(t *testing.T) {
	fixes := 0
	for _, c := range checkCases {
		file, sf := parse(t, c.name, c.src)
		for _, v := range allVersions() {
			found := check(file, sf, v)
			text, fixed := applyFirstFixes(sf.Text, found)
			if len(fixed) == 0 {
				continue
			}
			fixes++
			name := fmt.Sprintf("%s@%s", c.name, v)
			file2, sf2 := parse(t, name, string(text))
			for _, f := range check(file2, sf2, v) {
				if fixed[f.feature] {
					t.Errorf("%s: %s still reported after its fix:\n%s", name, f.feature, text)
				}
			}
		}
	}
	if fixes == 0 {
		t.Fatal("no fixes were tried")
	}
}

// applyFirstFixes applies the first fix of every finding to text and
// returns the features all of whose findings had a fix.
func applyFirstFixes(text []byte, found []finding) ([]byte, map[Feature]bool) {
	fixed := map[Feature]bool{}
	var edits []diag.Edit
	for _, f := range found {
		if _, seen := fixed[f.feature]; !seen {
			fixed[f.feature] = true
		}
		if len(f.diag.Fixes) == 0 {
			fixed[f.feature] = false
			continue
		}
		edits = append(edits, f.diag.Fixes[0].Edits...)
	}
	for f, ok := range fixed {
		if !ok {
			delete(fixed, f)
		}
	}
	return applyEdits(text, edits), fixed
}

// applyEdits applies non-overlapping edits, last first so that offsets
// stay valid.
func applyEdits(text []byte, edits []diag.Edit) []byte {
	edits = slices.Clone(edits)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Span.Start > edits[j].Span.Start })
	out := slices.Clone(text)
	for _, e := range edits {
		out = slices.Concat(out[:e.Span.Start], []byte(e.NewText), out[e.Span.End:])
	}
	return out
}

// TestCheckWithoutText checks that a nil source skips the text-dependent
// checks instead of guessing.
func TestCheckWithoutText(t *testing.T) {
	file, _ := parse(t, "no-text", in(`if pid { $x = 10ms; }`))
	got := reported(check(file, nil, V(0, 23)))
	if want := []Feature{FeatureDurationLiteral}; !slices.Equal(got, want) {
		t.Errorf("reported %v, want %v", got, want)
	}
}

// TestCheckSpansAndFixes pins the exact span and fix of a few findings.
func TestCheckSpansAndFixes(t *testing.T) {
	tests := []struct {
		src     string
		v       Version
		span    string // the text the finding covers; "" for no finding
		message string
		fixed   string // the program after the first fix; "" for none
	}{
		{"begin { print(1); }", V(0, 23), "begin",
			"`begin` needs bpftrace 0.24 or newer; this file is checked as bpftrace 0.23",
			"BEGIN { print(1); }"},
		{in(`$b = $a ?: 5;`), V(0, 25), "?:",
			"`?:` needs bpftrace 0.26 or newer; this file is checked as bpftrace 0.25",
			in(`$b = $a ? $a : 5;`)},
		{in(`$b = count() ?: 5;`), V(0, 25), "?:", "", ""},
		{in(`if !pid { }`), V(0, 24), "!pid",
			"`if` without parentheses needs bpftrace 0.25 or newer; this file is checked as bpftrace 0.24",
			in(`if (!pid) { }`)},
		{in(`for $i : 0..3 { }`), V(0, 24), "$i : 0..3", "", in(`for ($i : 0..3) { }`)},
		{in(`$a = 10UL;`), V(0, 26), "UL",
			"uppercase integer suffix `UL` is rejected by bpftrace 0.24 and newer; this file is checked as bpftrace 0.26",
			in(`$a = 10ul;`)},
		{in(`$t = 2ms;`), V(0, 23), "2ms", "", in(`$t = 2000000;`)},
		{in(`_ = delete(@m, 1);`), V(0, 24), "_", "", in(`delete(@m, 1);`)},
		{in(`$a ? print(1) : print(2);`), V(0, 26), "?", "", in(`($a) ? print(1) : print(2);`)},
		{in(`$p = &$x;`), V(0, 23), "&", "", ""},
		{in(`$x = if (pid == 1) { 1 } else if (pid == 2) { 2 } else { 3 };`), V(0, 24), "if", "", ""},
		{"macro m(x) { if (x) { print(1); } }\n" + in(`m(1);`), V(0, 24), "", "", ""},
		{"macro m(x) { if (x) { 1 } else { 2 } }\n" + in(`print(m(1));`), V(0, 24), "if", "", ""},
		{"config = { a = 1; }\n" + in(""), V(0, 20), ";", "", "config = { a = 1 }\n" + in("")},
		{"let @m = hash(2)\n" + in(""), V(0, 25), ")", "", "let @m = hash(2);\n" + in("")},
		{in(`print(typeinfo(1));`), V(0, 26), "typeinfo",
			"`typeinfo` is unstable in bpftrace 0.26: enable it with `config = { unstable_typeinfo = enable }`", ""},
	}
	for _, tt := range tests {
		file, sf := parse(t, tt.src, tt.src)
		found := check(file, sf, tt.v)
		if tt.span == "" {
			if len(found) != 0 {
				t.Errorf("%q at %s: want no findings, got:\n%s", tt.src, tt.v, describe(diagsOf(found)))
			}
			continue
		}
		if len(found) != 1 {
			t.Errorf("%q at %s: %d findings, want 1:\n%s", tt.src, tt.v, len(found), describe(diagsOf(found)))
			continue
		}
		d := found[0].diag
		if got := string(sf.Text[d.Span.Start:d.Span.End]); got != tt.span {
			t.Errorf("%q at %s: span covers %q, want %q", tt.src, tt.v, got, tt.span)
		}
		if tt.message != "" && d.Message != tt.message {
			t.Errorf("%q at %s: message\n%s\nwant\n%s", tt.src, tt.v, d.Message, tt.message)
		}
		switch {
		case tt.fixed == "" && len(d.Fixes) > 0:
			t.Errorf("%q at %s: unexpected fix %q", tt.src, tt.v, d.Fixes[0].Title)
		case tt.fixed != "" && len(d.Fixes) == 0:
			t.Errorf("%q at %s: no fix, want %q", tt.src, tt.v, tt.fixed)
		case tt.fixed != "":
			if got := string(applyEdits(sf.Text, d.Fixes[0].Edits)); got != tt.fixed {
				t.Errorf("%q at %s: fixed to\n%s\nwant\n%s", tt.src, tt.v, got, tt.fixed)
			}
		}
	}
}

// TestCheckSorted checks that Check returns diagnostics in position order.
func TestCheckSorted(t *testing.T) {
	file, sf := parse(t, "sorted", "config = { x = true }\nbegin { $b = 1s; if $b { } }\n")
	ds := Check(file, sf, Oldest)
	if len(ds) != 4 {
		t.Fatalf("got %d diagnostics, want 4:\n%s", len(ds), describe(ds))
	}
	if !slices.IsSortedFunc(ds, func(a, b diag.Diagnostic) int { return a.Span.Start - b.Span.Start }) {
		t.Errorf("not sorted:\n%s", describe(ds))
	}
}
