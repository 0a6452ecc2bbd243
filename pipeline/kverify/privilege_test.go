package kverify

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// childEnv marks the test binary run by TestLoadUnprivileged as the
// unprivileged child, and says what it is to check.
const childEnv = "KVERIFY_UNPRIVILEGED_CHILD"

// TestLoadUnprivileged runs the load in a child process with fewer
// privileges: as nobody, and as nobody with CAP_BPF but not CAP_PERFMON.
// Run unprivileged itself, it checks Load directly.
func TestLoadUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		checkUnprivileged(t)
		return
	}
	dir := childDir(t)
	tests := []struct {
		name    string
		ambient []uintptr
		missing string
	}{
		{"nobody", nil, "CAP_BPF, CAP_PERFMON"},
		{"nobody with CAP_BPF", []uintptr{unix.CAP_BPF}, "CAP_PERFMON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(filepath.Join(dir, "kverify.test"), "-test.run=^TestUnprivilegedChild$", "-test.v")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), childEnv+"="+tt.missing)
			cmd.SysProcAttr = &syscall.SysProcAttr{
				Credential:  &syscall.Credential{Uid: 65534, Gid: 65534},
				AmbientCaps: tt.ambient,
			}
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestUnprivilegedChild") {
				t.Errorf("child: %v\n%s", err, out)
			}
		})
	}
}

// TestUnprivilegedChild is the child of TestLoadUnprivileged.
func TestUnprivilegedChild(t *testing.T) {
	missing, ok := os.LookupEnv(childEnv)
	if !ok {
		t.Skip("run by TestLoadUnprivileged")
	}
	if got := strings.Join(missingCapabilities(), ", "); got != missing {
		t.Errorf("missing %q, want %q", got, missing)
	}
	checkUnprivileged(t)
}

// checkUnprivileged checks, in a process that may not load tracing
// programs, that Load says so once and clearly, and that the kernel's own
// refusal, past the capability check, is reported the same way.
func checkUnprivileged(t *testing.T) {
	elf, src := fixture(t, "pass")
	r, err := Load(context.Background(), elf, src)
	var perr *PrivilegeError
	if !errors.Is(err, ErrNoPrivilege) || !errors.As(err, &perr) || r != nil {
		t.Fatalf("Load = %v, %v; want a PrivilegeError", r, err)
	}
	for _, want := range []string{"run as root", "CAP_BPF and CAP_PERFMON", "kernel.unprivileged_bpf_disabled"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	t.Logf("Load: %v", err)

	// Skip the capability check: the kernel must refuse, and that must
	// read the same, with the kernel's error kept.
	spec, err := readELF(elf)
	if err != nil {
		t.Fatal(err)
	}
	err = verify(context.Background(), spec, plan(spec, src))
	if !errors.As(err, &perr) || perr.Err == nil || !errors.Is(err, unix.EPERM) {
		t.Errorf("verify = %v; want a PrivilegeError wrapping the kernel's EPERM", err)
	}
	t.Logf("verify: %v", err)
}

// childDir makes a directory that nobody can use, holding a copy of the
// test binary (go test's own directory is root's alone) and the fixture.
func childDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kverify-child-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	copyFile(t, os.Args[0], filepath.Join(dir, "kverify.test"), 0o755)
	if err := os.Mkdir(filepath.Join(dir, "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pass.o", "pass.bt"} {
		copyFile(t, filepath.Join("testdata", name), filepath.Join(dir, "testdata", name), 0o644)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPrivilegeErrorText(t *testing.T) {
	err := error(&PrivilegeError{Missing: []string{"CAP_PERFMON"}, Err: unix.EPERM})
	if !errors.Is(err, ErrNoPrivilege) || !errors.Is(err, unix.EPERM) {
		t.Errorf("%v does not match both ErrNoPrivilege and EPERM", err)
	}
	if s := err.Error(); !strings.HasPrefix(s, ErrNoPrivilege.Error()+" (missing CAP_PERFMON): run as root") || !strings.HasSuffix(s, ": operation not permitted") {
		t.Errorf("text %q", s)
	}
}

func TestKernelBefore(t *testing.T) {
	tests := []struct {
		release string
		want    bool
	}{
		{"5.10.0-23-amd64", true},
		{"4.19.0", true},
		{"5.11.0", false},
		{"6.18.44-fc-v657", false},
		{"garbage", false},
	}
	for _, tt := range tests {
		if got := kernelBefore(tt.release, 5, 11); got != tt.want {
			t.Errorf("kernelBefore(%q, 5, 11) = %v", tt.release, got)
		}
	}
}
