package kernel

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Where the running kernel publishes what Live reads.
const (
	DefaultBTFPath     = "/sys/kernel/btf/vmlinux"
	DefaultTracefsPath = "/sys/kernel/tracing"
	legacyTracefsPath  = "/sys/kernel/debug/tracing"
	kallsymsPath       = "/proc/kallsyms"
)

// Live reads the running kernel: /sys/kernel/btf/vmlinux and tracefs.
//
// Without BTF Live fails. Without tracefs it degrades instead: when
// /sys/kernel/tracing/events is absent and the process is root, Live mounts
// tracefs there itself; when that is impossible (not root, mount refused,
// permission denied) it returns a Kernel whose Info has Tracefs false and a
// note saying why, and whose Tracepoint falls back to BTF.
//
// Live reads only BTF and the list of tracepoints up front. Tracepoint
// formats are read when first asked for; /proc/kallsyms and the feature
// probes run on the first call of Symbol or Info.
func Live() (*Kernel, error) {
	dir, note := findTracefs()
	k, err := LiveFrom(DefaultBTFPath, dir)
	if err != nil {
		return nil, err
	}
	if note != "" {
		k.info.Notes = append([]string{note}, k.info.Notes...)
	}
	return k, nil
}

// LiveFrom is Live with the BTF file (raw BTF, or an ELF vmlinux with a
// .BTF section) and the tracefs directory given; tracefsDir "" means no
// tracefs. Release, machine, features and kallsyms still come from the
// running system, and LiveFrom never mounts anything.
func LiveFrom(btfPath, tracefsDir string) (*Kernel, error) {
	data, err := os.ReadFile(btfPath)
	if err != nil {
		return nil, fmt.Errorf("reading kernel BTF: %w", err)
	}
	if data, err = extractELFBTF(data); err != nil {
		return nil, fmt.Errorf("%s: %w", btfPath, err)
	}
	k, err := newKernel(liveInfo(), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", btfPath, err)
	}
	if tracefsDir != "" {
		ids, err := listTracepoints(tracefsDir)
		if err != nil {
			k.info.Notes = append(k.info.Notes, fmt.Sprintf("no tracepoint list: %v", err))
		} else {
			k.info.Tracefs = true
			k.setTracepoints(ids)
			k.readFormat = func(id TracepointID) []byte { return readFormat(tracefsDir, id) }
		}
	}
	k.kallsyms = sync.OnceValue(func() []string {
		syms, _ := readKallsymsData(kallsymsPath)
		return syms
	})
	k.probes = sync.OnceValue(k.probeFeatures)
	return k, nil
}

// liveInfo describes the running kernel as uname does.
func liveInfo() Info {
	info := Info{Source: "live", Created: time.Now().UTC().Truncate(time.Second)}
	var u unix.Utsname
	if err := unix.Uname(&u); err == nil {
		info.Release = unix.ByteSliceToString(u.Release[:])
		info.Machine = unix.ByteSliceToString(u.Machine[:])
	}
	return info
}

// findTracefs returns the tracefs directory to read, mounting tracefs when
// needed and allowed, or "" and a note saying why there is none.
func findTracefs() (dir, note string) {
	err := hasEvents(DefaultTracefsPath)
	if err == nil {
		return DefaultTracefsPath, ""
	}
	if hasEvents(legacyTracefsPath) == nil {
		return legacyTracefsPath, ""
	}
	if errors.Is(err, fs.ErrPermission) {
		return "", fmt.Sprintf("tracefs at %s is not readable (%v): run as root for tracepoint formats; tracepoints fall back to BTF", DefaultTracefsPath, err)
	}
	if os.Geteuid() != 0 {
		return "", fmt.Sprintf("tracefs is not mounted at %s and only root can mount it; tracepoints fall back to BTF", DefaultTracefsPath)
	}
	if err := unix.Mount("nodev", DefaultTracefsPath, "tracefs", 0, ""); err != nil {
		return "", fmt.Sprintf("tracefs is not mounted at %s and mounting it failed (%v); tracepoints fall back to BTF", DefaultTracefsPath, err)
	}
	if err := hasEvents(DefaultTracefsPath); err != nil {
		return "", fmt.Sprintf("tracefs mounted at %s has no events (%v); tracepoints fall back to BTF", DefaultTracefsPath, err)
	}
	return DefaultTracefsPath, ""
}

// hasEvents checks that dir/events is a readable directory.
func hasEvents(dir string) error {
	f, err := os.Open(filepath.Join(dir, "events"))
	if err != nil {
		return err
	}
	return f.Close()
}

// listTracepoints lists the tracepoints of the tracefs at dir from its
// available_events file, as bpftrace -l does, or, when that file cannot be
// read, from the events/<category>/<name>/format files. The internal
// "ftrace" category (function, print, ...) is not a tracepoint either way.
func listTracepoints(dir string) ([]TracepointID, error) {
	ids, err := readAvailableEvents(filepath.Join(dir, "available_events"))
	if err != nil {
		ids, err = globEvents(filepath.Join(dir, "events"))
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ids, TracepointID.compare)
	return slices.Compact(ids), nil
}

// readAvailableEvents parses the "category:name" lines of available_events.
func readAvailableEvents(path string) ([]TracepointID, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ids []TracepointID
	for line := range strings.Lines(string(data)) {
		cat, name, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && cat != "" && name != "" && cat != "ftrace" {
			ids = append(ids, TracepointID{cat, name})
		}
	}
	return ids, nil
}

// globEvents lists the event directories that hold a format file.
func globEvents(events string) ([]TracepointID, error) {
	cats, err := os.ReadDir(events)
	if err != nil {
		return nil, err
	}
	var ids []TracepointID
	for _, cat := range cats {
		if !cat.IsDir() || cat.Name() == "ftrace" {
			continue
		}
		names, err := os.ReadDir(filepath.Join(events, cat.Name()))
		if err != nil {
			continue
		}
		for _, name := range names {
			if _, err := os.Stat(filepath.Join(events, cat.Name(), name.Name(), "format")); err == nil {
				ids = append(ids, TracepointID{cat.Name(), name.Name()})
			}
		}
	}
	return ids, nil
}

// readFormat reads the format file of one tracepoint; nil when unreadable.
func readFormat(dir string, id TracepointID) []byte {
	data, err := os.ReadFile(filepath.Join(dir, "events", id.Category, id.Name, "format"))
	if err != nil {
		return nil
	}
	return data
}

// readKallsymsData returns the sorted, unique names of the data symbols
// (types d, D, b, B, r, R) of a kallsyms file. Only these are kept: the
// functions, which are most of the file, are known from BTF.
func readKallsymsData(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if name, ok := kallsymsData(sc.Bytes()); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), sc.Err()
}

// kallsymsData returns the symbol name of a kallsyms line such as
// "ffffffff82400000 D __start_rodata\t[module]" if it is a data symbol. It
// allocates only for those: kallsyms has over 100,000 lines.
func kallsymsData(line []byte) (string, bool) {
	_, rest, ok := bytes.Cut(line, []byte{' '})
	if !ok || len(rest) < 3 || rest[1] != ' ' || !strings.ContainsRune("dDbBrR", rune(rest[0])) {
		return "", false
	}
	name := rest[2:]
	if i := bytes.IndexAny(name, " \t"); i >= 0 {
		name = name[:i]
	}
	return string(name), len(name) > 0
}

// hasDataSymbols reports whether a kernel's kallsyms data symbols include
// variables. Without CONFIG_KALLSYMS_ALL, kallsyms still lists the
// linker's section boundaries (__start_rodata, __stop___jump_table, ...),
// which all begin with an underscore; a kernel built with it lists
// thousands of variables, most of which do not.
func hasDataSymbols(names []string) bool {
	for _, name := range names {
		if !strings.HasPrefix(name, "_") {
			return true
		}
	}
	return false
}
