package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/kernel/kerneltest"
)

// fakeBpftrace writes a shell script that answers --version with version
// and, like bpftrace --emit-elf, rejects every program containing "BAD"
// and writes an (empty, so unloadable) object for the others.
func fakeBpftrace(t *testing.T, version string) string {
	t.Helper()
	return script(t, `#!/bin/sh
if [ "$1" = --version ]; then echo "bpftrace `+version+`"; exit 0; fi
out=""; prog=""
while [ $# -gt 0 ]; do
	case $1 in
	--emit-elf) out=$2; shift ;;
	-I) shift ;;
	*) prog=$1 ;;
	esac
	shift
done
if grep -q BAD "$prog"; then echo "$prog:1:9-15: ERROR: bad program" >&2; exit 1; fi
: > "$out"
`)
}

func script(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-bpftrace")
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeCorpus writes programs, by file name, into a new directory.
func writeCorpus(t *testing.T, programs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range programs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// only runs the command on one corpus, as -valid.
func only(dir string, args ...string) []string {
	return append([]string{"-kernel", kerneltest.SnapshotPath(), "-valid", dir, "-semantic", "", "-examples", ""}, args...)
}

func TestRefusesUnsafeBpftrace(t *testing.T) {
	dir := writeCorpus(t, map[string]string{"a.bt": "BEGIN { exit(); }\n"})
	for version, want := range map[string]string{
		"v0.24.0": "refusing", "v0.26.1": "refusing", "v0.27.0": "refusing", "v1.0.0": "refusing",
		"v0.16.0": "older than 0.17",
	} {
		var stdout, stderr strings.Builder
		code := run(only(dir, "-bpftrace", fakeBpftrace(t, version)), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), want) || stdout.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", version, code, stdout.String(), stderr.String(), want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	dir := writeCorpus(t, map[string]string{"a.bt": "BEGIN { exit(); }\n"})
	fake := fakeBpftrace(t, "v0.23.2")
	for name, args := range map[string][]string{
		"bad flag":         {"-nope"},
		"argument":         only(dir, "-bpftrace", fake, dir),
		"zero runs":        only(dir, "-bpftrace", fake, "-runs", "0"),
		"zero workers":     only(dir, "-bpftrace", fake, "-j", "0"),
		"no corpus":        {"-valid", "", "-semantic", "", "-examples", ""},
		"missing corpus":   only(filepath.Join(dir, "missing"), "-bpftrace", fake),
		"no mutants":       only(dir, "-bpftrace", fake, "-mutants", dir),
		"no bpftrace":      only(dir, "-bpftrace", filepath.Join(dir, "no-such-bpftrace")),
		"bad dialect":      only(dir, "-bpftrace", fake, "-dialect", "latest"),
		"missing snapshot": append(only(dir, "-bpftrace", fake), "-kernel", filepath.Join(dir, "none.ken")),
	} {
		var stdout, stderr strings.Builder
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", name, code, stderr.String())
		}
	}
	var stdout, stderr strings.Builder
	if code := run([]string{"-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-mutants") {
		t.Errorf("-h: exit %d, stderr %q", code, stderr.String())
	}
}

// readReport runs the command with -json and decodes what it wrote.
func readReport(t *testing.T, args []string) (*report, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr strings.Builder
	if code := run(append(args, "-json", out), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep, stdout.String()
}

// firstFinders maps each file's base name to its first finder.
func firstFinders(rep *report) map[string]string {
	got := map[string]string{}
	for _, c := range rep.Corpora {
		for _, f := range c.Files {
			got[filepath.Base(f.File)] = f.First
		}
	}
	return got
}

func TestFakeBpftrace(t *testing.T) {
	dir := writeCorpus(t, map[string]string{
		"1-ok.bt":       "// bpftrace-0.23: ok\nBEGIN { exit(); }\n",
		"2-bpftrace.bt": "// bpftrace-0.23: ok\nBEGIN { printf(\"BAD\\n\"); }\n",
		"3-ken.bt":      "// bpftrace-0.23: error\nBEGIN { @x = nosuchfunc(); }\n",
		"notes.txt":     "not a program",
	})
	rep, text := readReport(t, only(dir, "-bpftrace", fakeBpftrace(t, "v0.23.2"), "-runs", "3", "-j", "2"))
	want := map[string]string{"1-ok.bt": none, "2-bpftrace.bt": "bpftrace", "3-ken.bt": "parse+semantic"}
	got := firstFinders(rep)
	for name, first := range want {
		if got[name] != first {
			t.Errorf("%s: first finder %q, want %q", name, got[name], first)
		}
	}
	if len(got) != len(want) {
		t.Errorf("files %v, want %v", got, want)
	}
	files := rep.Corpora[0].Files
	if d := files[2].Disagreement; !strings.Contains(d, "ken-only error") {
		t.Errorf("3-ken.bt: disagreement %q, want a ken-only error", d)
	}
	if d := files[1].Disagreement; !strings.Contains(d, "bpftrace-only error") {
		t.Errorf("2-bpftrace.bt: disagreement %q, want a bpftrace-only error", d)
	}
	// The fake's empty object cannot be loaded: the kernel judges nothing,
	// but only the files the pipeline stopped before bpftrace skip it there.
	k := rep.Corpora[0].Summary.Stages[3]
	if k.Judged != 0 || k.Ran != 0 || sumValues(k.NotJudged) != 3 {
		t.Errorf("kernel stage %+v", k)
	}
	if b := rep.Corpora[0].Summary.Stages[2]; b.Ran != 2 || b.Judged != 3 || b.Flagged != 1 || b.New != 1 {
		t.Errorf("bpftrace stage %+v", b)
	}
	for _, s := range []string{"== valid", "first finder: parse+semantic 1, symbolic 0, bpftrace 1, kernel 0, none 1", "ken-only error"} {
		if !strings.Contains(text, s) {
			t.Errorf("no %q in the report:\n%s", s, text)
		}
	}
}

// TestBpftraceNeedsRoot checks that a bpftrace which cannot run here
// leaves its stage and the kernel's skipped, with the reason, and the
// other figures.
func TestBpftraceNeedsRoot(t *testing.T) {
	fake := script(t, "#!/bin/sh\necho 'fake-bpftrace: must run as root' >&2\nexit 126\n")
	dir := writeCorpus(t, map[string]string{"a.bt": "BEGIN { exit(); }\n", "b.bt": "BEGIN { @x = nosuchfunc(); }\n"})
	rep, _ := readReport(t, only(dir, "-bpftrace", fake))
	if rep.BpftraceNote == "" || rep.Version != "unknown" {
		t.Errorf("bpftrace note %q, version %q", rep.BpftraceNote, rep.Version)
	}
	s := rep.Corpora[0].Summary
	if s.Stages[0].Flagged != 1 || s.Stages[2].Judged != 0 || s.Stages[3].Judged != 0 || s.Stages[2].Ran != 0 {
		t.Errorf("stages %+v", s.Stages)
	}
}
