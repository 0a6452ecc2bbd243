package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBpftrace writes a shell script that answers --version with version
// and rejects, like bpftrace --emit-elf, every program containing "BAD".
func fakeBpftrace(t *testing.T, version string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-bpftrace")
	script := `#!/bin/sh
if [ "$1" = --version ]; then echo "bpftrace ` + version + `"; exit 0; fi
if [ "$1" != --emit-elf ]; then echo "ERROR: unexpected arguments" >&2; exit 64; fi
if grep -q BAD "$3"; then echo "$3:3:1-4: ERROR: bad program" >&2; exit 1; fi
: > "$2"
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		// Accepted by both.
		"001-ok.bt": "// p\n// bpftrace-0.23: ok\nBEGIN { exit(); }\n",
		// Only the fake bpftrace rejects it: a miss.
		"002-bad.bt": "// p\n// bpftrace-0.23: error\n// class: type\n// error: bad program\nBEGIN { printf(\"BAD\\n\"); }\n",
		// Only ken sees the syntax error: a false error.
		"003-syntax.bt": "// p\n// bpftrace-0.23: ok\nBEGIN { exit(); \n",
		// Rejected by both.
		"004-unlabel.bt": "BEGIN { BAD(( }\n",
		"notes.txt":      "not a program",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRefusesNewBpftrace(t *testing.T) {
	for _, version := range []string{"v0.24.0", "v0.26.1", "v0.27.0", "v1.0.0"} {
		var stdout, stderr strings.Builder
		code := run([]string{"-bpftrace", fakeBpftrace(t, version), "-runs", "1", writeCorpus(t)}, &stdout, &stderr)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", version, code)
		}
		if !strings.Contains(stderr.String(), "refusing") || stdout.Len() != 0 {
			t.Errorf("%s: stdout %q stderr %q", version, stdout.String(), stderr.String())
		}
	}
}

func TestUsageErrors(t *testing.T) {
	fake := fakeBpftrace(t, "v0.23.2")
	corpus := writeCorpus(t)
	for name, args := range map[string][]string{
		"bad flag":         {"-nope", corpus},
		"zero runs":        {"-bpftrace", fake, "-runs", "0", corpus},
		"missing path":     {"-bpftrace", fake, filepath.Join(corpus, "missing")},
		"no bpftrace":      {"-bpftrace", filepath.Join(corpus, "no-such-command"), corpus},
		"bad dialect":      {"-bpftrace", fake, "-dialect", "latest", corpus},
		"missing snapshot": {"-bpftrace", fake, "-kernel", filepath.Join(corpus, "none.ken"), corpus},
	} {
		var stdout, stderr strings.Builder
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", name, code, stderr.String())
		}
	}
	var stdout, stderr strings.Builder
	if code := run([]string{"-h"}, &stdout, &stderr); code != 0 {
		t.Errorf("-h: exit %d, want 0", code)
	}
}

func TestRunReport(t *testing.T) {
	corpus := writeCorpus(t)
	jsonPath := filepath.Join(t.TempDir(), "results.json")
	var stdout, stderr strings.Builder
	code := run([]string{"-bpftrace", fakeBpftrace(t, "v0.23.2"), "-runs", "3", "-json", jsonPath, corpus}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"(v0.23.2)",
		"dialect 0.23.2",
		"files: 4\n",
		"total           4            1            1                1                     1\n",
		"002-bad.bt [type, missed]\n    bpftrace: 002-bad.bt:3:1-4: ERROR: bad program\n    ken:      (no error)\n",
		"003-syntax.bt [ok, false error]\n    bpftrace: (accepted)\n    ken:      line 4: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\nreport:\n%s", want, out)
		}
	}

	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var results []result
	if err := json.Unmarshal(data, &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 || results[1].Class != "type" || results[1].BpftraceAccepts || results[1].BpftraceStatus != 1 {
		t.Errorf("json results = %+v", results)
	}
}
