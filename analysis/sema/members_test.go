package sema_test

import (
	"testing"

	"github.com/cilium/ebpf/btf"

	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/sema"
	"github.com/kenlsp/ken/analysis/syntax"
)

// exprType checks src and returns the type of the first expression that
// find selects.
func exprType(t *testing.T, src string, find func(syntax.Expr) bool) *sema.Type {
	t.Helper()
	info, _ := check(t, src, dialect.V(0, 23))
	var found *sema.Type
	best := -1
	for x, typ := range info.Types {
		if find(x) && (best < 0 || int(x.Pos()) < best) {
			found, best = typ, int(x.Pos())
		}
	}
	if found == nil {
		t.Fatalf("no such expression in %s", src)
	}
	return found
}

func isVar(name string) func(syntax.Expr) bool {
	return func(x syntax.Expr) bool {
		v, ok := x.(*syntax.Variable)
		return ok && v.Name == name
	}
}

func isIdent(name string) func(syntax.Expr) bool {
	return func(x syntax.Expr) bool {
		id, ok := x.(*syntax.Ident)
		return ok && id.Name == name
	}
}

func TestMembers(t *testing.T) {
	sk := exprType(t, `kprobe:tcp_connect { $sk = (struct sock *)arg0; print($sk); }`, isVar("$sk"))
	common := exprType(t, `kprobe:tcp_connect { $c = ((struct sock *)arg0)->__sk_common; print($c.skc_family); }`, isVar("$c"))
	args := exprType(t, `tracepoint:syscalls:sys_enter_openat { print(args.flags); }`, isIdent("args"))
	tests := []struct {
		name    string
		record  *sema.Type
		field   string
		typ     string // Type.String()
		c       string
		offset  int
		network bool
	}{
		{"through a pointer", sk, "__sk_common", "struct sock_common", "struct sock_common", 0, false},
		{"big-endian port", common, "skc_dport", "uint16", "__be16", 12, true},
		{"big-endian address in an anonymous union", common, "skc_daddr", "uint32", "__be32", 0, true},
		{"host-order port", common, "skc_num", "uint16", "__u16", 14, false},
		{"tracepoint args have no C layout", args, "filename", "int8 *", "", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := sema.LookupMember(tt.record, tt.field)
			if !ok {
				t.Fatalf("%s has no member %s", tt.record, tt.field)
			}
			if m.Type.String() != tt.typ || m.C != tt.c || m.Offset != tt.offset || m.NetworkOrder != tt.network {
				t.Errorf("member = {%s C=%q offset=%d network=%v}, want {%s C=%q offset=%d network=%v}",
					m.Type, m.C, m.Offset, m.NetworkOrder, tt.typ, tt.c, tt.offset, tt.network)
			}
		})
	}
}

// TestMembersFlattenAnonymous checks that members of anonymous unions are
// listed as C reaches them, and that scalars have no members.
func TestMembersFlattenAnonymous(t *testing.T) {
	common := exprType(t, `kprobe:tcp_connect { $c = ((struct sock *)arg0)->__sk_common; print($c.skc_family); }`, isVar("$c"))
	ms := sema.Members(common)
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Name == "" {
			t.Errorf("anonymous member listed: %+v", m)
		}
		seen[m.Name] = true
	}
	for _, want := range []string{"skc_addrpair", "skc_daddr", "skc_rcv_saddr", "skc_dport", "skc_family"} {
		if !seen[want] {
			t.Errorf("Members(struct sock_common) lacks %s", want)
		}
	}
	if ms := sema.Members(exprType(t, `BEGIN { $t = nsecs; print($t); }`, isVar("$t"))); ms != nil {
		t.Errorf("Members(uint64) = %+v, want none", ms)
	}
}

func TestCDecl(t *testing.T) {
	k := testKernel(t)
	fn, ok := k.Func("tcp_connect")
	if !ok {
		t.Fatal("the test kernel has no tcp_connect")
	}
	char := &btf.Int{Name: "char", Size: 1, Encoding: btf.Signed}
	intT := &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	tests := []struct {
		name string
		typ  btf.Type
		decl string
		want string
	}{
		{"prototype", fn, "", "int tcp_connect(struct sock *sk)"},
		{"const pointer target", &btf.Pointer{Target: &btf.Const{Type: char}}, "s", "const char *s"},
		{"const pointer", &btf.Const{Type: &btf.Pointer{Target: char}}, "p", "char *const p"},
		{"array", &btf.Array{Type: char, Nelems: 16}, "comm", "char comm[16]"},
		{"unnamed array", &btf.Array{Type: char, Nelems: 16}, "", "char[16]"},
		{"function pointer", &btf.Pointer{Target: &btf.FuncProto{Return: intT, Params: []btf.FuncParam{{Type: &btf.Pointer{Target: &btf.Void{}}}}}}, "cb", "int (*cb)(void *)"},
		{"no parameters", &btf.FuncProto{Return: &btf.Void{}}, "f", "void f(void)"},
		{"anonymous union", &btf.Union{}, "", "union {...}"},
		{"unnamed pointer", &btf.Pointer{Target: &btf.Struct{Name: "sock"}}, "", "struct sock *"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sema.CDecl(tt.typ, tt.decl); got != tt.want {
				t.Errorf("CDecl = %q, want %q", got, tt.want)
			}
		})
	}
}
