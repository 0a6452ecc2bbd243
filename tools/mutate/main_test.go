package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const sample = `// Count opens per process.
// bpftrace-0.23: ok
tracepoint:syscalls:sys_enter_openat
{
	$name = str(args->filename);
	printf("%s %d %s\n", comm, pid, $name);
	@opens[comm] = count();
	@last[comm] = nsecs;
}

kprobe:vfs_read
{
	@reads[tid] = arg2;
	delete(@reads[tid]);
}
`

// generate runs the command on sample and returns the mutants by name.
func generate(t *testing.T, args ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in", "007-opens.bt")
	if err := os.MkdirAll(filepath.Dir(in), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stderr bytes.Buffer
	if code := run(append(append([]string{"-o", out}, args...), in), io.Discard, &stderr); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got[e.Name()] = string(data)
	}
	return got
}

var nameRE = regexp.MustCompile(`^007-opens--([a-z-]+)-([0-9]+)\.bt$`)

func TestMutants(t *testing.T) {
	got := generate(t, "-per-file", "6", "-seed", "7")
	if len(got) != 6 {
		t.Fatalf("got %d mutants, want 6", len(got))
	}
	for name, text := range got {
		m := nameRE.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("bad file name %s", name)
			continue
		}
		lines := strings.SplitN(text, "\n", 3)
		if !strings.HasPrefix(lines[0], "// mutant: "+m[1]+": line ") || lines[1] != "// class: "+m[1] {
			t.Errorf("%s: bad header:\n%s\n%s", name, lines[0], lines[1])
		}
		if strings.Contains(text, "bpftrace-0.23") {
			t.Errorf("%s keeps the original's verdict", name)
		}
		body := lines[2]
		if body == string(stripHeader([]byte(sample))) || !parses([]byte(body)) {
			t.Errorf("%s: unchanged or does not parse:\n%s", name, body)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := generate(t, "-seed", "3")
	b := generate(t, "-seed", "3")
	if !equalMaps(a, b) {
		t.Error("the same seed gave different mutants")
	}
	if c := generate(t, "-seed", "4"); equalMaps(a, c) {
		t.Error("seeds 3 and 4 gave the same mutants")
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestSpread checks that one program's mutants come from different
// operators while enough of them apply.
func TestSpread(t *testing.T) {
	var ops []string
	for name := range generate(t, "-per-file", "5") {
		ops = append(ops, nameRE.FindStringSubmatch(name)[1])
	}
	slices.Sort(ops)
	if len(slices.Compact(ops)) != 5 {
		t.Errorf("operators %q, want 5 different ones", ops)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"-o", t.TempDir()}, {"-o", t.TempDir(), "-per-file", "0", "x.bt"}} {
		if code := run(args, io.Discard, io.Discard); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
}
