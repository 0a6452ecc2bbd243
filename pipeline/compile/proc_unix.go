//go:build unix

package compile

import (
	"errors"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// killGrace is how long a cancelled bpftrace has between SIGTERM and
// SIGKILL. SIGTERM first lets a wrapper clean up after itself (ken's chroot
// wrappers remove the copies they made inside the root on exit).
const killGrace = time.Second

// killGroupOnCancel makes cmd start in a process group of its own and,
// when its context is done, signal the whole group: a wrapper such as
// "chroot ROOT bpftrace" or a shell script must not leave bpftrace running
// behind it. The returned function must be called after cmd has finished.
func killGroupOnCancel(cmd *exec.Cmd) (stop func()) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var (
		mu    sync.Mutex
		timer *time.Timer
	)
	cmd.Cancel = func() error {
		pgid := cmd.Process.Pid
		err := syscall.Kill(-pgid, syscall.SIGTERM)
		mu.Lock()
		timer = time.AfterFunc(killGrace, func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
		mu.Unlock()
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
	// After the grace period and SIGKILL, stop waiting for output from
	// anything that escaped the group and still holds the pipe.
	cmd.WaitDelay = 2 * killGrace
	return func() {
		// The group's leader has been reaped by now; a later signal could
		// reach an unrelated group that reused its id.
		mu.Lock()
		defer mu.Unlock()
		if timer != nil {
			timer.Stop()
		}
	}
}

// signalOf names the signal that ended the process, or "".
func signalOf(ps *os.ProcessState) string {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by signal: " + ws.Signal().String()
	}
	return ""
}
