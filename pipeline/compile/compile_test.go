package compile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/internal/bpftracetest"
)

// fakeBpftrace writes a shell script that answers --version with version
// and runs body for anything else, logging every invocation's arguments
// (one line each) to the returned log file. It stands in for bpftrace
// where a real one cannot show the behaviour under test.
func fakeBpftrace(t *testing.T, version, body string) (argv []string, log string) {
	t.Helper()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake bpftrace")
	}
	dir := t.TempDir()
	log = filepath.Join(dir, "calls.log")
	script := "#!/bin/sh\n" +
		"echo \"$*\" >> '" + log + "'\n" +
		"if [ \"$1\" = --version ]; then echo 'bpftrace v" + version + "'; exit 0; fi\n" +
		body + "\n"
	path := filepath.Join(dir, "bpftrace")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{path}, log
}

// calls returns the logged argument lists of a fake bpftrace.
func calls(t *testing.T, log string) []string {
	t.Helper()
	data, err := os.ReadFile(log)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// emitsELF is a fake bpftrace body that writes an ELF header to the file
// after --emit-elf and accepts the program.
const emitsELF = `while [ $# -gt 0 ]; do
  if [ "$1" = --emit-elf ]; then printf '\177ELF' > "$2"; fi
  shift
done
exit 0`

// TestCompileOnlyArgs checks, with a fake bpftrace, which releases run at
// all and with which options: each release must get the option that
// stops it before it loads or attaches anything, and 0.27+ must never be
// run with a program.
func TestCompileOnlyArgs(t *testing.T) {
	tests := []struct {
		version string
		want    string // the options before --emit-elf; "-" for never run
	}{
		{"0.16.0", "-"},
		{"0.17.0", ""},
		{"0.23.2", ""},
		{"0.24.1", "--test-mode=codegen"},
		{"0.25.0", "--mode=codegen"},
		{"0.26.1", "--mode=codegen"},
		{"0.27.1", "-"},
		{"1.0.0", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			argv, log := fakeBpftrace(t, tt.version, emitsELF)
			c := &Compiler{Argv: argv}
			res, err := c.Compile(context.Background(), source.NewFile("prog.bt", []byte("BEGIN { exit(); }\n")))
			got := calls(t, log)
			if tt.want == "-" {
				if !errors.Is(err, ErrUnsupported) || res.Ran || res.Note == "" {
					t.Fatalf("Compile = %+v, %v; want ErrUnsupported with a note", res, err)
				}
				if len(got) != 1 || got[0] != "--version" {
					t.Fatalf("bpftrace %s was run with a program: %q", tt.version, got)
				}
				return
			}
			if err != nil || !res.Ran || !res.OK || !bytes.HasPrefix(res.ELF, []byte("\x7fELF")) {
				t.Fatalf("Compile = %+v, %v; want an accepted program with an ELF", res, err)
			}
			if len(got) != 2 {
				t.Fatalf("calls %q; want --version then one compile", got)
			}
			args := strings.Fields(got[1])
			i := slices.Index(args, "--emit-elf")
			if i < 0 || i+3 != len(args) || !filepath.IsAbs(args[i+1]) || filepath.Base(args[i+2]) != "prog.bt" {
				t.Fatalf("compile args %q; want ... --emit-elf /ABS/OUT /ABS/prog.bt", args)
			}
			if opts := strings.Join(withoutInclude(args[:i]), " "); opts != tt.want {
				t.Errorf("options %q, want %q", opts, tt.want)
			}
			if _, err := os.Stat(filepath.Dir(args[i+2])); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("temporary directory %s left behind: %v", filepath.Dir(args[i+2]), err)
			}
		})
	}
}

// withoutInclude drops "-I DIR" from args.
func withoutInclude(args []string) []string {
	if i := slices.Index(args, "-I"); i >= 0 && i+1 < len(args) {
		return slices.Delete(slices.Clone(args), i, i+2)
	}
	return args
}

// TestCompileFake runs a fake bpftrace that rejects the program the way
// the chroot wrapper's bpftrace does: reporting it under another directory
// with the same base name.
func TestCompileFake(t *testing.T) {
	argv, _ := fakeBpftrace(t, "0.23.2", `for last; do :; done
name=$(basename "$last")
echo "/tmp/ken.abc/in.3/$name:2:8-11: ERROR: Unknown function: foo"
echo "  @x = foo(1);"
echo "       ~~~"
exit 1`)
	dir := t.TempDir()
	f := source.NewFile(filepath.Join(dir, "count.bt"), []byte("BEGIN {\n  @x = foo(1);\n}\n"))
	res, err := (&Compiler{Argv: argv}).Compile(context.Background(), f)
	if err != nil || !res.Ran || res.OK {
		t.Fatalf("Compile = %+v, %v; want a rejected program", res, err)
	}
	if len(res.Diagnostics) != 1 || res.FirstErrorLine != 2 {
		t.Fatalf("diagnostics %+v, first error line %d", res.Diagnostics, res.FirstErrorLine)
	}
	d := res.Diagnostics[0]
	if got := string(f.Text[d.Span.Start:d.Span.End]); got != "foo" || d.Code != CodeError || d.Source != "bpftrace" {
		t.Errorf("diagnostic covers %q with %s from %s; want \"foo\", %s, bpftrace", got, d.Code, d.Source, CodeError)
	}
	if res.Version != (dialect.Version{Major: 0, Minor: 23, Patch: 2}) || res.ELF != nil {
		t.Errorf("version %v, ELF %d bytes", res.Version, len(res.ELF))
	}
}

// TestCompileIncludeDir checks that the original file's directory is on
// the include path, as it is when bpftrace runs next to the file.
func TestCompileIncludeDir(t *testing.T) {
	argv, log := fakeBpftrace(t, "0.23.2", emitsELF)
	dir := t.TempDir()
	for _, name := range []string{filepath.Join(dir, "a.bt"), "file://" + filepath.Join(dir, "a.bt")} {
		if _, err := (&Compiler{Argv: argv}).Compile(context.Background(), source.NewFile(name, []byte("BEGIN {}\n"))); err != nil {
			t.Fatal(err)
		}
	}
	got := calls(t, log)
	for _, call := range []string{got[1], got[3]} {
		if !strings.HasPrefix(call, "-I "+dir+" --emit-elf ") || !strings.HasSuffix(call, "/a.bt") {
			t.Errorf("call %q; want -I %s and the base name a.bt", call, dir)
		}
	}
}

func TestProgramName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"/home/u/tools/opensnoop.bt", "opensnoop.bt"},
		{"file:///home/u/my%20tool.bt", "program.bt"}, // a space would be fine for bpftrace; ken keeps names plain
		{"file:///home/u/x.bt", "x.bt"},
		{"untitled:Untitled-1", "program.bt"},
		{"<stdin>", "program.bt"},
		{"-e.bt", "program.bt"},
		{"a:1:2.bt", "program.bt"},
		{"definitions.h", "program.bt"},
		{"", "program.bt"},
	}
	for _, tt := range tests {
		if got := programName(tt.name); got != tt.want {
			t.Errorf("programName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCompileMissing checks that a missing bpftrace is an ErrNotFound with
// a note, and that the failure is cached rather than retried.
func TestCompileMissing(t *testing.T) {
	f := source.NewFile("p.bt", []byte("BEGIN {}\n"))
	for _, argv := range [][]string{nil, {filepath.Join(t.TempDir(), "no-bpftrace")}, {"ken-no-such-bpftrace"}} {
		c := &Compiler{Argv: argv}
		res, err := c.Compile(context.Background(), f)
		if !errors.Is(err, ErrNotFound) || res == nil || res.Ran || !strings.Contains(res.Note, "did not run") {
			t.Errorf("Compile with %q = %+v, %v; want ErrNotFound and a note", argv, res, err)
			continue
		}
		if d, ok := res.NoteDiagnostic(); !ok || d.Severity != diag.Info || d.Code != CodeNotRun {
			t.Errorf("note diagnostic %+v, %v", d, ok)
		}
		if _, again := c.Compile(context.Background(), f); again == nil || again.Error() != err.Error() {
			t.Errorf("second Compile: %v; want the cached %v", again, err)
		}
	}
}

// TestVersionCached checks that --version runs once per Compiler and Argv.
func TestVersionCached(t *testing.T) {
	argv, log := fakeBpftrace(t, "0.27.1", "exit 99")
	c := &Compiler{Argv: argv}
	f := source.NewFile("p.bt", []byte("BEGIN {}\n"))
	for range 3 {
		if _, err := c.Compile(context.Background(), f); !errors.Is(err, ErrUnsupported) {
			t.Fatalf("Compile: %v; want ErrUnsupported", err)
		}
	}
	if got := calls(t, log); len(got) != 1 {
		t.Fatalf("bpftrace ran %d times (%q); want one --version", len(got), got)
	}
	c.Argv = append(slices.Clone(argv), "--no-warnings") // a new command is asked again
	c.Compile(context.Background(), f)
	if got := calls(t, log); len(got) != 2 {
		t.Fatalf("after changing Argv: %q; want a second --version", got)
	}
}

// TestCompileConcurrent compiles from several goroutines with one
// Compiler: every compile succeeds and the version is asked once.
func TestCompileConcurrent(t *testing.T) {
	argv, log := fakeBpftrace(t, "0.23.2", emitsELF)
	c := &Compiler{Argv: argv}
	f := source.NewFile("p.bt", []byte("BEGIN {}\n"))
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			_, err := c.Compile(context.Background(), f)
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	versions := 0
	for _, call := range calls(t, log) {
		if call == "--version" {
			versions++
		}
	}
	if versions != 1 {
		t.Errorf("--version ran %d times; want once", versions)
	}
}

// TestCompileNotRoot checks both ways of needing root: the chroot wrapper
// exits 126, and bpftrace itself prints an ERROR.
func TestCompileNotRoot(t *testing.T) {
	f := source.NewFile("p.bt", []byte("BEGIN {}\n"))
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "bpftrace-0.23")
	os.WriteFile(wrapper, []byte("#!/bin/sh\necho 'bpftrace-0.23: must run as root (it uses chroot)' >&2\nexit 126\n"), 0o755)
	bpftrace, _ := fakeBpftrace(t, "0.17.0", `echo "ERROR: bpftrace currently only supports running as the root user."; exit 1`)
	for _, argv := range [][]string{{wrapper}, bpftrace} {
		res, err := (&Compiler{Argv: argv}).Compile(context.Background(), f)
		if !errors.Is(err, ErrPermission) || res.Ran || !strings.Contains(res.Note, "root") {
			t.Errorf("%s: Compile = %+v, %v; want ErrPermission with a note", argv[0], res, err)
		}
	}
}

// sleeper is a fake bpftrace body that starts a grandchild, records both
// process ids in the file PIDS, and waits; with ignoreTerm it survives
// SIGTERM, so that only SIGKILL ends it.
func sleeper(pids string, ignoreTerm bool) string {
	trap := ""
	if ignoreTerm {
		trap = "trap '' TERM\n"
	}
	return trap + "sleep 30 &\necho $$ $! > '" + pids + "'\nwait"
}

// TestCompileTimeout checks that a bpftrace that hangs is killed with
// everything it started, and that Compile says so.
func TestCompileTimeout(t *testing.T) {
	for _, ignoreTerm := range []bool{false, true} {
		t.Run("ignore SIGTERM="+strconv.FormatBool(ignoreTerm), func(t *testing.T) {
			pids := filepath.Join(t.TempDir(), "pids")
			argv, _ := fakeBpftrace(t, "0.23.2", sleeper(pids, ignoreTerm))
			c := &Compiler{Argv: argv, Timeout: 300 * time.Millisecond}
			start := time.Now()
			res, err := c.Compile(context.Background(), source.NewFile("p.bt", []byte("BEGIN {}\n")))
			if !errors.Is(err, ErrTimeout) || res.Ran || !strings.Contains(res.Note, "did not finish") {
				t.Fatalf("Compile = %+v, %v; want ErrTimeout with a note", res, err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Compile took %s after a 300ms timeout", took)
			}
			waitGone(t, pids)
		})
	}
}

// TestCompileCancelled checks that cancelling the context stops bpftrace
// and everything it started.
func TestCompileCancelled(t *testing.T) {
	pids := filepath.Join(t.TempDir(), "pids")
	argv, _ := fakeBpftrace(t, "0.23.2", sleeper(pids, false))
	c := &Compiler{Argv: argv}
	f := source.NewFile("p.bt", []byte("BEGIN {}\n"))
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	res, err := c.Compile(ctx, f)
	if !errors.Is(err, context.Canceled) || res.Ran || res.Note == "" {
		t.Fatalf("Compile = %+v, %v; want context.Canceled with a note", res, err)
	}
	waitGone(t, pids)

	// A context done before detection is not cached as a failure.
	c2 := &Compiler{Argv: argv}
	if _, err := c2.Version(ctx); err == nil {
		t.Fatal("Version with a cancelled context succeeded")
	}
	if v, err := c2.Version(context.Background()); err != nil || v.Minor != 23 {
		t.Fatalf("Version after a cancelled attempt = %v, %v; want 0.23", v, err)
	}
}

// waitGone waits until every process listed in the file pids has ended
// (a zombie awaiting its reaper counts as ended).
func waitGone(t *testing.T, pids string) {
	t.Helper()
	data, err := os.ReadFile(pids)
	if err != nil {
		t.Fatalf("the fake bpftrace never started: %v", err)
	}
	for _, field := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(field)
		deadline := time.Now().Add(5 * time.Second)
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Errorf("process %d still runs after Compile returned", pid)
				syscall.Kill(pid, syscall.SIGKILL)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses: "PID (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// TestCompile023 compiles with the real bpftrace 0.23: a rejected program
// gets its diagnostic at the exact span, an accepted one an ELF object.
func TestCompile023(t *testing.T) {
	argv := bpftracetest.Bpftrace023(t)
	t.Setenv("TMPDIR", t.TempDir()) // to see that Compile cleans up after itself
	c := &Compiler{Argv: argv, Timeout: time.Minute}
	ctx := context.Background()

	bad := source.NewFile("bad.bt", []byte("BEGIN {\n\t@x = foo(1);\n}\n"))
	res, err := c.Compile(ctx, bad)
	if err != nil || !res.Ran || res.OK || res.Version.Minor != 23 {
		t.Fatalf("Compile(bad) = %+v, %v; want a rejection by 0.23", res, err)
	}
	if !slices.ContainsFunc(res.Diagnostics, func(d diag.Diagnostic) bool {
		return d.Severity == diag.Error && string(bad.Text[d.Span.Start:d.Span.End]) == "foo"
	}) {
		t.Errorf("no error on \"foo\": %+v\n%s", res.Diagnostics, res.Output)
	}

	good := source.NewFile("good.bt", []byte("tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }\nBEGIN { exit(); }\n"))
	res, err = c.Compile(ctx, good)
	if err != nil || !res.Ran || !res.OK || diag.HasErrors(res.Diagnostics) {
		t.Fatalf("Compile(good) = %+v, %v; want an accepted program", res, err)
	}
	if !bytes.HasPrefix(res.ELF, []byte("\x7fELF")) {
		t.Errorf("ELF starts with %q", res.ELF[:min(len(res.ELF), 4)])
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestGolden023 compiles every captured 0.23 program again with the real
// bpftrace 0.23 and checks that it still accepts or rejects it with
// errors at the same spans, so that the captured outputs stay true.
func TestGolden023(t *testing.T) {
	recompileGolden(t, bpftracetest.Bpftrace023(t), "023")
}

// TestGolden017 does the same with bpftrace 0.17 (Debian bookworm's) when
// KEN_BPFTRACE_017 names it. CI does not install it, so the test only
// skips without it, even under KEN_REQUIRE_KERNEL.
func TestGolden017(t *testing.T) {
	argv := strings.Fields(os.Getenv("KEN_BPFTRACE_017"))
	if len(argv) == 0 {
		t.Skip("KEN_BPFTRACE_017 is not set; set it to a bpftrace 0.17 command, e.g. /usr/bin/bpftrace from Debian bookworm")
	}
	recompileGolden(t, argv, "017")
}

// recompileGolden compiles the captured programs testdata/parse/PREFIX-*
// with argv and compares the verdict and error spans with the capture.
func recompileGolden(t *testing.T, argv []string, prefix string) {
	c := &Compiler{Argv: argv, Timeout: time.Minute}
	paths, _ := filepath.Glob(filepath.Join("testdata", "parse", prefix+"-*.txtar"))
	for _, path := range paths {
		a := readArchive(t, path)
		f := source.NewFile("prog.bt", []byte(a.sections["prog.bt"]))
		status, _ := strconv.Atoi(strings.TrimSpace(a.sections["status"]))
		want, _ := verdict(f, "prog.bt", []byte(a.sections["output"]), status, "")
		res, err := c.Compile(context.Background(), f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if res.OK != (status == 0) || !slices.Equal(errorSpans(want), errorSpans(res.Diagnostics)) {
			t.Errorf("%s: now OK=%v errors at %v; captured status %d errors at %v\n%s",
				path, res.OK, errorSpans(res.Diagnostics), status, errorSpans(want), res.Output)
		}
	}
}

func errorSpans(ds []diag.Diagnostic) []source.Span {
	var spans []source.Span
	for _, d := range ds {
		if d.Severity == diag.Error {
			spans = append(spans, d.Span)
		}
	}
	return spans
}

// BenchmarkCompile measures one compile of a small program by the real
// bpftrace 0.23, process start and chroot wrapper included.
func BenchmarkCompile(b *testing.B) {
	argv := bpftracetest.Bpftrace023(b)
	c := &Compiler{Argv: argv, Timeout: time.Minute}
	f := source.NewFile("bench.bt", []byte("tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }\n"))
	if _, err := c.Version(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if res, err := c.Compile(context.Background(), f); err != nil || !res.OK {
			b.Fatalf("Compile = %+v, %v", res, err)
		}
	}
}
