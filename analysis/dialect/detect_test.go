package dialect

import (
	"context"
	"errors"
	"io/fs"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/internal/bpftracetest"
)

// TestDetect023 asks the real bpftrace 0.23 for its version.
func TestDetect023(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	v, err := Detect(context.Background(), argv)
	if err != nil || v.Less(V(0, 23)) || !v.Less(V(0, 24)) {
		t.Fatalf("Detect(%q) = %v, %v; want 0.23.x", argv, v, err)
	}
}

// TestDetectPrefix runs a command prefix: echo prints its arguments, so
// the "version" is the prefix's own argument followed by --version.
func TestDetectPrefix(t *testing.T) {
	echo := lookPath(t, "echo")
	v, err := Detect(context.Background(), []string{echo, "bpftrace v0.21.1"})
	if err != nil || v != (Version{0, 21, 1}) {
		t.Fatalf("Detect = %v, %v; want 0.21.1", v, err)
	}
}

func TestDetectErrors(t *testing.T) {
	echo := lookPath(t, "echo")
	missing := filepath.Join(t.TempDir(), "no-bpftrace")
	tests := []struct {
		name string
		argv []string
		is   func(error) bool
	}{
		{"empty", nil, func(err error) bool { return err != nil }},
		{"missing path", []string{missing}, func(err error) bool { return errors.Is(err, fs.ErrNotExist) }},
		{"missing on PATH", []string{"ken-no-such-bpftrace"}, func(err error) bool { return errors.Is(err, exec.ErrNotFound) }},
		{"garbage", []string{echo}, func(err error) bool { return errors.Is(err, ErrNoVersion) }},
		{"not bpftrace", []string{echo, "tool v1.2.3"}, func(err error) bool { return errors.Is(err, ErrNoVersion) }},
		{"fails", []string{lookPath(t, "false")}, func(err error) bool {
			var exit *exec.ExitError
			return errors.As(err, &exit)
		}},
	}
	for _, tt := range tests {
		v, err := Detect(context.Background(), tt.argv)
		if !tt.is(err) {
			t.Errorf("%s: Detect(%q) = %v, %v; wrong error", tt.name, tt.argv, v, err)
		}
		if err != nil && !v.IsZero() {
			t.Errorf("%s: version %v returned with an error", tt.name, v)
		}
	}
}

// TestDetectCancelled checks that a done context stops Detect.
func TestDetectCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Detect(ctx, []string{lookPath(t, "echo"), "bpftrace v0.23.2"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Detect with a cancelled context: %v", err)
	}
}

func lookPath(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("no %s: %v", name, err)
	}
	return path
}
