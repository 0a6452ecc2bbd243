package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
)

// fakeBpftrace writes a script that says it is bpftrace version and
// compiles whatever it is given, unless the file holds "REJECT".
func fakeBpftrace(t *testing.T, version string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bpftrace-fake")
	script := "#!/bin/sh\n" +
		"if [ \"$1\" = --version ]; then echo 'bpftrace v" + version + "'; exit 0; fi\n" +
		"if grep -q REJECT \"$3\"; then echo 'ERROR: rejected' >&2; exit 1; fi\n" +
		": > \"$2\"\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// corpus writes programs into a directory and returns it.
func corpus(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const latency = `// Read latency.
// bpftrace-0.23: ok
kprobe:vfs_read
{
	@start[tid] = nsecs;
}

kretprobe:vfs_read
/@start[tid]/
{
	$ns = nsecs - @start[tid];
	if ($ns > 1000) {
		@slow = count();
	}
	delete(@start[tid]);
}
`

func TestRun(t *testing.T) {
	dir := corpus(t, map[string]string{
		"001-latency.bt":    latency,
		"002-parse-only.bt": "// bpftrace-0.23: parse-only\nkprobe:vfs_read { @ = count(); }\n",
		"003-rejected.bt":   "// bpftrace-0.23: ok\n// REJECT\nkprobe:vfs_read { @ = count(); }\n",
	})
	out := filepath.Join(t.TempDir(), "mutants")
	jsonPath := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	args := []string{"-bpftrace", fakeBpftrace(t, "0.23.2"), "-kernel", kerneltest.SnapshotPath(),
		"-per-file", "0", "-runs", "1", "-o", out, "-json", jsonPath, dir}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{
		"programs: 2 with", "1 verified", "(1 other files skipped)", "bpftrace-rejected",
		"swap-tid-pid", "false alarms: 0 of 1", "verification time per original program", "unflagged mutants",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}

	var res results
	if err := json.Unmarshal(readFile(t, jsonPath), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Mutants) == 0 {
		t.Fatal("no mutants")
	}
	flagged := map[string]bool{}
	for _, m := range res.Mutants {
		if m.Flagged {
			flagged[m.Operator] = true
		}
		if m.Elapsed <= 0 || m.Elapsed > time.Minute {
			t.Errorf("%s: elapsed %s", m.Name, m.Elapsed)
		}
		data := readFile(t, filepath.Join(out, m.Name))
		if !strings.HasPrefix(string(data), "// mutant: "+m.Operator+": 001-latency.bt line ") || strings.Contains(string(data), "bpftrace-0.23") {
			t.Errorf("%s: bad header:\n%s", m.Name, data)
		}
	}
	// The entry stores under tid: a return probe reading under pid is
	// the verifier's clock-wrap finding.
	if !flagged["swap-tid-pid"] {
		t.Errorf("no swap-tid-pid mutant flagged: %+v", res.Mutants)
	}
}

func TestDeterministic(t *testing.T) {
	dir := corpus(t, map[string]string{"001-latency.bt": latency})
	names := func(seed string) []string {
		jsonPath := filepath.Join(t.TempDir(), "out.json")
		args := []string{"-bpftrace", fakeBpftrace(t, "0.23.2"), "-kernel", kerneltest.SnapshotPath(),
			"-per-file", "3", "-runs", "1", "-seed", seed, "-json", jsonPath, dir}
		if code := run(args, io.Discard, io.Discard); code != 0 {
			t.Fatalf("exit status %d", code)
		}
		var res results
		if err := json.Unmarshal(readFile(t, jsonPath), &res); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range res.Mutants {
			out = append(out, m.Operator+": "+m.Change)
		}
		return out
	}
	a, b := names("5"), names("5")
	if !slices.Equal(a, b) || len(a) != 3 {
		t.Errorf("seed 5 gave %q, then %q; want the same 3", a, b)
	}
}

func TestRefusesUnsafeBpftrace(t *testing.T) {
	dir := corpus(t, map[string]string{"001-latency.bt": latency})
	var stderr bytes.Buffer
	code := run([]string{"-bpftrace", fakeBpftrace(t, "0.24.1"), dir}, io.Discard, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "refusing") {
		t.Errorf("exit status %d, stderr %q; want 2 and a refusal", code, stderr.String())
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-per-file", "-1"},
		{"-runs", "0"},
		{"-dialect", "x", "-bpftrace", "true"},
		{"-bpftrace", "/no/such/bpftrace"},
		{"/no/such/dir"},
	} {
		if code := run(args, io.Discard, io.Discard); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
	}
}

func TestAdded(t *testing.T) {
	f := func(code, claim string) finding { return finding{Code: code, Claim: claim, Verdict: "counterexample"} }
	a, b := f("ken/byte-order", "x"), f("ken/dead-condition", "y")
	tests := []struct {
		orig, mut, want []finding
	}{
		{nil, []finding{a}, []finding{a}},
		{[]finding{a}, []finding{a}, nil},
		{[]finding{a}, []finding{a, a}, []finding{a}},
		{[]finding{a, b}, []finding{b}, nil},
		{[]finding{b}, []finding{a, b}, []finding{a}},
	}
	for _, tt := range tests {
		if got := added(tt.orig, tt.mut); !slices.Equal(got, tt.want) {
			t.Errorf("added(%v, %v) = %v, want %v", tt.orig, tt.mut, got, tt.want)
		}
	}
}

func TestQuantiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := quantiles(ds)
	if got.p50 != 50*time.Millisecond || got.p95 != 95*time.Millisecond || got.max != 100*time.Millisecond {
		t.Errorf("quantiles = %+v", got)
	}
}

func TestIsOK(t *testing.T) {
	for text, want := range map[string]bool{
		"// about\n// bpftrace-0.23: ok\nBEGIN {}":          true,
		"// bpftrace-0.23: ok (with a note)\nBEGIN {}":      true,
		"// bpftrace-0.23: parse-only\nBEGIN {}":            false,
		"BEGIN {}\n// bpftrace-0.23: ok\n":                  false,
		"#!/usr/bin/env bpftrace\n// bpftrace-0.23: ok\n{}": true,
	} {
		if got := isOK([]byte(text)); got != want {
			t.Errorf("isOK(%q) = %v, want %v", text, got, want)
		}
	}
}
