// Package bpftracetest finds the real bpftrace commands that tests compare
// ken with. A test that needs one is skipped when it is not configured, and
// fails instead when KEN_REQUIRE_KERNEL is set (as CI does) or when it is
// configured but unusable, so that CI cannot pass by skipping.
package bpftracetest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Formatter returns the path of a bpftrace with --fmt (0.26 and newer),
// which parses a program and prints it without loading or running
// anything: KEN_BPFTRACE_FMT, else bpftrace on PATH.
func Formatter(t testing.TB) string {
	t.Helper()
	cmd := os.Getenv("KEN_BPFTRACE_FMT")
	if cmd == "" {
		cmd = "bpftrace"
	}
	if path, err := exec.LookPath(cmd); err == nil {
		help, _ := exec.Command(path, "--help").CombinedOutput()
		if bytes.Contains(help, []byte("--fmt")) {
			return path
		}
	}
	reason := "no bpftrace with --fmt (0.26+): set KEN_BPFTRACE_FMT, e.g. to the wrapper made by KEN_DEBIAN_SUITE=sid scripts/install-bpftrace.sh"
	if os.Getenv("KEN_REQUIRE_KERNEL") != "" {
		t.Fatal(reason)
	}
	t.Skip(reason)
	return ""
}

// Bpftrace023 returns the command that runs bpftrace 0.23, from
// KEN_BPFTRACE_023 (a command, possibly with a prefix such as
// "chroot /opt/root bpftrace"). Its --emit-elf compiles without loading or
// attaching. The test is skipped when the variable is unset and fails when
// the command is not a working bpftrace 0.23.
func Bpftrace023(t testing.TB) []string {
	t.Helper()
	argv := strings.Fields(os.Getenv("KEN_BPFTRACE_023"))
	if len(argv) == 0 {
		t.Skip("KEN_BPFTRACE_023 is not set; set it to a bpftrace 0.23 command, e.g. the bpftrace-0.23 wrapper made by scripts/install-bpftrace.sh (needs root)")
	}
	out, err := exec.Command(argv[0], append(argv[1:], "--version")...).CombinedOutput()
	if err != nil {
		t.Fatalf("KEN_BPFTRACE_023=%q: %v: %s", os.Getenv("KEN_BPFTRACE_023"), err, out)
	}
	if !bytes.Contains(out, []byte("v0.23.")) {
		t.Fatalf("KEN_BPFTRACE_023=%q runs %s, not bpftrace 0.23", os.Getenv("KEN_BPFTRACE_023"), bytes.TrimSpace(out))
	}
	return argv
}
