package analysis_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kenlsp/ken/internal/bpftracetest"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/source"
)

// compile23 runs bpftrace's compile-only dry run and returns whether it
// accepted the program, with its first error line otherwise.
func compile23(t *testing.T, cmd []string, path string) (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "out.o")
	args := append(append([]string{}, cmd[1:]...), "--emit-elf", out, path)
	output, err := exec.CommandContext(ctx, cmd[0], args...).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %v: %v", cmd, err)
	}
	for _, line := range strings.Split(string(output), "\n") {
		if strings.Contains(line, "ERROR") {
			return err == nil, strings.TrimSpace(line)
		}
	}
	return err == nil, ""
}

// TestAgreementWithBpftrace023 compiles every corpus program with the real
// bpftrace 0.23 and checks ken's verdict against it, on this machine's
// kernel: at least 95% agreement, and no error on a program bpftrace
// accepts. make bench-agreement prints the full report with timings.
func TestAgreementWithBpftrace023(t *testing.T) {
	cmd := bpftracetest.Bpftrace023(t)
	k, err := kernel.Live()
	if err != nil {
		t.Fatalf("bpftrace compiles against the live kernel, which ken cannot read: %v", err)
	}
	// The wrapper scripts/install-bpftrace.sh installs runs bpftrace in a
	// chroot, so headers and binaries are those inside it.
	root := os.Getenv("KEN_BPFTRACE_ROOT")
	if root == "" {
		root = "/opt/ken/trixie"
	}
	cfg := analysis.Config{Kernel: k, Dialect: dialect.V(0, 23), HostFiles: true, HostRoot: root}
	var paths []string
	for _, dir := range []string{"valid", "semantic"} {
		ps, _ := filepath.Glob(filepath.Join("testdata", dir, "*.bt"))
		paths = append(paths, ps...)
	}
	agree := 0
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f := source.NewFile(path, text)
		ds := analysis.Check(f, cfg).Diagnostics
		kenRejects := diag.HasErrors(ds)
		accepted, bpftraceErr := compile23(t, cmd, path)
		switch {
		case kenRejects == !accepted:
			agree++
		case accepted:
			t.Errorf("%s: false error: bpftrace 0.23 accepts it, ken reports %s", path, summary(f, ds))
		default:
			t.Logf("%s: missed: bpftrace 0.23 reports %q", path, bpftraceErr)
		}
	}
	rate := float64(agree) / float64(len(paths))
	t.Logf("agreement with bpftrace 0.23: %d/%d (%.1f%%)", agree, len(paths), 100*rate)
	if rate < 0.95 {
		t.Errorf("agreement %.1f%% is below 95%%", 100*rate)
	}
}
