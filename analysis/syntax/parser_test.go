package syntax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
)

// errorsAt renders each diagnostic as "line:col message" for comparisons.
func errorsAt(text string) []string {
	f := source.NewFile("t.bt", []byte(text))
	_, diags := Parse(f)
	var out []string
	for _, d := range diags {
		p := f.Position(d.Span.Start)
		out = append(out, fmt.Sprintf("%d:%d %s", p.Line, p.Column, d.Message))
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // "line:col message-prefix" of every diagnostic, in order
	}{
		{"missing value", "kprobe:f { $x = ; }", []string{"1:17 expected expression, found ';'"}},
		{"missing semicolon on one line", "BEGIN { $x = 1 $y = 2; }", []string{"1:16 expected ';', found '$y'"}},
		{"missing semicolon then garbage", "BEGIN { $x = 1 2 3; @a = 1; }", []string{"1:16 expected ';', found '2'"}},
		{"cascade after an unterminated string", "BEGIN { printf(\"abc);\n}", []string{"1:16 unterminated string"}},
		{"cascade after an unterminated comment", "BEGIN { /* x", []string{"1:9 unterminated comment"}},
		{"probe without block skips its body", "def f():\n    print(1)\n    clear(2)\nEND { }", []string{"1:5 expected '{' to start the probe's block, found 'f'"}},
		{"half-typed probe", "kprobe:tcp_", []string{"1:12 expected '{' to start the probe's block, found end of file"}},
		{"unclosed block at eof", "BEGIN { printf(\"x\");", []string{"1:21 expected '}', found end of file"}},
		{"unclosed block before next probe", "BEGIN { @a = 1;\nkprobe:f { @b = 1; }", []string{"2:1 expected '}', found 'kprobe'"}},
		{"unterminated string", "BEGIN { printf(\"abc); }\nEND { }", []string{"1:16 unterminated string"}},
		{"invalid escape", `BEGIN { printf("\q"); }`, []string{`1:17 invalid escape character '\q'`}},
		{"octal escape out of range", `BEGIN { printf("\777"); }`, []string{`1:17 octal escape sequence out of range '\777'`}},
		{"invalid integer suffix", "BEGIN { $x = 10xyz; }", []string{"1:14 invalid integer suffix 'xyz'"}},
		{"trailing underscore", "BEGIN { $x = 1_000_; }", []string{"1:14 trailing underscore in integer literal"}},
		{"scientific coefficient", "BEGIN { $x = 12e3; }", []string{"1:14 coefficient part of scientific literal must be 1-9: 12e3"}},
		{"integer overflow", "BEGIN { $x = 18446744073709551616; }", []string{"1:14 integer overflow"}},
		{"unterminated comment", "BEGIN { } /* never closed", []string{"1:11 unterminated comment"}},
		{"field name missing", "tracepoint:a:b { $x = args->; }", []string{"1:29 expected field name after '->', found ';'"}},
		{"map key unclosed", "BEGIN { @m[pid = 1; }", []string{"1:16 expected ']', found '='"}},
		{"for without colon", "BEGIN { for ($k @m) { } }", []string{"1:17 expected ':', found '@m'"}},
		{"for over a call", "BEGIN { for ($k : f()) { } }", []string{"1:19 expected map or range in for loop"}},
		{"let without variable", "BEGIN { let = 1; }", []string{"1:13 expected variable after 'let', found '='"}},
		{"map declaration inside a probe", "BEGIN { let @m = hash(2); }", []string{"1:13 map declarations must be at the top level"}},
		{"top-level let of a variable", "let $x = 1;", []string{"1:1 let at the top level must declare a map"}},
		{"map declaration without size", "let @m = hash();", []string{"1:15 expected the map's maximum number of entries, found ')'"}},
		{"config after probe", "BEGIN { }\nconfig = { a = 1 }", []string{"2:1 config must appear before probes and functions"}},
		{"include after probe", "BEGIN { }\n#include <x.h>", []string{"2:1 C definitions must appear before probes and functions"}},
		{"struct after probe", "BEGIN { }\nstruct s { int a; }", []string{"2:1 C definitions must appear before probes and functions"}},
		{"stray closing brace", "BEGIN { }\n}\nEND { }", []string{"2:1 unexpected '}' outside of a block"}},
		{"leading comma", ", kprobe:f { }", []string{"1:1 expected attach point, found ','"}},
		{"unclosed predicate", "kprobe:f /pid == 1 { }", []string{"1:20 expected '/' to close the predicate, found '{'"}},
		{"else without if", "BEGIN { else { } }", []string{"1:9 'else' without a preceding 'if'"}},
		{"else without block", "BEGIN { if (1) { } else $x = 1; }", []string{"1:25 expected '{' or 'if' after 'else', found '$x'"}},
		{"if with unparenthesised binary", "BEGIN { if $x == 1 { } }", []string{"1:15 expected '{', found '=='"}},
		{"increment of a call", "BEGIN { f()++; }", []string{"1:12 increment/decrement requires a variable or map"}},
		{"tuple is immutable", "BEGIN { $t = (1, 2); $t.0 = 3; }", []string{"1:22 tuples and records are immutable"}},
		{"invalid assignment target", "BEGIN { 1 = $x; }", []string{"1:9 cannot assign to this expression"}},
		{"duplicate record field", "BEGIN { $r = (a = 1, a = 2); }", []string{"1:22 record already has a field named 'a'"}},
		{"unclosed tuple", "BEGIN { $t = (1, 2; }", []string{"1:19 expected ')', found ';'"}},
		{"dollar without name", "BEGIN { $ = 1; }", []string{"1:9 expected identifier after '$'"}},
		{"address of a call", "BEGIN { $p = &f(); }", []string{"1:15 address-of operator (&) can only be used on a map or variable"}},
		{"python style", "kprobe:f {\n    if pid == 1 and comm == \"x\":\n        print(pid)\n}", []string{"2:12 expected '{', found '=='"}},
		{"stray non-ASCII", "BEGIN { $x = 1 ± 2; }", []string{"1:16 unexpected character '±' (U+00B1)", "1:19 expected ';', found '2'"}},
		{"invalid byte", "BEGIN { $x = \xff 1; }", []string{"1:14 invalid byte 0xff"}},
		{"no-break space", "BEGIN { $x =\u00a0count(); }", []string{"1:13 unexpected character '\\u00a0' (U+00A0)"}},
		{"several errors recover per probe", "BEGIN { $x = ; }\nkprobe:f { @a[1 = 2; }\nEND { printf(\"\\q\"); }",
			[]string{"1:14 expected expression, found ';'", "2:17 expected ']', found '='", `3:15 invalid escape character '\q'`}},
		{"missing attach point after comma", "kprobe:a, { }", nil},
		{"import without string", "import foo;", []string{"1:8 expected string after 'import', found 'foo'"}},
		{"macro without parameter list", "macro greet { print(1); }", []string{"1:13 expected '(', found '{'"}},
		{"macro call with bang", "BEGIN { greet!(); }", []string{"1:14 expected ';', found '!'"}},
		{"return with garbage", "fn f(): int64 { return ); }", []string{"1:24 expected expression, found ')'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorsAt(tt.src)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d diagnostics %q, want %d %q", len(got), got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("diagnostic %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
			file, diags := parseString(tt.src)
			if err := checkInvariants(file, diags, len(tt.src)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestAttachPoints(t *testing.T) {
	tests := []struct {
		raw, label, provider string
		parts                []string
	}{
		{"BEGIN", "", "BEGIN", nil},
		{"kprobe:tcp_connect", "", "kprobe", []string{"tcp_connect"}},
		{"k:vfs_*", "", "k", []string{"vfs_*"}},
		{"kprobe:mod:func+0x10", "", "kprobe", []string{"mod", "func+0x10"}},
		{"tracepoint:syscalls:sys_enter_openat", "", "tracepoint", []string{"syscalls", "sys_enter_openat"}},
		{"uprobe:/bin/bash:readline", "", "uprobe", []string{"/bin/bash", "readline"}},
		{`uprobe:"/opt/my app/bin":main`, "", "uprobe", []string{`"/opt/my app/bin"`, "main"}},
		{`uprobe:/bin/x:cpp:"ns::f"`, "", "uprobe", []string{"/bin/x", "cpp", `"ns::f"`}},
		{"usdt:/usr/lib/libc.so.6:libc:setjmp", "", "usdt", []string{"/usr/lib/libc.so.6", "libc", "setjmp"}},
		{"profile:hz:99", "", "profile", []string{"hz", "99"}},
		{"watchpoint:0x10000000:8:rw", "", "watchpoint", []string{"0x10000000", "8", "rw"}},
		{"name=kprobe:f", "name", "kprobe", []string{"f"}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			file, diags := parseString(tt.raw + " { }")
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			ap := file.Decls[0].(*Probe).AttachPoints[0]
			if ap.Raw != tt.raw || ap.Label != tt.label || ap.Provider != tt.provider || fmt.Sprint(ap.Parts) != fmt.Sprint(tt.parts) {
				t.Errorf("got raw %q label %q provider %q parts %q", ap.Raw, ap.Label, ap.Provider, ap.Parts)
			}
		})
	}
}

// TestProbeHeaders checks how attach points end: white space, '{', ',' and
// a '/' that opens a predicate, but not a '/' inside a path.
func TestProbeHeaders(t *testing.T) {
	tests := []struct {
		src       string
		raws      []string
		predicate bool
	}{
		{"kprobe:a,kprobe:b{}", []string{"kprobe:a", "kprobe:b"}, false},
		{"kprobe:a,\n  kprobe:b,\n{}", []string{"kprobe:a", "kprobe:b"}, false},
		{"BEGIN/1/{}", []string{"BEGIN"}, true},
		{"kprobe:f /pid/ {}", []string{"kprobe:f"}, true},
		{"uprobe:/bin/bash:readline /pid/ {}", []string{"uprobe:/bin/bash:readline"}, true},
		{"kprobe:f // comment\n{}", []string{"kprobe:f"}, false},
		{"kprobe:f /* c */ /pid == 1/ {}", []string{"kprobe:f"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			file, diags := parseString(tt.src)
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			probe := file.Decls[0].(*Probe)
			var raws []string
			for _, ap := range probe.AttachPoints {
				raws = append(raws, ap.Raw)
			}
			if fmt.Sprint(raws) != fmt.Sprint(tt.raws) || (probe.Predicate != nil) != tt.predicate {
				t.Errorf("got attach points %q, predicate %v", raws, probe.Predicate != nil)
			}
		})
	}
}

// TestExpressionShapes checks precedence and the disambiguations bpftrace
// makes between casts, records, tuples and grouping.
func TestExpressionShapes(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"1 + 2 * 3", "(1 + (2 * 3))"},
		{"1 - 2 - 3", "((1 - 2) - 3)"},
		{"a || b && c", "(a || (b && c))"},
		{"a | b ^ c & d", "(a | (b ^ (c & d)))"},
		{"a == b < c", "(a == (b < c))"},
		{"a << 1 + 2", "(a << (1 + 2))"},
		{"-a * !b", "((-a) * (!b))"},
		{"a ? b : c ? d : e", "(a ? b : (c ? d : e))"},
		{"a ?: b", "(a ?: b)"},
		{"(uint8)$x + 1", "((cast uint8 $x) + 1)"},
		{"(struct sock *)arg0", "(cast struct sock* arg0)"},
		{"(my_t)-1", "(cast my_t (-1))"},
		{"(pid) - 1", "((pid) - 1)"},
		{"(a, b)", "(tuple a b)"},
		{"(a,)", "(tuple a)"},
		{"()", "(tuple)"},
		{"(x = 1, y = 2)", "(record x=1 y=2)"},
		{"*$p->next", "(*($p->next))"},
		{"$t.0.1", "(($t.0).1)"},
		{"@m[1, 2]", "@m[1 2]"},
		{"$a[1][2]", "(($a[1])[2])"},
		{"sizeof(struct task_struct)", "(sizeof struct task_struct)"},
		{"sizeof($x)", "(sizeof $x)"},
		{"sizeof(x)", "(sizeof x)"},
		{"sizeof(uint32)", "(sizeof uint32)"},
		{"$x++ + 1", "(($x++) + 1)"},
		{"10ms", "10ms=10000000"},
		{"1e6", "1e6=1000000"},
		{"0x1F", "0x1F=31"},
		{"017", "017=15"},
		{"1_000", "1_000=1000"},
		{"10UL", "10UL=10"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			file, diags := parseString("BEGIN { " + tt.expr + "; }")
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			x := file.Decls[0].(*Probe).Body.Stmts[0].(*ExprStmt).X
			if got := shape(x); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// shape renders an expression with its structure made explicit.
func shape(n Node) string {
	switch x := n.(type) {
	case *BinaryExpr:
		return "(" + shape(x.X) + " " + x.Op.String() + " " + shape(x.Y) + ")"
	case *UnaryExpr:
		return "(" + x.Op.String() + shape(x.X) + ")"
	case *PostfixExpr:
		return "(" + shape(x.X) + x.Op.String() + ")"
	case *TernaryExpr:
		if x.Then == nil {
			return "(" + shape(x.Cond) + " ?: " + shape(x.Else) + ")"
		}
		return "(" + shape(x.Cond) + " ? " + shape(x.Then) + " : " + shape(x.Else) + ")"
	case *CastExpr:
		return "(cast " + typeString(x.Type) + " " + shape(x.X) + ")"
	case *ParenExpr:
		return "(" + shape(x.X) + ")"
	case *TupleExpr:
		s := "(tuple"
		for _, e := range x.Elems {
			s += " " + shape(e)
		}
		return s + ")"
	case *RecordExpr:
		s := "(record"
		for _, f := range x.Fields {
			s += " " + f.Name.Name + "=" + shape(f.Value)
		}
		return s + ")"
	case *FieldExpr:
		op := "."
		if x.Arrow {
			op = "->"
		}
		return "(" + shape(x.X) + op + x.Name.Name + ")"
	case *TupleIndexExpr:
		return "(" + shape(x.X) + "." + x.Index.Raw + ")"
	case *IndexExpr:
		return "(" + shape(x.X) + "[" + shape(x.Index) + "])"
	case *MapExpr:
		s := x.Name
		if x.Keys != nil {
			var keys []string
			for _, k := range x.Keys {
				keys = append(keys, shape(k))
			}
			s += "[" + strings.Join(keys, " ") + "]"
		}
		return s
	case *SizeofExpr:
		if t, ok := x.Arg.(Type); ok {
			return "(sizeof " + typeString(t) + ")"
		}
		return "(sizeof " + shape(x.Arg) + ")"
	case *IntLit:
		if x.Raw == fmt.Sprint(x.Value) {
			return x.Raw
		}
		return fmt.Sprintf("%s=%d", x.Raw, x.Value)
	case *CallExpr:
		var args []string
		for _, a := range x.Args {
			args = append(args, shape(a))
		}
		return x.Fun.Name + "(" + strings.Join(args, " ") + ")"
	case *Ident:
		return x.Name
	case *Variable:
		return x.Name
	}
	return fmt.Sprintf("%T", n)
}

func typeString(t Type) string {
	p := &printer{}
	p.typ(t)
	return p.out.String()
}

// TestBlockValues checks where a final expression is a block's value and
// where it is a statement.
func TestBlockValues(t *testing.T) {
	file, diags := parseString("macro one() { 1 }\nBEGIN { print(1) }\nBEGIN { $x = if (1) { 2 } else { 3 }; if (1) { print(1) } }")
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if m := file.Decls[0].(*Macro); m.Body.Value == nil || len(m.Body.Stmts) != 0 {
		t.Errorf("macro body: value %v, %d statements; want the value 1", m.Body.Value, len(m.Body.Stmts))
	}
	if b := file.Decls[1].(*Probe).Body; b.Value != nil || len(b.Stmts) != 1 {
		t.Errorf("probe body: value %v, %d statements; want one statement", b.Value, len(b.Stmts))
	}
	assign := file.Decls[2].(*Probe).Body.Stmts[0].(*AssignStmt)
	if ifx := assign.Rhs.(*IfExpr); ifx.Then.Value == nil || ifx.Else.(*Block).Value == nil {
		t.Error("if expression branches should have values")
	}
}

// TestComments checks that every comment is collected once, in order, even
// where the parser backtracks over it.
func TestComments(t *testing.T) {
	src := "// a\nBEGIN /* b */ { $x = (/* c */ uint8) 1; // d\n}\n/* e */"
	file, diags := parseString(src)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	var got []string
	for _, c := range file.Comments {
		got = append(got, c.Text)
	}
	want := []string{"// a", "/* b */", "/* c */", "// d", "/* e */"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got comments %q, want %q", got, want)
	}
}

func TestPrintLayout(t *testing.T) {
	src := "// header\n\nkprobe:a,kprobe:b /pid==1/{@x[comm]=count();$y=- -1; // trailing\n\n\n// own line\nif(1){print(1)}else{print(2)}}\n\ntracepoint:a:b,\ntracepoint:a:c\n{ }\n"
	want := `// header

kprobe:a,
kprobe:b
/pid == 1/
{
  @x[comm] = count();
  $y = - -1; // trailing

  // own line
  if (1) {
    print(1);
  } else {
    print(2);
  }
}

tracepoint:a:b,
tracepoint:a:c
{}
`
	file, diags := parseString(src)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if got := string(Print(file, []byte(src))); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		raw  string
		want uint64
		err  error
	}{
		{"0", 0, nil}, {"42", 42, nil}, {"0x2a", 42, nil}, {"052", 42, nil},
		{"1_000_000", 1000000, nil}, {"1e3", 1000, nil}, {"5s", 5_000_000_000, nil},
		{"3us", 3000, nil}, {"2d", 172_800_000_000_000, nil}, {"7u", 7, nil}, {"7ll", 7, nil},
		{"18446744073709551615", 1<<64 - 1, nil},
		{"18446744073709551616", 0, ErrIntOverflow}, {"4294967296u", 0, ErrIntOverflow},
		{"300000d", 0, ErrIntOverflow}, {"1e20", 0, ErrIntOverflow},
		{"12e2", 0, ErrIntSyntax}, {"1_", 0, ErrIntSyntax}, {"10xyz", 0, ErrIntSyntax},
		{"0b101", 0, ErrIntSyntax}, {"08", 0, ErrIntSyntax}, {"0x", 0, ErrIntSyntax},
	}
	for _, tt := range tests {
		got, err := ParseInt(tt.raw)
		if got != tt.want || (tt.err == nil) != (err == nil) || (tt.err != nil && !errorsIs(err, tt.err)) {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tt.raw, got, err, tt.want, tt.err)
		}
	}
}

func TestUnquote(t *testing.T) {
	tests := []struct{ raw, want, errs string }{
		{`"plain"`, "plain", ""},
		{`"a\nb\t\"\\"`, "a\nb\t\"\\", ""},
		{`"\x41\101\0"`, "AA\x00", ""},
		{`"\q"`, "", `1-3 invalid escape character '\q'`},
		{`"\400"`, "", `1-5 octal escape sequence out of range '\400'`},
		{`"\xZ"`, "Z", `1-3 invalid hex escape sequence '\x'`},
	}
	for _, tt := range tests {
		got, errs := unquote(tt.raw)
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, fmt.Sprintf("%d-%d %s", e.Start, e.End, e.Msg))
		}
		if got != tt.want || strings.Join(msgs, "; ") != tt.errs {
			t.Errorf("unquote(%s) = %q, %q; want %q, %q", tt.raw, got, msgs, tt.want, tt.errs)
		}
	}
}

// TestDeepNesting checks that pathological nesting is an error, not a stack
// overflow, which Go cannot recover from.
func TestDeepNesting(t *testing.T) {
	for _, src := range []string{
		"BEGIN { $x = " + strings.Repeat("(", 200000) + "1; }",
		"BEGIN " + strings.Repeat("{ if (1) ", 100000),
		"BEGIN { $x = " + strings.Repeat("-", 200000) + "1; }",
	} {
		file, diags := parseString(src)
		if len(diags) == 0 || !strings.Contains(diags[len(diags)-1].Message+diags[0].Message, "nesting deeper than") {
			t.Errorf("want a nesting error, got %v", diags)
		}
		if err := checkInvariants(file, diags, len(src)); err != nil {
			t.Error(err)
		}
		Print(file, []byte(src))
	}
}
