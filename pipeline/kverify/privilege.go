package kverify

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// PrivilegeError says that this process may not load tracing programs. It
// matches ErrNoPrivilege with errors.Is.
type PrivilegeError struct {
	// Missing lists the capabilities the process lacks, such as "CAP_BPF";
	// empty when it has them but the kernel refused anyway (a user
	// namespace, a security module, kernel lockdown).
	Missing []string
	// Err is the kernel's refusal; nil when the capability check alone
	// showed that loading could not work.
	Err error
}

// Error says what is missing and how to grant it.
func (e *PrivilegeError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoPrivilege.Error())
	if len(e.Missing) > 0 {
		fmt.Fprintf(&b, " (missing %s)", strings.Join(e.Missing, ", "))
	}
	b.WriteString(": run as root, or grant CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN also works), " +
		"e.g. setcap cap_bpf,cap_perfmon+ep on the ken binary; " +
		"kernel.unprivileged_bpf_disabled=0 does not help, the kernel never loads tracing programs for unprivileged users")
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNoPrivilege) true.
func (e *PrivilegeError) Is(target error) bool { return target == ErrNoPrivilege }

// Unwrap returns the kernel's refusal.
func (e *PrivilegeError) Unwrap() error { return e.Err }

// missingCapabilities lists the capabilities that this process lacks to
// load tracing programs: CAP_BPF and CAP_PERFMON, both implied by
// CAP_SYS_ADMIN. It returns nil when it cannot tell, leaving the verdict to
// the kernel.
func missingCapabilities() []string {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return nil
	}
	has := func(c int) bool { return data[c/32].Effective&(1<<(c%32)) != 0 }
	if has(unix.CAP_SYS_ADMIN) {
		return nil
	}
	var missing []string
	if !has(unix.CAP_BPF) {
		missing = append(missing, "CAP_BPF")
	}
	if !has(unix.CAP_PERFMON) {
		missing = append(missing, "CAP_PERFMON")
	}
	return missing
}

var memlockOnce sync.Once

// raiseMemlock lifts RLIMIT_MEMLOCK on kernels before 5.11, which charge
// BPF maps and programs to it (ken's default 8 MiB limit is soon used up).
// Later kernels charge the memory cgroup instead: there, and on this
// project's 6.x test machines, loading works with the limit at 0. Unlike
// cilium/ebpf's rlimit package, this probes nothing at program start: ken
// links this package whether or not the kernel stage is turned on. A
// failure is left for the kernel to report.
func raiseMemlock() {
	memlockOnce.Do(func() {
		var u unix.Utsname
		if unix.Uname(&u) != nil || !kernelBefore(unix.ByteSliceToString(u.Release[:]), 5, 11) {
			return
		}
		limit := unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY}
		_ = unix.Setrlimit(unix.RLIMIT_MEMLOCK, &limit)
	})
}

// kernelBefore reports whether a release such as "5.10.0-23-amd64" is
// older than major.minor. An unreadable release counts as new.
func kernelBefore(release string, major, minor int) bool {
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(release, "%d.%d", &gotMajor, &gotMinor); err != nil {
		return false
	}
	return gotMajor < major || gotMajor == major && gotMinor < minor
}
