package compile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
)

// DefaultTimeout bounds one compile when Compiler.Timeout is zero. bpftrace
// 0.23 compiles a small program in well under a second; BTF loading and a
// chroot wrapper's mounts add a little.
const DefaultTimeout = 10 * time.Second

// Errors for the cases where bpftrace could not compile the program at all.
// Compile wraps them; callers report Result.Note as an information, not as
// a finding about the program.
var (
	// ErrNotFound: there is no bpftrace command, or no bpftrace behind a
	// wrapper (which exits 127).
	ErrNotFound = errors.New("bpftrace not found")
	// ErrPermission: bpftrace (or its wrapper, which exits 126) needs root.
	ErrPermission = errors.New("bpftrace needs root")
	// ErrUnsupported: the bpftrace release has no mode known to compile
	// without loading and running the program, or its version is unknown.
	ErrUnsupported = errors.New("bpftrace release not supported for compile-only checks")
	// ErrTimeout: bpftrace did not finish within the timeout and was killed.
	ErrTimeout = errors.New("bpftrace timed out")
)

// Compiler runs one bpftrace command as a compile-only check. Its zero
// Timeout means DefaultTimeout. Set the fields before use or between
// calls; a Compiler must not be copied after first use, and its methods
// are safe for concurrent use.
//
// The Compiler caches the version it detects for Argv, and a failed
// detection too: a missing or unusable bpftrace is reported once per
// Compiler and never retried, so callers may call Compile on every change
// without spawning a process each time. Changing Argv starts over; so does
// a new Compiler. A detection cut short by the caller's context is not
// cached.
type Compiler struct {
	// Argv is the bpftrace command, possibly behind a prefix such as
	// {"chroot", "/opt/root", "bpftrace"}. It is run directly, never
	// through a shell.
	Argv []string
	// Timeout bounds one compile; 0 means DefaultTimeout.
	Timeout time.Duration

	mu       sync.Mutex
	detected string // Argv the cache is for, joined by NUL; "" when empty
	version  dialect.Version
	err      error
}

// Result is what one compile found.
//
// Ran is true when bpftrace compiled the program and exited by itself: OK,
// ELF and Diagnostics are then its verdict. Otherwise Note says why, in a
// sentence meant for an information diagnostic.
type Result struct {
	Version     dialect.Version // the bpftrace release, when it is known
	Ran         bool
	OK          bool   // bpftrace exited with status 0: it accepts the program
	ELF         []byte // the compiled object, when bpftrace wrote one
	Diagnostics []diag.Diagnostic
	// FirstErrorLine is the 1-based line of the earliest error bpftrace
	// placed in the program, 0 when it placed none (no error, or none
	// with a position in this file).
	FirstErrorLine int
	Output         string // everything bpftrace printed, stdout and stderr interleaved
	Elapsed        time.Duration
	Note           string
}

// NoteDiagnostic returns Note as an information diagnostic at the start of
// the file, with code CodeNotRun; ok is false when there is no note.
func (r *Result) NoteDiagnostic() (d diag.Diagnostic, ok bool) {
	if r.Note == "" {
		return d, false
	}
	return diag.Diagnostic{Severity: diag.Info, Code: CodeNotRun, Message: r.Note, Source: Source}, true
}

// Version returns the version of the configured bpftrace, detecting it on
// first use and caching the answer, or the failure, for this Argv.
func (c *Compiler) Version(ctx context.Context) (dialect.Version, error) {
	cfg, err := c.config(ctx)
	return cfg.version, err
}

// config is what one compile runs with, taken together under the lock so
// that a concurrent change of the fields cannot mix two configurations.
type config struct {
	argv    []string
	timeout time.Duration
	version dialect.Version
}

func (c *Compiler) config(ctx context.Context) (config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cfg := config{argv: slices.Clone(c.Argv), timeout: c.Timeout}
	if cfg.timeout <= 0 {
		cfg.timeout = DefaultTimeout
	}
	key := strings.Join(cfg.argv, "\x00")
	if key == "" || key != c.detected {
		v, err := detect(ctx, cfg.argv)
		if err != nil && ctx.Err() != nil {
			return cfg, err // the caller gave up; the next call tries again
		}
		c.detected, c.version, c.err = key, v, err
	}
	cfg.version = c.version
	return cfg, c.err
}

// detect asks bpftrace for its version and classifies a failure.
func detect(ctx context.Context, argv []string) (dialect.Version, error) {
	if len(argv) == 0 || argv[0] == "" {
		return dialect.Version{}, fmt.Errorf("%w: no bpftrace command configured", ErrNotFound)
	}
	v, err := dialect.Detect(ctx, argv)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return v, nil
	case ctx.Err() != nil:
		return v, err
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return v, fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.As(err, &exit) && exit.ExitCode() == 127:
		return v, fmt.Errorf("%w: %w", ErrNotFound, err)
	case errors.As(err, &exit) && exit.ExitCode() == 126:
		return v, fmt.Errorf("%w: %w", ErrPermission, err)
	case errors.Is(err, context.DeadlineExceeded):
		return v, fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.Is(err, dialect.ErrNoVersion):
		return v, fmt.Errorf("%w: cannot tell whether its --emit-elf is safe: %w", ErrUnsupported, err)
	}
	return v, err
}

// compileOnlyArgs returns the options that make bpftrace v write the ELF
// object and exit without loading or attaching anything, or an error
// wrapping ErrUnsupported. See the package documentation for the evidence
// behind each release.
func compileOnlyArgs(v dialect.Version) ([]string, error) {
	switch {
	case v.Less(dialect.V(0, 17)):
		return nil, fmt.Errorf("%w: bpftrace %s is older than 0.17, whose messages ken reads; configure bpftrace 0.17–0.26", ErrUnsupported, v)
	case v.Less(dialect.V(0, 24)):
		return nil, nil
	case v.Less(dialect.V(0, 25)):
		return []string{"--test-mode=codegen"}, nil
	case v.Less(dialect.V(0, 27)):
		return []string{"--mode=codegen"}, nil
	}
	return nil, fmt.Errorf("%w: bpftrace %s has no compile-only mode ken can rely on: from 0.24 on, --emit-elf goes on to load and run the program after writing it, and no 0.27+ source has been checked for another way; configure bpftrace 0.17–0.26", ErrUnsupported, v)
}

// needsRoot matches what bpftrace and ken's chroot wrappers print when they
// are not run as root.
var needsRoot = regexp.MustCompile(`only supports running as the root user|please run bpftrace as the root user|must run as root`)

// Compile compiles f with the configured bpftrace, without loading or
// running it, and reports what bpftrace said about it.
//
// The result is never nil. The error is non-nil only when bpftrace could
// not give a verdict: it wraps ErrNotFound, ErrPermission, ErrUnsupported,
// ErrTimeout or the context's error, and Result.Note says the same in a
// sentence for the user. A program bpftrace rejects is not an error: Ran
// is true, OK false, and Diagnostics say why.
func (c *Compiler) Compile(ctx context.Context, f *source.File) (*Result, error) {
	cfg, err := c.config(ctx)
	res := &Result{Version: cfg.version}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return res.fail(notRun(cfg.argv, err), err)
	}
	extra, err := compileOnlyArgs(cfg.version)
	if err != nil {
		return res.fail(notRun(cfg.argv, err), err)
	}
	dir, err := os.MkdirTemp("", "ken-bpftrace-")
	if err != nil {
		return res.fail("bpftrace check did not run: no temporary directory: "+err.Error(), err)
	}
	defer os.RemoveAll(dir)
	prog := filepath.Join(dir, programName(f.Name))
	if err := os.WriteFile(prog, f.Text, 0o644); err != nil {
		return res.fail("bpftrace check did not run: cannot write the program: "+err.Error(), err)
	}
	elf := filepath.Join(dir, "ken-out.o")
	args := append(append(slices.Clone(cfg.argv[1:]), includeArgs(f.Name)...), extra...)
	args = append(args, "--emit-elf", elf, prog)

	ran := run(ctx, cfg, args)
	res.Output, res.Elapsed = ran.output, ran.elapsed
	if err := classify(ctx, cfg.argv, ran); err != nil {
		return res.fail(notRun(cfg.argv, err), err)
	}
	res.Ran, res.OK = true, ran.status == 0
	if res.OK {
		res.ELF, _ = os.ReadFile(elf) // absent when bpftrace wrote none; OK still stands
	}
	res.Diagnostics, res.FirstErrorLine = verdict(f, prog, []byte(ran.output), ran.status, ran.signal)
	return res, nil
}

func (r *Result) fail(note string, err error) (*Result, error) {
	r.Note = note
	return r, err
}

// notRun phrases why the stage did not run, for Result.Note.
func notRun(argv []string, err error) string {
	switch {
	case errors.Is(err, ErrNotFound) && len(argv) == 0:
		return "bpftrace check did not run: no bpftrace command is configured"
	case errors.Is(err, ErrNotFound):
		return fmt.Sprintf("bpftrace check did not run: cannot run %q; install bpftrace 0.17–0.26 or configure its command (%v)", strings.Join(argv, " "), err)
	case errors.Is(err, ErrUnsupported):
		return "bpftrace check did not run: " + strings.TrimPrefix(err.Error(), ErrUnsupported.Error()+": ")
	case errors.Is(err, ErrTimeout):
		return "bpftrace check did not finish: " + err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "bpftrace check cancelled"
	}
	return "bpftrace check did not run: " + err.Error()
}

// runResult is one finished (or killed) bpftrace process.
type runResult struct {
	output   string
	elapsed  time.Duration
	status   int    // exit status; -1 when killed by a signal or not started
	signal   string // the signal that ended it, when one did
	err      error  // from exec: start failures and abnormal ends
	timedOut bool
}

// maxOutput caps what is kept of bpftrace's output, so that a pathological
// program cannot make ken hold megabytes of repeated messages.
const maxOutput = 1 << 20

// run starts bpftrace with args, without a shell, in its own process
// group so that a timeout or cancellation kills the wrapper and
// everything it started.
func run(ctx context.Context, cfg config, args []string) runResult {
	runCtx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, cfg.argv[0], args...)
	var out limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out // one pipe keeps bpftrace's order
	stop := killGroupOnCancel(cmd)
	defer stop()

	start := time.Now()
	err := cmd.Run()
	r := runResult{output: out.String(), elapsed: time.Since(start), status: -1, err: err}
	if cmd.ProcessState != nil {
		r.status = cmd.ProcessState.ExitCode()
		r.signal = signalOf(cmd.ProcessState)
	}
	// A run that finished just as the deadline passed still counts.
	r.timedOut = err != nil && errors.Is(runCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	if r.timedOut {
		r.err = fmt.Errorf("%w: no answer after %s, the process was killed", ErrTimeout, cfg.timeout)
	}
	return r
}

// classify turns a run that gave no verdict into an error.
func classify(ctx context.Context, argv []string, r runResult) error {
	name := strings.Join(argv, " ")
	var exit *exec.ExitError
	switch {
	case r.timedOut:
		return r.err
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", name, ctx.Err())
	case errors.Is(r.err, exec.ErrWaitDelay):
		// bpftrace exited; something it started kept the pipe open and
		// was cut off. The exit status below still stands.
	case errors.Is(r.err, exec.ErrNotFound), errors.Is(r.err, fs.ErrNotExist):
		return fmt.Errorf("%w: %w", ErrNotFound, r.err)
	case r.err != nil && !errors.As(r.err, &exit):
		return fmt.Errorf("running %s: %w", name, r.err)
	case r.status == 127:
		return fmt.Errorf("%w: %s exited with status 127: %s", ErrNotFound, name, firstLine(r.output))
	case r.status == 126, r.status != 0 && needsRoot.MatchString(r.output):
		return fmt.Errorf("%w: %s: %s", ErrPermission, name, firstLine(r.output))
	}
	return nil
}

// verdict turns a finished run's output into the stage's diagnostics and
// the line of the first error bpftrace placed. The exit status decides
// what the output cannot: a failure with no recognisable error still
// yields one error, and text bpftrace printed on a success is no error.
func verdict(f *source.File, path string, output []byte, status int, signal string) ([]diag.Diagnostic, int) {
	items, orphans := parse(f, path, output)
	failed := status != 0
	hasError := false
	for _, it := range items {
		hasError = hasError || it.Severity == diag.Error
	}
	switch {
	case signal != "":
		items = append(items, unplaced(f, diag.Error, CodeError, "bpftrace ended abnormally ("+signal+")"+orphanText(orphans)))
	case failed && !hasError:
		items = append(items, unplaced(f, diag.Error, CodeError, fmt.Sprintf("bpftrace rejected the program (exit status %d) without an error ken could read", status)+orphanText(orphans)))
	case len(orphans) > 0:
		items = append(items, unplaced(f, diag.Info, CodeOutput, "bpftrace printed: "+strings.Join(orphans, "\n")))
	}
	first := 0
	for i := range items {
		it := &items[i]
		if !failed && it.Severity == diag.Error {
			// bpftrace accepted the program, so what it called an error
			// did not stop it; reporting an error would reject it.
			it.Severity, it.Code = diag.Warning, CodeWarning
		}
		if line := f.Position(it.Span.Start).Line; it.placed && it.Severity == diag.Error && (first == 0 || line < first) {
			first = line
		}
	}
	return diagnostics(items), first
}

func orphanText(orphans []string) string {
	if len(orphans) == 0 {
		return ""
	}
	return ": " + strings.Join(orphans, "\n")
}

// programName is the name the temporary copy gets: the original's base
// name when it is a plain .bt name, so that bpftrace's messages read
// naturally, else "program.bt". Anything that could be read as an option
// or break bpftrace's "FILE:LINE:" prefix is refused.
func programName(name string) string {
	base := filepath.Base(localPath(name))
	if !plainName.MatchString(base) || len(base) > 100 {
		return "program.bt"
	}
	return base
}

var plainName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*\.bt$`)

// includeArgs adds the original file's directory to the include path, so
// that #include "local.h" finds what it finds when the user runs bpftrace
// next to the file. Only an existing absolute directory is added.
func includeArgs(name string) []string {
	path := localPath(name)
	if path == "" {
		return nil
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil
	}
	return []string{"-I", dir}
}

// localPath returns the file system path of a file name, which the
// language server gives as a file:// URI; "" when it names no local file.
func localPath(name string) string {
	if !strings.Contains(name, "://") {
		return name
	}
	u, err := url.Parse(name)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	return u.Path
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// limitedBuffer keeps the first maxOutput bytes written to it and
// discards the rest, still reporting every write as complete so that the
// process is never blocked or killed by a full pipe.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	cut bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := maxOutput - b.buf.Len(); room < len(p) {
		b.cut = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	b.buf.Write(p)
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cut {
		return b.buf.String() + "\n[ken: output truncated]\n"
	}
	return b.buf.String()
}
