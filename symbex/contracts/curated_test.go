package contracts

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
)

var update = flag.Bool("update", false, "rewrite datasets/contracts/curated.json in canonical form")

// curatedPath is datasets/contracts/curated.json in this checkout.
func curatedPath() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "datasets", "contracts", "curated.json")
}

func TestCuratedCoverage(t *testing.T) {
	s, err := Curated()
	if err != nil {
		t.Fatalf("the embedded curated contracts do not validate:\n%v", err)
	}
	if s.Kernel != "" {
		t.Errorf("curated set names kernel %q", s.Kernel)
	}
	hooks := len(s.Functions) + len(s.Tracepoints)
	t.Logf("curated: %d functions, %d tracepoints, %d field facts", len(s.Functions), len(s.Tracepoints), len(s.Fields))
	if hooks < 100 || len(s.Functions) < 100 {
		t.Errorf("%d curated hook points (%d functions), want at least 100", hooks, len(s.Functions))
	}

	// Every entry has a one-line doc and tags, and no curated flag of its own
	// (Merge sets it).
	for _, f := range s.Functions {
		if f.Doc == "" || len(f.Tags) == 0 || f.Curated || f.Proto != "" {
			t.Errorf("function %s: want doc and tags, no curated flag or proto", f.Name)
		}
	}
	for _, tp := range s.Tracepoints {
		if tp.Doc == "" || len(tp.Tags) == 0 || tp.Curated {
			t.Errorf("tracepoint %s: want doc and tags, no curated flag", tp.Name)
		}
	}
	for _, ff := range s.Fields {
		if ff.Doc == "" || ff.ByteOrder == "" || ff.Type == "" {
			t.Errorf("field %s.%s: want doc, type and byte order", ff.Struct, ff.Field)
		}
	}

	// Every entry exists in the test snapshot, with the parameters, fields,
	// members and names it mentions.
	k := kerneltest.Snapshot(t)
	if err := s.Check(k); err != nil {
		var list ErrorList
		errors.As(err, &list)
		for _, e := range list {
			t.Errorf("curated.json:%s", e)
		}
	}
}

func TestCuratedMerged(t *testing.T) {
	k := kerneltest.Snapshot(t)
	m, err := ForKernel(k)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kernel != k.Info().Release || len(m.Functions) != len(k.FuncNames()) {
		t.Errorf("merged set: kernel %q, %d functions", m.Kernel, len(m.Functions))
	}
	f, ok := m.Function("tcp_connect")
	if !ok || !f.Curated || f.Proto != "int tcp_connect(struct sock *sk)" || f.Params[0] != (Param{Name: "sk", Type: "struct sock *", NonNull: true}) ||
		!f.Returns.Errno || f.Returns.Max == nil || *f.Returns.Max != 0 || f.Returns.Type != "int" {
		t.Errorf("tcp_connect = %+v", f)
	}
	if f, _ := m.Function("vfs_read"); len(f.Params) != 4 || !f.Params[1].User || !f.Params[3].Nullable || len(f.Post) == 0 {
		t.Errorf("vfs_read = %+v", f)
	}
	if ff, ok := m.Field("sock_common", "skc_num"); !ok || ff.ByteOrder != Host {
		t.Errorf("skc_num = %+v, %v", ff, ok)
	}
	if ff, ok := m.Field("struct sock_common", "skc_dport"); !ok || ff.ByteOrder != Network || ff.Doc == "" {
		t.Errorf("skc_dport = %+v, %v", ff, ok)
	}
	tp, _ := m.Tracepoint("syscalls:sys_exit_close")
	if ret, _ := tp.Field("ret"); ret == nil || !ret.Errno || *ret.Min != -4095 || *ret.Max != 0 || ret.Type != "long" {
		t.Errorf("sys_exit_close ret = %+v", ret)
	}
	tp, _ = m.Tracepoint("sock:inet_sock_set_state")
	if sport, _ := tp.Field("sport"); sport == nil || sport.ByteOrder != Host || sport.Type != "__u16" {
		t.Errorf("inet_sock_set_state sport = %+v", sport)
	}
	if err := m.Check(k); err != nil {
		t.Errorf("merged set does not check:\n%v", err)
	}
}

// TestCuratedCanonical keeps curated.json in the form Write gives it, so
// that edits show as small diffs. Run with -update to rewrite it.
func TestCuratedCanonical(t *testing.T) {
	path := curatedPath()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(data, path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(buf.Bytes(), data) {
		return
	}
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is not in canonical form; run go test ./symbex/contracts -run TestCuratedCanonical -update", path)
}

func TestCuratedRoundTrip(t *testing.T) {
	k := kerneltest.Snapshot(t)
	m, err := ForKernel(k)
	if err != nil {
		t.Fatal(err)
	}
	var first bytes.Buffer
	if err := m.Write(&first); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(first.Bytes(), "merged")
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := back.Write(&second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("Write(Parse(Write(merged))) differs from Write(merged)")
	}
	if f, _ := back.Function("tcp_v4_send_reset"); f == nil || !f.Curated || !f.Params[0].Nullable {
		t.Errorf("tcp_v4_send_reset after the round trip = %+v", f)
	}
	if !strings.HasPrefix(first.String(), "{\n  \"format\": \"ken-contracts/1\",\n  \"kernel\": ") {
		t.Errorf("output starts %q", first.String()[:60])
	}
}
