package benchtool

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/kenlsp/ken/analysis/dialect"
)

// UsageError is an error the caller must fix (a flag, a path, an unsafe or
// missing bpftrace); the tools exit with status 2 on it.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// ExitStatus prints a tool's error as "name: error" and returns its exit
// status: 0 for none (or -help), 2 for a usage error, 1 otherwise.
func ExitStatus(name string, err error, stderr io.Writer) int {
	var usage *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return 1
}

// UnsafeEmitELF is the first bpftrace release whose --emit-elf no longer
// stops after writing the ELF: it goes on to load and run the program.
var UnsafeEmitELF = dialect.V(0, 24)

// RefuseUnsafe returns a UsageError when bpftrace v's --emit-elf would run
// the program; use names the releases the tool can use instead.
func RefuseUnsafe(name string, v dialect.Version, use string) error {
	if !v.AtLeast(UnsafeEmitELF) {
		return nil
	}
	return Usagef("refusing %s: it is bpftrace %s, and from %s on --emit-elf loads and runs the program instead of only compiling it; use bpftrace %s (e.g. -bpftrace bpftrace-0.23)",
		name, v, UnsafeEmitELF, use)
}

// versionTimeout bounds "bpftrace --version".
const versionTimeout = 60 * time.Second

// EmitELFBpftrace finds the bpftrace command name and reads its version,
// refusing any release whose --emit-elf would run the program. hint says
// how to name another command.
func EmitELFBpftrace(name, hint string) (path string, v dialect.Version, err error) {
	path, err = exec.LookPath(name)
	if err != nil {
		return "", v, Usagef("no bpftrace command %q: %v (%s)", name, err, hint)
	}
	ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").CombinedOutput()
	text := strings.TrimSpace(string(out))
	if err != nil {
		return "", v, Usagef("%s --version failed: %v: %s", name, err, text)
	}
	v, err = dialect.Parse(text)
	if err != nil {
		return "", v, Usagef("cannot tell the version of %s, so cannot tell whether its --emit-elf is safe: %v", name, err)
	}
	return path, v, RefuseUnsafe(name, v, "0.20-0.23")
}
