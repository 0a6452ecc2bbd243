package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/kernel"
)

// testdataSnapshot is the kernel snapshot checked in by analysis/kernel.
const testdataSnapshot = "../../analysis/kernel/testdata/vmlinux-snapshot.ken"

func runKen(args ...string) (status int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	status = run(args, strings.NewReader(""), &out, &errOut)
	return status, out.String(), errOut.String()
}

func TestKernelCommand(t *testing.T) {
	k, err := kernel.ReadSnapshot(testdataSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	release := k.Info().Release
	tests := []struct {
		args       []string
		wantStatus int
		wantOut    []string // substrings of stdout
		wantErr    string   // substring of stderr
	}{
		{args: []string{"kernel", "info", "--kernel", testdataSnapshot}, wantOut: []string{
			"release:     " + release + "\n", "source:      " + testdataSnapshot + "\n",
			"tracefs:     yes\n", "format:      1\n", "functions:", "tracepoints:", "types:", "features:    fentry=no",
		}},
		{args: []string{"kernel"}, wantStatus: exitUsage, wantErr: "usage: ken kernel"},
		{args: []string{"kernel", "help"}, wantOut: []string{"usage: ken kernel"}},
		{args: []string{"kernel", "nope"}, wantStatus: exitUsage, wantErr: `unknown command "nope"`},
		{args: []string{"kernel", "snapshot"}, wantStatus: exitUsage, wantErr: "want -o FILE"},
		{args: []string{"kernel", "snapshot", "-o", "x", "extra"}, wantStatus: exitUsage, wantErr: "want -o FILE"},
		{args: []string{"kernel", "snapshot", "-h"}, wantErr: "usage: ken kernel snapshot"},
		{args: []string{"kernel", "info", "extra"}, wantStatus: exitUsage, wantErr: "unexpected arguments"},
		{args: []string{"kernel", "info", "--kernel", "no/such/file.ken"}, wantStatus: exitUsage, wantErr: "no such file"},
		{args: []string{"kernel", "info", "--kernel", "kernel.go"}, wantStatus: exitUsage, wantErr: "not a ken kernel snapshot"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			status, out, errOut := runKen(tt.args...)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d; stderr %q", status, tt.wantStatus, errOut)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out, want) {
					t.Errorf("stdout = %q, want it to contain %q", out, want)
				}
			}
			if !strings.Contains(errOut, tt.wantErr) || tt.wantErr == "" && errOut != "" {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tt.wantErr)
			}
		})
	}
}

// TestKernelSnapshot snapshots the running kernel, twice over the same
// file, and reads the result back.
func TestKernelSnapshot(t *testing.T) {
	requireKernel(t)
	path := filepath.Join(t.TempDir(), "live.ken")
	for range 2 {
		status, out, errOut := runKen("kernel", "snapshot", "-o", path)
		if status != exitOK || !strings.HasPrefix(out, "wrote "+path) {
			t.Fatalf("status %d, stdout %q, stderr %q", status, out, errOut)
		}
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if status, _, errOut := runKen("kernel", "snapshot", "-o", path); status != exitOK {
		t.Fatalf("rewriting: status %d, stderr %q", status, errOut)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("rewritten snapshot: %v, %v; want mode 0600 kept", st, err)
	}
	live, err := kernel.Live()
	if err != nil {
		t.Fatal(err)
	}
	status, out, _ := runKen("kernel", "info", "--kernel", path)
	if status != exitOK || !strings.Contains(out, "release:     "+live.Info().Release+"\n") {
		t.Errorf("kernel info of the new snapshot: status %d, stdout %q", status, out)
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(matches) > 0 {
		t.Errorf("temporary files left behind: %q", matches)
	}
}

// requireKernel skips the test unless the running kernel can be read;
// with KEN_REQUIRE_KERNEL set it fails instead.
func requireKernel(t *testing.T) {
	t.Helper()
	reason := ""
	if _, err := os.ReadFile(kernel.DefaultBTFPath); err != nil {
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
