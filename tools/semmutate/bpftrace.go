package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/internal/benchtool"
)

const bpftraceTimeout = 60 * time.Second

// compiler compiles programs with a bpftrace known to be safe to run with
// --emit-elf.
type compiler struct {
	path    string
	version dialect.Version
	dir     string // where programs and outputs are written
}

// newCompiler finds the bpftrace command and reads its version, refusing
// any release whose --emit-elf would run the program.
func newCompiler(name, dir string) (*compiler, error) {
	path, v, err := benchtool.EmitELFBpftrace(name, "set -bpftrace")
	if err != nil {
		return nil, err
	}
	return &compiler{path: path, version: v, dir: dir}, nil
}

// compile writes text to the work directory as name and compiles it with
// bpftrace --emit-elf, without a shell. ok is whether bpftrace exited 0
// in time; firstErr is its first ERROR line. An error means bpftrace
// could not be started.
func (c *compiler) compile(name string, text []byte) (ok bool, firstErr string, err error) {
	path := filepath.Join(c.dir, name)
	if err := os.WriteFile(path, text, 0o644); err != nil {
		return false, "", err
	}
	defer os.Remove(path)
	out := filepath.Join(c.dir, "out.o")
	defer os.Remove(out)
	ctx, cancel := context.WithTimeout(context.Background(), bpftraceTimeout)
	defer cancel()
	var output bytes.Buffer
	cmd := exec.CommandContext(ctx, c.path, "--emit-elf", out, path)
	cmd.Stdout = &output
	cmd.Stderr = &output
	err = cmd.Run()
	firstErr = firstError(output.String())
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return false, "timed out: " + firstErr, nil
	case err == nil:
		return true, "", nil
	case errors.As(err, &exit):
		return false, firstErr, nil
	}
	return false, "", fmt.Errorf("running %s: %w", c.path, err)
}

// firstError returns the first line of bpftrace's output that reports an
// error, or its first line.
func firstError(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if strings.Contains(l, "ERROR") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[0])
}
