// Package benchtool holds what ken's benchmark tools (tools/agreement,
// tools/semmutate, tools/stagebench) share: finding the corpus files,
// loading the kernel ken checks against, usage errors and exit statuses,
// and refusing a bpftrace whose --emit-elf would run programs.
package benchtool

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/kenlsp/ken/analysis/kernel"
)

// CollectFiles expands command-line arguments into a sorted,
// duplicate-free list of programs: a directory gives its *.bt files (not
// recursively), a file is taken as it is.
func CollectFiles(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, arg)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(arg, "*.bt"))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s: no .bt files", arg)
		}
		files = append(files, matches...)
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// LoadKernel loads the snapshot at path, or the running kernel when path
// is empty, and describes it. A snapshot that cannot be read is an error;
// a running kernel that cannot be read leaves ken without kernel knowledge
// (nil), which the description says.
func LoadKernel(path string) (*kernel.Kernel, string, error) {
	if path != "" {
		k, err := kernel.ReadSnapshot(path)
		if err != nil {
			return nil, "", err
		}
		return k, Describe(k), nil
	}
	k, err := kernel.Live()
	if err != nil {
		return nil, fmt.Sprintf("none (reading the running kernel: %v)", err), nil
	}
	return k, Describe(k), nil
}

// Describe names a kernel for a report heading.
func Describe(k *kernel.Kernel) string {
	info := k.Info()
	return fmt.Sprintf("%s %s (%s)", info.Release, info.Machine, info.Source)
}
