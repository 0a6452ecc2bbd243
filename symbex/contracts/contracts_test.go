package contracts

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
	"github.com/kenlsp/ken/analysis/syntax"
)

// wrap puts the JSON of lists into a whole file of the current format.
func wrap(lists string) string {
	return `{"format": "ken-contracts/1", ` + lists + `}`
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // substring of the error, which must also start with "f.json:"
		is       error
	}{
		{"unknown format", `{"format": "ken-contracts/9", "functions": []}`, `f.json:format: unknown format "ken-contracts/9"`, ErrFormat},
		{"missing format", `{"functions": []}`, `f.json:format: format missing`, ErrFormat},
		{"not json", "{\n  \"format\": ,\n}", `f.json:2:14: invalid character ','`, ErrSyntax},
		{"empty", ``, `f.json:1:1: empty file`, ErrSyntax},
		{"truncated", `{"format": "ken-contracts/1"`, `unexpected end of file`, ErrSyntax},
		{"unknown key", wrap(`"functions": [{"name": "f", "nonnull": true}]`), `unknown field "nonnull"`, ErrSyntax},
		{"wrong type", wrap(`"functions": [{"name": "f", "returns": {"min": "low"}}]`), `functions.returns.min: got JSON string, want int64`, ErrSyntax},
		{"trailing data", wrap(``)[:len(wrap(``))-1] + `"functions": []} {}`, `data after the top-level object`, ErrSyntax},
		{"duplicate function", wrap(`"functions": [{"name": "f"}, {"name": "g"}, {"name": "f"}]`), `f.json:functions[2].name: duplicate function "f" (first at functions[0])`, ErrInvalid},
		{"missing name", wrap(`"functions": [{"doc": "x"}]`), `f.json:functions[0].name: function name missing`, ErrInvalid},
		{"bad function name", wrap(`"functions": [{"name": "tcp connect"}]`), `functions[0].name: function name "tcp connect" is not a C identifier`, ErrInvalid},
		{"duplicate param", wrap(`"functions": [{"name": "f", "params": [{"name": "a"}, {"name": "a"}]}]`), `functions[0].params[1].name: duplicate parameter "a"`, ErrInvalid},
		{"nonnull and nullable", wrap(`"functions": [{"name": "f", "params": [{"name": "p", "nonnull": true, "nullable": true}]}]`), `functions[0].params[0]: f: parameter p is both nonnull and nullable`, ErrInvalid},
		{"pointer fact on int", wrap(`"functions": [{"name": "f", "params": [{"name": "n", "type": "int", "nonnull": true}]}]`), `functions[0].params[0]: f: parameter n has pointer facts but type "int"`, ErrInvalid},
		{"param byte order", wrap(`"functions": [{"name": "f", "params": [{"name": "port", "byte_order": "big"}]}]`), `functions[0].params[0].byte_order: unknown byte order "big"`, ErrInvalid},
		{"range", wrap(`"functions": [{"name": "f", "returns": {"min": 5, "max": 1}}]`), `functions[0].returns: f: range min 5 > max 1`, ErrInvalid},
		{"errno min", wrap(`"functions": [{"name": "f", "returns": {"errno": true, "min": 0}}]`), `functions[0].returns: f: errno results are negative, but min is 0`, ErrInvalid},
		{"pointer kind", wrap(`"functions": [{"name": "f", "returns": {"pointer": "maybe"}}]`), `functions[0].returns.pointer: f: unknown pointer kind "maybe"`, ErrInvalid},
		{"pointer kind on int", wrap(`"functions": [{"name": "f", "returns": {"type": "int", "pointer": "nullable"}}]`), `functions[0].returns.pointer: f: pointer kind "nullable" for a result of type "int"`, ErrInvalid},
		{"void result", wrap(`"functions": [{"name": "f", "returns": {"type": "void"}, "post": ["retval == 0"]}]`), `functions[0].returns: f: facts about the result of a void function`, ErrInvalid},
		{"bad pre", wrap(`"functions": [{"name": "f", "pre": ["sk !="]}]`), `functions[0].pre[0]: f: condition "sk !=": bad condition`, ErrCondition},
		{"bad post", wrap(`"functions": [{"name": "f", "post": ["ok", "@m[1] > 0"]}]`), `functions[0].post[1]: f: condition "@m[1] > 0": bad condition: map @m is not allowed`, ErrCondition},
		{"retval in pre", wrap(`"functions": [{"name": "f", "pre": ["retval == 0"]}]`), `functions[0].pre[0]: f: precondition "retval == 0" uses retval`, ErrInvalid},
		{"nullable but pre", wrap(`"functions": [{"name": "f", "params": [{"name": "p", "nullable": true}], "pre": ["p != NULL"]}]`), `functions[0].pre: f: parameter p is nullable, but a precondition says it is not NULL`, ErrInvalid},
		{"doc lines", wrap(`"functions": [{"name": "f", "doc": "one\ntwo"}]`), `functions[0].doc: doc is more than one line`, ErrInvalid},
		{"bad tag", wrap(`"functions": [{"name": "f", "tags": ["net", "two words"]}]`), `functions[0].tags[1]: tag "two words": want one word`, ErrInvalid},
		{"repeated tag", wrap(`"functions": [{"name": "f", "tags": ["net", "net"]}]`), `functions[0].tags[1]: duplicate tag "net"`, ErrInvalid},
		{"tracepoint name", wrap(`"tracepoints": [{"name": "sched_switch"}]`), `tracepoints[0].name: tracepoint name "sched_switch": want category:name`, ErrInvalid},
		{"duplicate tracepoint", wrap(`"tracepoints": [{"name": "a:b"}, {"name": "a:b"}]`), `tracepoints[1].name: duplicate tracepoint "a:b" (first at tracepoints[0])`, ErrInvalid},
		{"tracepoint field range", wrap(`"tracepoints": [{"name": "a:b", "fields": [{"name": "x", "min": 2, "max": -2}]}]`), `tracepoints[0].fields[0]: a:b.x: range min 2 > max -2`, ErrInvalid},
		{"tracepoint byte order", wrap(`"tracepoints": [{"name": "a:b", "fields": [{"name": "x", "byte_order": "little"}]}]`), `tracepoints[0].fields[0].byte_order: unknown byte order "little"`, ErrInvalid},
		{"tracepoint retval", wrap(`"tracepoints": [{"name": "a:b", "pre": ["retval > 0"]}]`), `tracepoints[0].pre[0]: a:b: precondition "retval > 0" uses retval`, ErrInvalid},
		{"field fact order", wrap(`"fields": [{"struct": "sock_common", "field": "skc_dport", "byte_order": "be"}]`), `fields[0].byte_order: unknown byte order "be"`, ErrInvalid},
		{"field fact duplicate", wrap(`"fields": [{"struct": "tcphdr", "field": "dest"}, {"struct": "struct tcphdr", "field": "dest"}]`), `fields[1].name: duplicate field fact "tcphdr.dest" (first at fields[0])`, ErrInvalid},
		{"field fact names", wrap(`"fields": [{"struct": "", "field": "a b"}]`), `fields[0].struct: struct name missing`, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.in), "f.json")
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", s)
			}
			if s != nil {
				t.Errorf("Parse returned a set with an error")
			}
			if !strings.HasPrefix(err.Error(), "f.json:") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || list[0].File != "f.json" {
				t.Errorf("error is not an ErrorList naming the file: %#v", err)
			}
		})
	}
}

// TestParseAllErrors checks that one file's problems are all reported.
func TestParseAllErrors(t *testing.T) {
	in := wrap(`"functions": [{"name": "f", "pre": ["("]}, {"name": "f"}], "tracepoints": [{"name": "x"}], "fields": [{"struct": "s", "field": "f", "byte_order": "?"}]`)
	_, err := Parse([]byte(in), "f.json")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 4 {
		t.Fatalf("got %d errors, want 4:\n%v", len(list), err)
	}
}

func TestParseValid(t *testing.T) {
	in := wrap(`"kernel": "6.1", "functions": [{"name": "tcp_connect", "params": [{"name": "sk", "type": "struct sock *", "nonnull": true}],
		"returns": {"type": "int", "errno": true, "min": -4095, "max": 0}, "pre": ["sk != NULL"], "post": ["retval <= 0"], "tags": ["net"]}],
		"tracepoints": [{"name": "9p:9p_client_req", "pre": ["args.tag >= 0 && tag >= 0"]}],
		"fields": [{"struct": "struct sock_common", "field": "skc_num", "byte_order": "host"}]`)
	s, err := Parse([]byte(in), "ok.json")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Function("tcp_connect")
	if !ok || f.Returns.Max == nil || *f.Returns.Max != 0 || !f.Params[0].NonNull {
		t.Errorf("tcp_connect = %+v", f)
	}
	if _, ok := s.Tracepoint("9p:9p_client_req"); !ok {
		t.Error("tracepoint 9p:9p_client_req not found")
	}
	for _, name := range []string{"sock_common", "struct sock_common", " struct  sock_common "} {
		if ff, ok := s.Field(name, "skc_num"); !ok || ff.ByteOrder != Host {
			t.Errorf("Field(%q, skc_num) = %v, %v", name, ff, ok)
		}
	}
	if _, ok := s.Field("sock_common", "skc_dport"); ok {
		t.Error("Field found a fact that is not there")
	}
}

func TestLookupAfterAppend(t *testing.T) {
	s := &Set{Format: Format, Functions: []Function{{Name: "a"}}}
	if _, ok := s.Function("b"); ok {
		t.Fatal("found b before it was added")
	}
	s.Functions = append(s.Functions, Function{Name: "b"})
	s.Tracepoints = append(s.Tracepoints, Tracepoint{Name: "c:d"})
	s.Fields = append(s.Fields, FieldFact{Struct: "x", Field: "y"})
	if _, ok := s.Function("b"); !ok {
		t.Error("b not found after append")
	}
	if _, ok := s.Tracepoint("c:d"); !ok {
		t.Error("c:d not found after append")
	}
	if _, ok := s.Field("struct x", "y"); !ok {
		t.Error("x.y not found after append")
	}
	var nilSet *Set
	if _, ok := nilSet.Function("a"); ok {
		t.Error("nil set found a function")
	}
}

func TestParseCondition(t *testing.T) {
	good := []struct {
		in    string
		names []string
	}{
		{"sk != NULL", []string{"sk", "NULL"}},
		{"retval == 0 || (retval >= -4095 && retval < 0)", []string{"retval"}},
		{"sk->__sk_common.skc_family == 2 || sk->__sk_common.skc_family == 10", []string{"sk"}},
		{"!(flags & 0x40)", []string{"flags"}},
		{"retval < 0 || retval <= count", []string{"retval", "count"}},
		{"state >= TCP_ESTABLISHED && state <= TCP_BOUND_INACTIVE", []string{"state", "TCP_ESTABLISHED", "TCP_BOUND_INACTIVE"}},
		{"args.ret >= -4095", []string{"args"}},
		{"  saddr[0] != 127  ", []string{"saddr"}},
		{"~mask == 0xa && n % 2 == 1 << 0", []string{"mask", "n"}},
		{"true", nil},
	}
	for _, tt := range good {
		x, err := ParseCondition(tt.in)
		if err != nil {
			t.Errorf("ParseCondition(%q): %v", tt.in, err)
			continue
		}
		if got := ConditionNames(x); strings.Join(got, ",") != strings.Join(tt.names, ",") {
			t.Errorf("ConditionNames(%q) = %v, want %v", tt.in, got, tt.names)
		}
		// Positions are offsets into the condition itself.
		trimmed := strings.TrimSpace(tt.in)
		lead := syntax.Pos(strings.Index(tt.in, trimmed))
		if x.Pos() != lead || x.End() != lead+syntax.Pos(len(trimmed)) {
			t.Errorf("ParseCondition(%q) spans [%d, %d), want [%d, %d)", tt.in, x.Pos(), x.End(), lead, lead+syntax.Pos(len(trimmed)))
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"sk !=", "bad condition"},
		{"(a", "bad condition"},
		{"a) {} } BEGIN { if (b", "bad condition"},
		{"a) {} if (b", "bad condition"},
		{"$sk != 0", "variable $sk: name parameters without '$'"},
		{"@x > 0", "map @x is not allowed"},
		{"strlen(p) > 0", "call of strlen is not allowed"},
		{`p == "x"`, "a string is not allowed"},
		{"(uint8)x == 1", "a cast is not allowed"},
		{"a ? b : c", "a conditional expression is not allowed"},
		{"x = 1", "bad condition"},
		{"timeout > 10ms", "integer 10ms: want plain decimal"},
		{"n > 1_000u", "integer 1_000u: want plain decimal"},
		{"$1 > 0", "a positional parameter is not allowed"},
		{"*p == 0", "operator * is not allowed"},
		{"a; b", "bad condition"},
	}
	for _, tt := range bad {
		_, err := ParseCondition(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrCondition) {
			t.Errorf("ParseCondition(%q) = %v, want an ErrCondition containing %q", tt.in, err, tt.want)
		}
	}
}

func TestGenerate(t *testing.T) {
	k := kerneltest.Snapshot(t)
	s := Generate(k)
	if s.Kernel != k.Info().Release || s.Format != Format {
		t.Errorf("Kernel, Format = %q, %q", s.Kernel, s.Format)
	}
	if n := len(s.Functions); n != len(k.FuncNames()) || n < 10000 {
		t.Errorf("%d functions, kernel has %d", n, len(k.FuncNames()))
	}
	if len(s.Tracepoints) < 1000 || len(s.Fields) < 100 {
		t.Errorf("%d tracepoints, %d field facts", len(s.Tracepoints), len(s.Fields))
	}

	f, ok := s.Function("tcp_connect")
	if !ok {
		t.Fatal("no tcp_connect")
	}
	if f.Proto != "int tcp_connect(struct sock *sk)" || len(f.Params) != 1 || f.Params[0] != (Param{Name: "sk", Type: "struct sock *"}) || f.Returns.Type != "int" {
		t.Errorf("tcp_connect = %+v", f)
	}
	if f.Curated || f.Returns.Errno || len(f.Pre) > 0 {
		t.Errorf("generated tcp_connect states more than BTF does: %+v", f)
	}
	if f, ok := s.Function("tcp_close"); !ok || f.Returns.Type != "void" || f.Params[1].Type != "long int" {
		t.Errorf("tcp_close = %+v", f)
	}

	tp, ok := s.Tracepoint("syscalls:sys_exit_read")
	if !ok {
		t.Fatal("no syscalls:sys_exit_read")
	}
	if ret, ok := tp.Field("ret"); !ok || !ret.Errno || ret.Min == nil || *ret.Min != -4095 || ret.Type != "long" {
		t.Errorf("sys_exit_read ret = %+v", ret)
	}
	if nr, _ := tp.Field("__syscall_nr"); nr == nil || nr.Errno {
		t.Errorf("sys_exit_read __syscall_nr = %+v", nr)
	}
	tp, _ = s.Tracepoint("syscalls:sys_enter_read")
	if buf, ok := tp.Field("buf"); !ok || !buf.User || buf.Type != "char *" {
		t.Errorf("sys_enter_read buf = %+v", buf)
	}
	if count, _ := tp.Field("count"); count == nil || count.User {
		t.Errorf("sys_enter_read count = %+v", count)
	}
	tp, _ = s.Tracepoint("sched:sched_switch")
	if comm, ok := tp.Field("prev_comm"); !ok || comm.Type != "char[16]" {
		t.Errorf("sched_switch prev_comm = %+v", comm)
	}
	if _, ok := tp.Field("common_pid"); ok {
		t.Error("common_pid listed")
	}

	for _, tt := range []struct{ s, f, typ string }{
		{"sock_common", "skc_dport", "__be16"},
		{"sock_common", "skc_daddr", "__be32"},
		{"inet_sock", "inet_sport", "__be16"},
		{"tcphdr", "seq", "__be32"},
		{"iphdr", "saddr", "__be32"}, // inside an anonymous union and struct
		{"sk_buff", "protocol", "__be16"},
	} {
		if ff, ok := s.Field(tt.s, tt.f); !ok || ff.ByteOrder != Network || ff.Type != tt.typ {
			t.Errorf("Field(%s, %s) = %+v, %v; want network %s", tt.s, tt.f, ff, ok, tt.typ)
		}
	}
	if ff, ok := s.Field("sock_common", "skc_num"); ok && ff.ByteOrder == Network {
		t.Errorf("skc_num is network order: %+v", ff)
	}

	// The generated set is valid and stable through Write and Parse.
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(buf.Bytes(), "generated")
	if err != nil {
		t.Fatalf("generated set does not validate: %v", err)
	}
	var again bytes.Buffer
	if err := back.Write(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("Write(Parse(Write(Generate))) differs")
	}
	if err := s.Check(k); err != nil {
		t.Errorf("generated set does not check against its own kernel:\n%v", err)
	}
}

func TestWriteSortsAndEscapes(t *testing.T) {
	s := &Set{
		Functions:   []Function{{Name: "b", Pre: []string{"p->x > 0 && q != NULL"}}, {Name: "a"}},
		Tracepoints: []Tracepoint{{Name: "z:z"}, {Name: "a:a"}},
		Fields:      []FieldFact{{Struct: "t", Field: "b"}, {Struct: "t", Field: "a"}, {Struct: "s", Field: "z"}},
	}
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `"p->x > 0 && q != NULL"`) {
		t.Errorf("operators escaped:\n%s", out)
	}
	if !strings.Contains(out, `"format": "ken-contracts/1"`) {
		t.Errorf("format missing:\n%s", out)
	}
	order := []string{`"name": "a"`, `"name": "b"`, `"name": "a:a"`, `"name": "z:z"`, `"struct": "s"`, `"field": "a"`, `"field": "b"`}
	last := -1
	for _, o := range order {
		i := strings.Index(out, o)
		if i < last {
			t.Errorf("%s out of order:\n%s", o, out)
		}
		last = i
	}
	if s.Functions[0].Name != "b" {
		t.Error("Write sorted the set it was given")
	}
	var empty bytes.Buffer
	if err := (&Set{}).Write(&empty); err != nil || !strings.Contains(empty.String(), `"functions": []`) {
		t.Errorf("empty set: %q, %v", empty.String(), err)
	}
}

func TestMerge(t *testing.T) {
	gen := &Set{Format: Format, Kernel: "6.18",
		Functions: []Function{
			{Name: "f", Proto: "int f(struct sock *sk, int n)", Params: []Param{{Name: "sk", Type: "struct sock *"}, {Name: "n", Type: "int"}}, Returns: Return{Type: "int"}},
			{Name: "g", Proto: "void g(void)", Returns: Return{Type: "void"}},
		},
		Tracepoints: []Tracepoint{{Name: "a:b", Fields: []TPField{{Name: "x", Type: "int"}, {Name: "ret", Type: "long", Errno: true, Min: ptr(-4095)}}}},
		Fields:      []FieldFact{{Struct: "s", Field: "p", Type: "__be16", ByteOrder: Network}, {Struct: "s", Field: "q", Type: "__be32", ByteOrder: Network}},
	}
	cur := &Set{Format: Format,
		Functions: []Function{
			{Name: "f", Params: []Param{{Name: "sk", NonNull: true}}, Returns: Return{Errno: true, Max: ptr(0)}, Pre: []string{"sk != NULL"}, Doc: "curated f", Tags: []string{"t"}},
			{Name: "only_curated", Doc: "not in this kernel"},
		},
		Tracepoints: []Tracepoint{{Name: "a:b", Fields: []TPField{{Name: "x", Doc: "x doc", Min: ptr(0)}}, Doc: "tp"}},
		Fields:      []FieldFact{{Struct: "struct s", Field: "p", Doc: "port"}, {Struct: "s", Field: "host", Type: "__u16", ByteOrder: Host}},
	}
	m := Merge(cur, gen)
	if m.Kernel != "6.18" || m.Format != Format {
		t.Errorf("Kernel, Format = %q, %q", m.Kernel, m.Format)
	}
	if len(m.Functions) != 3 || len(m.Tracepoints) != 1 || len(m.Fields) != 3 {
		t.Fatalf("merged sizes %d, %d, %d", len(m.Functions), len(m.Tracepoints), len(m.Fields))
	}
	f, _ := m.Function("f")
	if !f.Curated || f.Doc != "curated f" || f.Proto != gen.Functions[0].Proto || f.Returns.Type != "int" || !f.Returns.Errno || *f.Returns.Max != 0 {
		t.Errorf("merged f = %+v", f)
	}
	if len(f.Params) != 2 || f.Params[0] != (Param{Name: "sk", Type: "struct sock *", NonNull: true}) || f.Params[1] != (Param{Name: "n", Type: "int"}) {
		t.Errorf("merged f params = %+v", f.Params)
	}
	if g, _ := m.Function("g"); g.Curated || g.Doc != "" {
		t.Errorf("merged g = %+v", g)
	}
	if oc, ok := m.Function("only_curated"); !ok || !oc.Curated {
		t.Errorf("only_curated = %+v, %v", oc, ok)
	}
	tp, _ := m.Tracepoint("a:b")
	x, _ := tp.Field("x")
	ret, _ := tp.Field("ret")
	if !tp.Curated || tp.Doc != "tp" || x.Type != "int" || x.Doc != "x doc" || *x.Min != 0 || !ret.Errno || *ret.Min != -4095 {
		t.Errorf("merged a:b = %+v", tp)
	}
	if p, _ := m.Field("s", "p"); p.Doc != "port" || p.Type != "__be16" || p.Struct != "s" || p.ByteOrder != "" {
		t.Errorf("merged s.p = %+v", p) // the curated entry wins, even over the generated byte order
	}
	if h, _ := m.Field("s", "host"); h.ByteOrder != Host {
		t.Errorf("merged s.host = %+v", h)
	}
	// Neither input changed.
	if cur.Functions[0].Proto != "" || cur.Functions[0].Curated || len(cur.Functions[0].Params) != 1 || gen.Functions[0].Doc != "" {
		t.Error("Merge modified its inputs")
	}
	m.Functions[0].Pre = append(m.Functions[0].Pre, "x")
	m.Functions[0].Params[0].Name = "changed"
	if len(cur.Functions[0].Pre) != 1 || cur.Functions[0].Params[0].Name != "sk" || gen.Functions[0].Params[0].Name != "sk" {
		t.Error("the merged set shares slices with its inputs")
	}
	if n := Merge(nil, nil); n.Format != Format || len(n.Functions) != 0 {
		t.Errorf("Merge(nil, nil) = %+v", n)
	}
	if n := Merge(cur, nil); len(n.Functions) != 2 || !n.Functions[0].Curated {
		t.Errorf("Merge(cur, nil) = %+v", n)
	}
}

func TestCheck(t *testing.T) {
	k := kerneltest.Snapshot(t)
	in := wrap(`"functions": [
		{"name": "no_such_function_x"},
		{"name": "tcp_connect", "params": [{"name": "sock"}], "pre": ["sk->__sk_common.skc_famly == 2"]},
		{"name": "tcp_sendmsg", "params": [{"name": "size", "type": "int"}], "returns": {"type": "long"}, "post": ["retval <= sizee"]},
		{"name": "tcp_set_state", "pre": ["state >= TCP_ESTABLISHED && sk.__sk_common.skc_state > 0", "state->x == 1"]},
		{"name": "vfs_read", "pre": ["file->f_inode->i_ino > 0", "count >= 0 && pos[0] >= 0"], "post": ["retval <= count"]}
	],
	"tracepoints": [
		{"name": "sched:no_such_event"},
		{"name": "sched:sched_switch", "fields": [{"name": "prev_pidd"}], "pre": ["prev_pid >= 0 && args.next_pid >= 0", "args.nope > 0", "nope2 > 0"]}
	],
	"fields": [
		{"struct": "no_such_struct_x", "field": "a"},
		{"struct": "sock_common", "field": "skc_nope"},
		{"struct": "sock_common", "field": "skc_num", "type": "__be16"},
		{"struct": "tcphdr", "field": "dest", "byte_order": "host"},
		{"struct": "iphdr", "field": "saddr", "type": "__be32", "byte_order": "network"}
	]`)
	s, err := Parse([]byte(in), "check.json")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Check(k)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Check = %v", err)
	}
	want := []string{
		"functions[0]: function no_such_function_x is not in kernel",
		"functions[1].params[0]: tcp_connect has no parameter sock (it has sk)",
		`functions[1].pre[0]: tcp_connect: condition "sk->__sk_common.skc_famly == 2": struct sock_common has no member skc_famly`,
		`functions[2].params[0].type: tcp_sendmsg: parameter size is "size_t" in the kernel, not "int"`,
		`functions[2].returns.type: tcp_sendmsg returns "int" in the kernel, not "long"`,
		`functions[2].post[0]: tcp_sendmsg: condition "retval <= sizee": unknown name sizee`,
		`functions[3].pre[0]: tcp_set_state: condition "state >= TCP_ESTABLISHED && sk.__sk_common.skc_state > 0": . on the pointer struct sock *: use ->`,
		`functions[3].pre[1]: tcp_set_state: condition "state->x == 1": -> on int, which is not a pointer`,
		"tracepoints[0]: tracepoint sched:no_such_event is not in kernel",
		"tracepoints[1].fields[0]: sched:sched_switch has no field prev_pidd",
		`tracepoints[1].pre[1]: sched:sched_switch: condition "args.nope > 0": unknown field nope`,
		`tracepoints[1].pre[2]: sched:sched_switch: condition "nope2 > 0": unknown name nope2`,
		"fields[0]: struct no_such_struct_x is not in kernel",
		"fields[1]: struct sock_common has no member skc_nope",
		`fields[2].type: sock_common.skc_num is "__u16" in the kernel, not "__be16"`,
		"fields[3].byte_order: tcphdr.dest is typed __be16: network order, not host",
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("Check errors lack %q", w)
		}
	}
	if len(list) != len(want) {
		t.Errorf("Check found %d problems, want %d:\n%v", len(list), len(want), err)
	}
}
