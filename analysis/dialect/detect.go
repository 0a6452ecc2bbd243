package dialect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// DetectTimeout bounds one run of "bpftrace --version" when the caller's
// context has no earlier deadline. Wrappers that chroot or mount first
// still answer well within it.
const DetectTimeout = 10 * time.Second

// ErrNoVersion is returned by Detect when the command ran but did not print
// a bpftrace version.
var ErrNoVersion = errors.New("no bpftrace version in the output")

// versionLine matches the first line bpftrace prints for --version, such as
// "bpftrace v0.23.2"; development builds add text after the number.
var versionLine = regexp.MustCompile(`(?m)^bpftrace v?(\d+\.\d+(?:\.\d+)?)`)

// Detect runs bpftrace with --version and returns the version it reports,
// not clamped to the modelled range. bpftrace is an argument vector that
// may start with a command prefix, as in {"chroot", "/opt/root",
// "bpftrace"}; no shell is involved. The run ends when ctx is done or after
// DetectTimeout. A missing executable is an error that wraps
// exec.ErrNotFound or fs.ErrNotExist; output without a version wraps
// ErrNoVersion.
func Detect(ctx context.Context, bpftrace []string) (Version, error) {
	if len(bpftrace) == 0 || bpftrace[0] == "" {
		return Version{}, errors.New("detect bpftrace version: no command given")
	}
	ctx, cancel := context.WithTimeout(ctx, DetectTimeout)
	defer cancel()
	args := append(append([]string(nil), bpftrace[1:]...), "--version")
	cmd := exec.CommandContext(ctx, bpftrace[0], args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	name := strings.Join(bpftrace, " ")
	if ctx.Err() != nil {
		return Version{}, fmt.Errorf("%s --version: %w", name, ctx.Err())
	}
	if err != nil {
		return Version{}, fmt.Errorf("%s --version: %w%s", name, err, detail(stderr.Bytes()))
	}
	m := versionLine.FindSubmatch(out)
	if m == nil {
		return Version{}, fmt.Errorf("%s --version printed %q: %w", name, firstLine(out), ErrNoVersion)
	}
	return Parse(string(m[1]))
}

// detail formats what a failed command wrote to stderr, for an error
// message: its first line, or nothing.
func detail(stderr []byte) string {
	if line := firstLine(stderr); line != "" {
		return " (" + line + ")"
	}
	return ""
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	const max = 200
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}
