package kernel

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/cilium/ebpf/btf"
)

// testdataSnapshot is the snapshot of the kernel of the machine this
// package was written on, checked in for tests here and in other packages.
const testdataSnapshot = "testdata/vmlinux-snapshot.ken"

var loadTestdata = sync.OnceValues(func() (*Kernel, error) { return ReadSnapshot(testdataSnapshot) })

// testdataKernel returns the checked-in snapshot, read once per test binary.
func testdataKernel(t testing.TB) *Kernel {
	t.Helper()
	k, err := loadTestdata()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// requireLive skips the test unless the running kernel can be read (root
// and BTF present); with KEN_REQUIRE_KERNEL set it fails instead, so that
// CI notices when it lost its kernel.
func requireLive(t testing.TB) {
	t.Helper()
	reason := ""
	if _, err := os.ReadFile(DefaultBTFPath); err != nil {
		reason = "kernel BTF unreadable: " + err.Error()
	} else if os.Geteuid() != 0 {
		reason = "not root: tracefs and feature probes need root"
	}
	if reason == "" {
		return
	}
	if os.Getenv("KEN_REQUIRE_KERNEL") != "" {
		t.Fatalf("KEN_REQUIRE_KERNEL is set but %s", reason)
	}
	t.Skip(reason)
}

// tinyBTF marshals a handful of types: enough for a Kernel that exercises
// every lookup while keeping fuzz inputs small.
func tinyBTF(t testing.TB) []byte {
	t.Helper()
	u32 := &btf.Int{Name: "unsigned int", Size: 4}
	i32 := &btf.Int{Name: "int", Size: 4, Encoding: btf.Signed}
	char := &btf.Int{Name: "char", Size: 1, Encoding: btf.Char}
	pid := &btf.Typedef{Name: "pid_t", Type: i32}
	entry := &btf.Struct{Name: "trace_entry", Size: 8, Members: []btf.Member{
		{Name: "type", Type: &btf.Int{Name: "short unsigned int", Size: 2}},
		{Name: "flags", Type: &btf.Int{Name: "unsigned char", Size: 1}, Offset: 16},
		{Name: "preempt_count", Type: &btf.Int{Name: "unsigned char", Size: 1}, Offset: 24},
		{Name: "pid", Type: i32, Offset: 32},
	}}
	raw := &btf.Struct{Name: "trace_event_raw_demo", Size: 32, Members: []btf.Member{
		{Name: "ent", Type: entry},
		{Name: "comm", Type: &btf.Array{Index: u32, Type: char, Nelems: 16}, Offset: 64},
		{Name: "pid", Type: pid, Offset: 192},
		{Name: "__data_loc_name", Type: u32, Offset: 224},
		{Name: "__data", Type: &btf.Array{Index: u32, Type: char, Nelems: 0}, Offset: 256},
	}}
	sock := &btf.Struct{Name: "sock", Size: 8, Members: []btf.Member{{Name: "state", Type: i32}}}
	sockPtr := &btf.Pointer{Target: sock}
	proto := &btf.FuncProto{Return: i32, Params: []btf.FuncParam{{Name: "sk", Type: sockPtr}}}
	fn := &btf.Func{Name: "demo_connect", Type: proto, Linkage: btf.GlobalFunc}
	fn2 := &btf.Func{Name: "demo_close", Type: proto, Linkage: btf.GlobalFunc}
	tpProto := &btf.FuncProto{Return: &btf.Void{}, Params: []btf.FuncParam{
		{Name: "__data", Type: &btf.Pointer{Target: &btf.Void{}}},
		{Name: "sk", Type: sockPtr},
	}}
	tpTypedef := &btf.Typedef{Name: "btf_trace_demo", Type: &btf.Pointer{Target: tpProto}}
	states := &btf.Enum{Name: "demo_state", Size: 4, Signed: true, Values: []btf.EnumValue{
		{Name: "DEMO_UP", Value: 1}, {Name: "DEMO_DOWN", Value: uint64(0xffffffffffffffff)},
	}}
	b, err := btf.NewBuilder([]btf.Type{fn, fn2, raw, tpTypedef, states, char}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := b.Marshal(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// tinyFormat is the tracefs format of the tracepoint demo:demo.
const tinyFormat = `name: demo
ID: 7
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:char comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t pid;	offset:24;	size:4;	signed:1;
	field:__data_loc char[] name;	offset:28;	size:4;	signed:0;

print fmt: "comm=%s pid=%d name=%s", REC->comm, REC->pid, __get_str(name)
`

// tinyKernel builds a small Kernel as a snapshot would hold it.
func tinyKernel(t testing.TB) *Kernel {
	t.Helper()
	k, err := newKernel(Info{Release: "6.0.0-tiny", Machine: "x86_64", Source: "tiny", Tracefs: true,
		Notes: []string{"made by a test"}}, tinyBTF(t))
	if err != nil {
		t.Fatal(err)
	}
	k.setTracepoints([]TracepointID{{"demo", "demo"}, {"demo", "unreadable"}, {"other", "thing"}})
	k.tps[0].text = []byte(tinyFormat)
	k.tps[2].text = []byte(tinyFormat)
	p := probeResult{features: Features{Fentry: true}}
	k.probes = func() probeResult { return p }
	syms := []string{"__start_rodata", "jiffies"}
	k.kallsyms = func() []string { return syms }
	return k
}

// snapshotBytes writes k's snapshot to memory.
func snapshotBytes(t testing.TB, k *Kernel) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := k.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
