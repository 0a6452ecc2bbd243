package kernel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cilium/ebpf/btf"
)

func TestParseFormat(t *testing.T) {
	text := `name: sys_enter_openat
ID: 782
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:const char * filename;	offset:24;	size:8;	signed:0;
	field:char comm[16];	offset:32;	size:16;	signed:0;
	field:__data_loc char[] name;	offset:48;	size:4;	signed:0;
	field:unsigned long args[6];	offset:56;	size:48;	signed:0;
	field:unsigned long caller[];	offset:104;	size:0;	signed:0;
	field special:struct  page *page;	offset:112;	size:8;	signed:0;
	field:__rel_loc u64[] addrs;	offset:120;	size:4;	signed:0;
	field:char name2[TASK_COMM_LEN];	offset:124;	size:16;	signed:0;
	field:;	offset:0;	size:0;	signed:0;
	field:int [3];	offset:0;	size:0;	signed:0;

print fmt: "filename: 0x%08lx", ((unsigned long)(REC->filename))
`
	want := []Field{
		{Name: "common_type", Type: "unsigned short", ArrayLen: -1, Offset: 0, Size: 2, Common: true},
		{Name: "common_pid", Type: "int", ArrayLen: -1, Offset: 4, Size: 4, Signed: true, Common: true},
		{Name: "__syscall_nr", Type: "int", ArrayLen: -1, Offset: 8, Size: 4, Signed: true},
		{Name: "filename", Type: "const char *", ArrayLen: -1, Offset: 24, Size: 8},
		{Name: "comm", Type: "char", ArrayLen: 16, Offset: 32, Size: 16},
		{Name: "name", Type: "char", ArrayLen: 0, DataLoc: true, Offset: 48, Size: 4},
		{Name: "args", Type: "unsigned long", ArrayLen: 6, Offset: 56, Size: 48},
		{Name: "caller", Type: "unsigned long", ArrayLen: 0, Offset: 104},
		{Name: "page", Type: "struct page *", ArrayLen: -1, Offset: 112, Size: 8},
		{Name: "addrs", Type: "u64", ArrayLen: 0, DataLoc: true, Offset: 120, Size: 4},
		{Name: "name2", Type: "char", ArrayLen: 0, Offset: 124, Size: 16},
	}
	got, ok := ParseFormat([]byte(text))
	if !ok {
		t.Fatal("ParseFormat: not ok")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseFormat:\n got %+v\nwant %+v", got, want)
	}
	for _, bad := range []string{"", "name: x\nID: 1\nformat:\n\nprint fmt: \"\"\n", "field:"} {
		if fields, ok := ParseFormat([]byte(bad)); ok {
			t.Errorf("ParseFormat(%q) = %v, want not ok", bad, fields)
		}
	}
}

func TestMatchWildcard(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"tcp_connect", "tcp_connect", true},
		{"tcp_connect", "tcp_connect_init", false},
		{"tcp_*", "tcp_", true},
		{"tcp_*", "tcp_connect", true},
		{"tcp_*", "udp_connect", false},
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "x", false},
		{"*connect", "tcp_v4_connect", true},
		{"*connect", "tcp_v4_connect_x", false},
		{"*_v*_*", "tcp_v4_connect", true},
		{"*v4*v4*", "v4v4", true},
		{"*v4*v4*", "v4v", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbXbYc", true},
		{"a*b*c", "aXbXcY", false},
		{"**", "x", true},
		{"vfs_?ead", "vfs_read", true},
		{"vfs_?ead", "vfs_ead", false},
		{"?", "", false},
		{"*?", "a", true},
	}
	for _, tt := range tests {
		if got := MatchWildcard(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchWildcard(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestMatchSorted(t *testing.T) {
	names := []string{"a", "tcp_", "tcp_close", "tcp_connect", "tcp_v4_connect", "tcpx", "udp_connect"}
	tests := []struct {
		pattern string
		limit   int
		want    []string
	}{
		{"tcp_*", 0, []string{"tcp_", "tcp_close", "tcp_connect", "tcp_v4_connect"}},
		{"tcp_*", 2, []string{"tcp_", "tcp_close"}},
		{"tcp_*connect", 0, []string{"tcp_connect", "tcp_v4_connect"}},
		{"*connect", 0, []string{"tcp_connect", "tcp_v4_connect", "udp_connect"}},
		{"*connect", 1, []string{"tcp_connect"}},
		{"tcp_close", 0, []string{"tcp_close"}},
		{"tcp_clos", 0, nil},
		{"zzz*", 0, nil},
		{"*", 0, names},
	}
	for _, tt := range tests {
		got := matchSorted(names, tt.pattern, tt.limit)
		if !slices.Equal(got, tt.want) {
			t.Errorf("matchSorted(%q, %d) = %q, want %q", tt.pattern, tt.limit, got, tt.want)
		}
		if len(got) > 0 {
			_ = append(got, "appended") // must not overwrite names
		}
	}
	if names[5] != "tcpx" {
		t.Errorf("appending to a result overwrote the names: %q", names)
	}
}

func TestIntSpellings(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"unsigned long", []string{"long unsigned int", "unsigned long"}},
		{"long unsigned int", []string{"long unsigned int", "unsigned long"}},
		{"unsigned", []string{"unsigned int", "unsigned int"}},
		{"signed int", []string{"int", "int"}},
		{"long long", []string{"long long int", "long long"}},
		{"unsigned short", []string{"short unsigned int", "unsigned short"}},
		{"unsigned char", []string{"unsigned char"}},
		{"bool", []string{"_Bool"}},
		{"pid_t", nil},
		{"long char", nil},
		{"long long long", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := intSpellings(strings.Fields(tt.name)); !slices.Equal(got, tt.want) {
			t.Errorf("intSpellings(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestTestdataLookups checks the checked-in snapshot against facts of the
// kernel it was taken from.
func TestTestdataLookups(t *testing.T) {
	k := testdataKernel(t)

	sock, ok := k.Type("struct sock")
	if !ok {
		t.Fatal(`Type("struct sock") not found`)
	}
	if !hasMember(sock, "__sk_common") {
		t.Errorf("struct sock has no member __sk_common: %v", sock)
	}
	for _, name := range []string{"union bpf_attr", "enum sock_type", "pid_t", "__be16", "int",
		"unsigned int", "unsigned long", "struct  task_struct", "bool", "char"} {
		if _, ok := k.Type(name); !ok {
			t.Errorf("Type(%q) not found", name)
		}
	}
	for _, name := range []string{"struct no_such_struct", "union sock", "", "struct", "tcp_connect"} {
		if typ, ok := k.Type(name); ok {
			t.Errorf("Type(%q) = %v, want not found", name, typ)
		}
	}

	fn, ok := k.Func("tcp_connect")
	if !ok {
		t.Fatal(`Func("tcp_connect") not found`)
	}
	if proto, ok := fn.Type.(*btf.FuncProto); !ok || !slices.ContainsFunc(proto.Params, func(p btf.FuncParam) bool { return p.Name == "sk" }) {
		t.Errorf("tcp_connect's prototype has no parameter sk: %v", fn.Type)
	}
	if _, ok := k.Func("struct sock"); ok {
		t.Error(`Func("struct sock") found`)
	}

	openat, ok := k.Tracepoint("syscalls", "sys_enter_openat")
	if !ok {
		t.Fatal("tracepoint syscalls:sys_enter_openat not found")
	}
	if f := findField(openat, "filename"); f == nil || f.Type != "const char *" || f.Common {
		t.Errorf("sys_enter_openat filename = %+v, want type const char *", f)
	}
	if f := findField(openat, "common_pid"); f == nil || !f.Common {
		t.Errorf("sys_enter_openat common_pid = %+v, want Common", f)
	}
	sw, ok := k.Tracepoint("sched", "sched_switch")
	if !ok {
		t.Fatal("tracepoint sched:sched_switch not found")
	}
	if f := findField(sw, "prev_comm"); f == nil || f.Type != "char" || f.ArrayLen != 16 {
		t.Errorf("sched_switch prev_comm = %+v, want char[16]", f)
	}
	if _, ok := k.Tracepoint("sched", "no_such_event"); ok {
		t.Error("sched:no_such_event found")
	}

	if v, ok := k.Enumerator("TCP_ESTABLISHED"); !ok || v != 1 {
		t.Errorf("Enumerator(TCP_ESTABLISHED) = %d, %v; want 1", v, ok)
	}
	if _, ok := k.Enumerator("NO_SUCH_ENUMERATOR"); ok {
		t.Error("NO_SUCH_ENUMERATOR found")
	}

	rt, ok := k.RawTracepoint("sched_switch")
	if !ok {
		t.Fatal("raw tracepoint sched_switch not found")
	}
	// sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state);
	// BTF keeps no parameter names for these prototypes.
	if len(rt.Params) != 4 || describe(rt.Params[1].Type) != "Pointer[target=Struct:\"task_struct\"]" {
		t.Errorf("raw tracepoint sched_switch params = %v, want (bool, task_struct *, task_struct *, unsigned int)", rt.Params)
	}

	if got := k.MatchFuncs("tcp_*", 0); len(got) < 100 || !slices.Contains(got, "tcp_connect") {
		t.Errorf("MatchFuncs(tcp_*) = %d names, want tcp_connect among hundreds", len(got))
	}
	if got := k.MatchTracepoints("sys*", "sys_enter_open*", 0); !slices.Contains(got, TracepointID{"syscalls", "sys_enter_openat"}) {
		t.Errorf("MatchTracepoints(sys*, sys_enter_open*) = %v", got)
	}
	if got := k.MatchTracepoints("*", "*", 3); len(got) != 3 {
		t.Errorf("MatchTracepoints with limit 3 gave %d", len(got))
	}
	if !k.Symbol("__start_rodata") || k.Symbol("tcp_connect") {
		t.Error("Symbol: want the data symbol __start_rodata and not the function tcp_connect")
	}
	info := k.Info()
	if info.Release == "" || info.Machine == "" || info.SnapshotFormat != SnapshotVersion || !info.Tracefs || info.Created.IsZero() {
		t.Errorf("Info = %+v", info)
	}
	if !slices.IsSorted(k.FuncNames()) || len(slices.Compact(slices.Clone(k.FuncNames()))) != len(k.FuncNames()) {
		t.Error("FuncNames not sorted and unique")
	}
	if !slices.IsSortedFunc(k.Tracepoints(), TracepointID.compare) {
		t.Error("Tracepoints not sorted")
	}
}

func hasMember(typ btf.Type, name string) bool {
	s, ok := typ.(*btf.Struct)
	return ok && slices.ContainsFunc(s.Members, func(m btf.Member) bool { return m.Name == name })
}

func findField(tp *Tracepoint, name string) *Field {
	for i := range tp.Fields {
		if tp.Fields[i].Name == name {
			return &tp.Fields[i]
		}
	}
	return nil
}

func TestTinyKernel(t *testing.T) {
	k := tinyKernel(t)
	if got := k.FuncNames(); !slices.Equal(got, []string{"demo_close", "demo_connect"}) {
		t.Errorf("FuncNames = %q", got)
	}
	if v, ok := k.Enumerator("DEMO_DOWN"); !ok || v != -1 {
		t.Errorf("Enumerator(DEMO_DOWN) = %d, %v; want -1", v, ok)
	}
	if _, ok := k.Tracepoint("demo", "unreadable"); ok {
		t.Error("a tracepoint without a format was found")
	}
	rt, ok := k.RawTracepoint("demo")
	if !ok || len(rt.Params) != 1 || rt.Params[0].Name != "sk" {
		t.Errorf("RawTracepoint(demo) = %v, %v; want one parameter sk", rt, ok)
	}
	if _, ok := k.Type("unsigned"); !ok {
		t.Error(`Type("unsigned") not found`)
	}
}

// TestBTFFallback compares the tracepoint a kernel without tracefs builds
// from BTF with the one tracefs describes.
func TestBTFFallback(t *testing.T) {
	tiny := tinyKernel(t)
	fromFormat, _ := tiny.Tracepoint("demo", "demo")
	tiny.info.Tracefs = false
	fromBTF, ok := tiny.Tracepoint("demo", "demo")
	if !ok {
		t.Fatal("no fallback tracepoint demo:demo")
	}
	if got, want := fieldLayout(fromBTF), fieldLayout(fromFormat); got != want {
		t.Errorf("fallback layout\n got %s\nwant %s", got, want)
	}
	if !reflect.DeepEqual(fromBTF.Fields, fromFormat.Fields) {
		t.Errorf("fallback fields\n got %+v\nwant %+v", fromBTF.Fields, fromFormat.Fields)
	}

	k := testdataKernel(t)
	path := filepath.Join(t.TempDir(), "vmlinux")
	if err := os.WriteFile(path, k.btfData, 0o644); err != nil {
		t.Fatal(err)
	}
	nofs, err := LiveFrom(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(nofs.Tracepoints()) != 0 {
		t.Error("a kernel without tracefs lists tracepoints")
	}
	want, _ := k.Tracepoint("sched", "sched_switch")
	got, ok := nofs.Tracepoint("sched", "sched_switch")
	if !ok {
		t.Fatal("no fallback for sched:sched_switch")
	}
	if fieldLayout(got) != fieldLayout(want) {
		t.Errorf("sched_switch fallback layout\n got %s\nwant %s", fieldLayout(got), fieldLayout(want))
	}
}

// TestCTypeName checks the C spelling of BTF types, including a cycle that
// only hostile BTF holds (it once overflowed the stack).
func TestCTypeName(t *testing.T) {
	char := &btf.Int{Name: "char", Size: 1}
	cycle := &btf.Const{}
	cycle.Type = &btf.Pointer{Target: cycle}
	tests := []struct {
		typ  btf.Type
		want string
	}{
		{&btf.Pointer{Target: &btf.Const{Type: char}}, "const char *"},
		{&btf.Pointer{Target: &btf.Struct{Name: "sock"}}, "struct sock *"},
		{&btf.Pointer{Target: &btf.FuncProto{}}, "void *"},
		{&btf.Typedef{Name: "u32", Type: char}, "u32"},
		{&btf.Volatile{Type: &btf.Enum{Name: "e"}}, "volatile enum e"},
		{&btf.Pointer{Target: &btf.Void{}}, "void *"},
		{&btf.Int{Name: "long unsigned int", Size: 8}, "unsigned long"},
	}
	for _, tt := range tests {
		if got := cTypeName(tt.typ); got != tt.want {
			t.Errorf("cTypeName(%v) = %q, want %q", tt.typ, got, tt.want)
		}
	}
	if got := cTypeName(cycle); !strings.Contains(got, "?") {
		t.Errorf("cTypeName(cycle) = %q, want it cut short with ?", got)
	}
}

// fieldLayout summarizes what BTF and tracefs must agree on.
func fieldLayout(tp *Tracepoint) string {
	var b strings.Builder
	for _, f := range tp.Fields {
		fmt.Fprintf(&b, "%s@%d/%d[%d]%v%v ", f.Name, f.Offset, f.Size, f.ArrayLen, f.DataLoc, f.Common)
	}
	return b.String()
}

// TestLiveFrom reads a fake tracefs.
func TestLiveFrom(t *testing.T) {
	btfPath := filepath.Join(t.TempDir(), "vmlinux")
	if err := os.WriteFile(btfPath, tinyBTF(t), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, withList := range []bool{true, false} {
		dir := t.TempDir()
		writeEvent(t, dir, "demo", "demo", tinyFormat)
		writeEvent(t, dir, "demo", "other", tinyFormat)
		writeEvent(t, dir, "ftrace", "function", tinyFormat)
		if withList {
			events := "demo:other\ndemo:demo\nftrace:function\ndemo:gone\n"
			if err := os.WriteFile(filepath.Join(dir, "available_events"), []byte(events), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		k, err := LiveFrom(btfPath, dir)
		if err != nil {
			t.Fatal(err)
		}
		want := []TracepointID{{"demo", "demo"}, {"demo", "other"}}
		if withList {
			want = slices.Insert(want, 1, TracepointID{"demo", "gone"})
		}
		if got := k.Tracepoints(); !slices.Equal(got, want) {
			t.Errorf("withList=%v: Tracepoints = %v, want %v", withList, got, want)
		}
		if tp, ok := k.Tracepoint("demo", "other"); !ok || findField(tp, "comm") == nil {
			t.Errorf("withList=%v: demo:other = %v, %v", withList, tp, ok)
		}
		if _, ok := k.Tracepoint("demo", "gone"); ok {
			t.Errorf("withList=%v: demo:gone has no format but was found", withList)
		}
	}
	if _, err := LiveFrom(filepath.Join(t.TempDir(), "missing"), ""); err == nil {
		t.Error("LiveFrom with a missing BTF file succeeded")
	}
}

func writeEvent(t *testing.T, dir, category, name, format string) {
	t.Helper()
	eventDir := filepath.Join(dir, "events", category, name)
	if err := os.MkdirAll(eventDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(eventDir, "format"), []byte(format), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	for _, k := range []*Kernel{tinyKernel(t), testdataKernel(t)} {
		data := snapshotBytes(t, k)
		back, err := ReadSnapshotFrom(bytes.NewReader(data), "round")
		if err != nil {
			t.Fatal(err)
		}
		compareKernels(t, k, back)
		if again := snapshotBytes(t, back); !bytes.Equal(again, data) {
			t.Errorf("%s: rewriting a read snapshot changed it (%d bytes, was %d)", k.info.Source, len(again), len(data))
		}
	}
}

// TestLiveMatchesSnapshot checks that a snapshot of the running kernel
// answers exactly as the running kernel.
func TestLiveMatchesSnapshot(t *testing.T) {
	requireLive(t)
	live, err := Live()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := ReadSnapshotFrom(bytes.NewReader(snapshotBytes(t, live)), "snap")
	if err != nil {
		t.Fatal(err)
	}
	compareKernels(t, live, snap)
	if !live.info.Tracefs {
		t.Logf("no tracefs: %q", live.Info().Notes)
	}
}

// compareKernels checks that b answers as a does.
func compareKernels(t *testing.T, a, b *Kernel) {
	t.Helper()
	ai, bi := a.Info(), b.Info()
	ai.Source, ai.SnapshotFormat, bi.Source, bi.SnapshotFormat = "", 0, "", 0
	if !reflect.DeepEqual(ai, bi) {
		t.Errorf("Info differs:\n%+v\n%+v", ai, bi)
	}
	if !slices.Equal(a.FuncNames(), b.FuncNames()) {
		t.Errorf("FuncNames differ: %d and %d names", len(a.FuncNames()), len(b.FuncNames()))
	}
	if !slices.Equal(a.Tracepoints(), b.Tracepoints()) {
		t.Errorf("Tracepoints differ: %d and %d", len(a.Tracepoints()), len(b.Tracepoints()))
	}
	if !slices.Equal(a.TypeNames(), b.TypeNames()) {
		t.Errorf("TypeNames differ: %d and %d", len(a.TypeNames()), len(b.TypeNames()))
	}
	for _, id := range a.Tracepoints() {
		at, aok := a.Tracepoint(id.Category, id.Name)
		bt, bok := b.Tracepoint(id.Category, id.Name)
		if aok != bok || !reflect.DeepEqual(at, bt) {
			t.Errorf("Tracepoint %s differs: %+v and %+v", id, at, bt)
		}
	}
	for _, name := range []string{"struct sock", "union bpf_attr", "enum sock_type", "pid_t", "unsigned long", "struct nope", "pid_t", "demo_state"} {
		at, aok := a.Type(name)
		bt, bok := b.Type(name)
		if aok != bok || describe(at) != describe(bt) {
			t.Errorf("Type(%q) differs: %s and %s", name, describe(at), describe(bt))
		}
	}
	for _, name := range []string{"tcp_connect", "vfs_read", "demo_connect", "nope"} {
		af, aok := a.Func(name)
		bf, bok := b.Func(name)
		if aok != bok || aok && describe(af.Type) != describe(bf.Type) {
			t.Errorf("Func(%q) differs", name)
		}
	}
	for _, name := range []string{"sched_switch", "sys_enter", "demo", "nope"} {
		ar, aok := a.RawTracepoint(name)
		br, bok := b.RawTracepoint(name)
		if aok != bok || aok && describe(ar) != describe(br) {
			t.Errorf("RawTracepoint(%q) differs", name)
		}
	}
	for _, pattern := range []string{"tcp_*", "*sock*", "vfs_read", "demo_*"} {
		if !slices.Equal(a.MatchFuncs(pattern, 0), b.MatchFuncs(pattern, 0)) {
			t.Errorf("MatchFuncs(%q) differs", pattern)
		}
	}
	for _, name := range []string{"TCP_ESTABLISHED", "DEMO_DOWN", "BPF_PROG_TYPE_TRACING"} {
		av, aok := a.Enumerator(name)
		bv, bok := b.Enumerator(name)
		if av != bv || aok != bok {
			t.Errorf("Enumerator(%q) differs", name)
		}
	}
	for _, name := range []string{"__start_rodata", "jiffies", "tcp_connect"} {
		if a.Symbol(name) != b.Symbol(name) {
			t.Errorf("Symbol(%q) differs", name)
		}
	}
}

// describe prints a type with its members or parameters.
func describe(typ btf.Type) string {
	switch t := typ.(type) {
	case nil:
		return "<nil>"
	case *btf.Struct:
		var b strings.Builder
		fmt.Fprintf(&b, "%v{", t)
		for _, m := range t.Members {
			fmt.Fprintf(&b, "%s %v@%d; ", m.Name, m.Type, m.Offset)
		}
		return b.String() + "}"
	case *btf.FuncProto:
		var b strings.Builder
		fmt.Fprintf(&b, "%v(", t.Return)
		for _, p := range t.Params {
			fmt.Fprintf(&b, "%s %v, ", p.Name, p.Type)
		}
		return b.String() + ")"
	}
	return fmt.Sprint(typ)
}

func TestCorruptSnapshots(t *testing.T) {
	good := snapshotBytes(t, tinyKernel(t))
	version := func(v uint32) []byte {
		b := slices.Clone(good)
		binary.LittleEndian.PutUint32(b[8:], v)
		return b
	}
	flip := func(i int) []byte {
		b := slices.Clone(good)
		b[i] ^= 0x55
		return b
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotSnapshot},
		{"short", good[:5], ErrNotSnapshot},
		{"gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"), ErrNotSnapshot},
		{"version 0", version(0), ErrSnapshotVersion},
		{"version 2", version(2), ErrSnapshotVersion},
		{"header only", good[:headerSize], ErrCorruptSnapshot},
		{"truncated", good[:len(good)/2], ErrCorruptSnapshot},
		{"last byte missing", good[:len(good)-1], ErrCorruptSnapshot},
		{"flipped byte", flip(len(good) / 2), ErrCorruptSnapshot},
		{"flipped checksum", flip(len(good) - 1), ErrCorruptSnapshot},
		{"trailing garbage", append(slices.Clone(good), "garbage"...), ErrCorruptSnapshot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ReadSnapshotFrom(bytes.NewReader(tt.data), "bad.ken")
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if k != nil || !strings.HasPrefix(err.Error(), "bad.ken: ") {
				t.Errorf("got kernel %v, error %q", k, err)
			}
		})
	}
}

// TestCorruptBodies feeds well-compressed bodies with bad content.
func TestCorruptBodies(t *testing.T) {
	tiny := tinyKernel(t)
	good := tiny.encodeBody()
	section := func(tag string, payload []byte) []byte { return appendSection(nil, tag, payload) }
	info := section(tagInfo, []byte(`{"release":"x"}`))
	btfSec := section(tagBTF, tiny.btfData)
	emptyList := section(tagTracepoints, []byte{0})
	emptySyms := section(tagKallsyms, []byte{0})
	end := section(tagEnd, nil)
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"empty", nil, ErrCorruptSnapshot},
		{"no end", slices.Concat(info, btfSec, emptyList, emptySyms), ErrCorruptSnapshot},
		{"after end", slices.Concat(good, end), ErrCorruptSnapshot},
		{"swapped", slices.Concat(btfSec, info, emptyList, emptySyms, end), ErrCorruptSnapshot},
		{"bad json", slices.Concat(section(tagInfo, []byte("{")), btfSec, emptyList, emptySyms, end), ErrCorruptSnapshot},
		{"bad btf", slices.Concat(info, section(tagBTF, []byte("not btf at all, no")), emptyList, emptySyms, end), ErrBadBTF},
		{"short btf", slices.Concat(info, section(tagBTF, tiny.btfData[:40]), emptyList, emptySyms, end), ErrBadBTF},
		{"huge count", slices.Concat(info, btfSec, section(tagTracepoints, []byte{0xff, 0xff, 0x03}), emptySyms, end), ErrCorruptSnapshot},
		{"unsorted", slices.Concat(info, btfSec, section(tagTracepoints, []byte{2, 1, 'b', 1, 'x', 0, 1, 'a', 1, 'x', 0}), emptySyms, end), ErrCorruptSnapshot},
		{"unnamed", slices.Concat(info, btfSec, section(tagTracepoints, []byte{1, 0, 1, 'x', 0}), emptySyms, end), ErrCorruptSnapshot},
		{"unsorted symbols", slices.Concat(info, btfSec, emptyList, section(tagKallsyms, []byte{2, 1, 'b', 1, 'a'}), end), ErrCorruptSnapshot},
		{"section too long", slices.Concat(info, btfSec, emptyList, emptySyms, end[:4], []byte{9, 0, 0, 0}), ErrCorruptSnapshot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeBody(tt.body, "x"); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := decodeBody(slices.Concat(info, btfSec, emptyList, emptySyms, end), "x"); err != nil {
		t.Errorf("minimal body: %v", err)
	}
}

// TestConcurrentFirstUse races first lookups on a fresh kernel; run it
// with -race.
func TestConcurrentFirstUse(t *testing.T) {
	k, err := ReadSnapshot(testdataSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				k.Type("struct sock")
			case 1:
				k.Func("tcp_connect")
			case 2:
				k.Tracepoint("sched", "sched_switch")
				k.Enumerator("TCP_ESTABLISHED")
			case 3:
				k.MatchFuncs("tcp_*", 10)
				k.Info()
			}
		})
	}
	wg.Wait()
	if _, ok := k.Type("struct sock"); !ok {
		t.Error("struct sock lost")
	}
}
