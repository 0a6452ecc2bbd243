// Package kerneltest gives tests the checked-in snapshot of the kernel the
// corpus verdicts were taken on, so that no test depends on the machine it
// runs on.
package kerneltest

import (
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/kenlsp/ken/analysis/kernel"
)

var (
	once     sync.Once
	snapshot *kernel.Kernel
	err      error
)

// SnapshotPath is the absolute path of the test snapshot
// (analysis/kernel/testdata/vmlinux-snapshot.ken).
func SnapshotPath() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "testdata", "vmlinux-snapshot.ken")
}

// Snapshot loads the test snapshot once per test binary; it fails the test
// when the file cannot be read.
func Snapshot(t testing.TB) *kernel.Kernel {
	t.Helper()
	once.Do(func() { snapshot, err = kernel.ReadSnapshot(SnapshotPath()) })
	if err != nil {
		t.Fatalf("reading the test snapshot: %v", err)
	}
	return snapshot
}
