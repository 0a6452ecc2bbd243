package dialect

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kenlsp/ken/internal/bpftracetest"
)

// runBpftrace runs argv with args on a copy of src and reports whether it
// succeeded, with its output. Only the safe modes are used: -l FILE (parse
// and list the probes) and --emit-elf OUT FILE (compile without loading).
func runBpftrace(t *testing.T, argv []string, src string, compile bool) (bool, string) {
	t.Helper()
	dir := t.TempDir()
	prog := filepath.Join(dir, "prog.bt")
	if err := os.WriteFile(prog, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string(nil), argv[1:]...)
	if compile {
		args = append(args, "--emit-elf", filepath.Join(dir, "prog.o"), prog)
	} else {
		args = append(args, "-l", prog)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv[0], args...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s timed out on\n%s", strings.Join(argv, " "), src)
	}
	return err == nil, errorLines(out)
}

// errorLines keeps the lines of bpftrace's output that report errors.
func errorLines(out []byte) string {
	var lines []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "ERROR") || strings.Contains(line, "error") || strings.Contains(line, "fault") {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// TestAgainstBpftrace023 runs every table snippet through bpftrace 0.23
// and requires it to accept exactly the snippets whose features Has says
// 0.23 has.
func TestAgainstBpftrace023(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	v := V(0, 23)
	for _, c := range checkCases {
		accepted, out := runBpftrace(t, argv, c.src, !c.list)
		want := len(c.expected(v)) == 0
		if accepted != want {
			t.Errorf("%s: bpftrace 0.23 accepts=%v, ken expects %v (missing features %v)\n%s\n%s",
				c.name, accepted, want, c.expected(v), c.src, out)
		}
	}
}

// TestFixesAgainstBpftrace023 applies ken's fixes to every corpus file that
// is newer than 0.23 and fixable, and requires bpftrace 0.23 to parse the
// result: whatever it still rejects must not be syntax.
func TestFixesAgainstBpftrace023(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	tried := 0
	for _, cf := range corpus(t) {
		if cf.header != "newer" {
			continue
		}
		text, _ := os.ReadFile(cf.path)
		file, sf := parse(t, cf.name, string(text))
		found := check(file, sf, V(0, 23))
		fixedText, fixed := applyFirstFixes(sf.Text, found)
		if len(found) == 0 || len(fixed) != len(featureSet(found)) {
			continue // nothing to fix, or not everything has a fix
		}
		tried++
		_, out := runBpftrace(t, argv, string(fixedText), false)
		if strings.Contains(out, "syntax error") {
			t.Errorf("%s: bpftrace 0.23 still finds a syntax error after ken's fixes:\n%s\n%s", cf.name, fixedText, out)
		}
	}
	t.Logf("%d corpus files fixed and parsed by bpftrace 0.23", tried)
	if tried == 0 {
		t.Error("no corpus file was fixable")
	}
}

func featureSet(found []finding) map[Feature]bool {
	set := map[Feature]bool{}
	for _, f := range found {
		set[f.feature] = true
	}
	return set
}

// TestAgainstNewest parses every table snippet with the newest bpftrace's
// formatter and requires it to accept exactly what Newest has. Gates and
// attach points are outside what --fmt checks, so they are ignored.
func TestAgainstNewest(t *testing.T) {
	bpftrace := bpftracetest.Formatter(t)
	for _, c := range checkCases {
		dir := t.TempDir()
		prog := filepath.Join(dir, "prog.bt")
		if err := os.WriteFile(prog, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, bpftrace, "--fmt", prog).CombinedOutput()
		cancel()
		want := true
		for _, f := range c.want {
			if !Has(Newest, f) {
				want = false
			}
		}
		if accepted := err == nil; accepted != want {
			t.Errorf("%s: %s --fmt accepts=%v, ken expects %v\n%s\n%s", c.name, bpftrace, accepted, want, c.src, errorLines(out))
		}
	}
}
