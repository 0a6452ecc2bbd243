// Command agreement compares ken's verdict on bpftrace programs with the
// verdict of a real bpftrace, and how long each takes.
//
// For every .bt file it runs "bpftrace --emit-elf OUT FILE" (compile only,
// nothing is loaded or attached) and ken's analysis.Check in-process, then
// prints a confusion table per class (the "// class:" header of a corpus
// file, or its "// bpftrace-0.23:" verdict), timings, and every file on
// which the two disagree. It is a report: it exits 0 whatever the figures,
// and 2 on usage errors.
//
// Usage:
//
//	go run ./tools/agreement [-bpftrace CMD] [-kernel SNAPSHOT] [-dialect V]
//		[-runs N] [-json FILE] [dir|file.bt ...]
//
// bpftrace 0.24 and newer are refused: their --emit-elf alone runs the program.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kenlsp/ken/internal/benchtool"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
)

// defaultDirs are checked when no files are named.
var defaultDirs = []string{"analysis/testdata/valid", "analysis/testdata/semantic"}

const bpftraceTimeout = 60 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	bpftrace string
	kernel   string
	dialect  string
	runs     int
	json     string
	root     string
	paths    []string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("agreement", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.bpftrace, "bpftrace", "", "bpftrace command to compare with (default $KEN_BPFTRACE, else bpftrace on PATH)")
	fs.StringVar(&o.kernel, "kernel", "", "kernel snapshot file for ken (default: the running kernel)")
	fs.StringVar(&o.dialect, "dialect", "", "bpftrace version ken checks for (default: the version of -bpftrace)")
	fs.IntVar(&o.runs, "runs", 20, "ken timing repetitions per file; the median is reported")
	fs.StringVar(&o.json, "json", "", "also write the per-file results to this file as JSON")
	fs.StringVar(&o.root, "root", os.Getenv("KEN_BPFTRACE_ROOT"),
		"directory bpftrace runs chrooted in, where ken looks for headers and uprobe binaries (default $KEN_BPFTRACE_ROOT, else /)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: agreement [flags] [dir|file.bt ...]\n\n"+
			"Compares ken with bpftrace --emit-elf on every .bt file (default: %s).\n\n",
			strings.Join(defaultDirs, " "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &benchtool.UsageError{Err: err}
	}
	if o.runs < 1 {
		return nil, benchtool.Usagef("-runs must be at least 1")
	}
	o.paths = fs.Args()
	if len(o.paths) == 0 {
		o.paths = defaultDirs
	}
	if o.bpftrace == "" {
		o.bpftrace = os.Getenv("KEN_BPFTRACE")
	}
	if o.bpftrace == "" {
		o.bpftrace = "bpftrace"
	}
	return &o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	return benchtool.ExitStatus("agreement", agreement(args, stdout, stderr), stderr)
}

func agreement(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	files, err := benchtool.CollectFiles(o.paths)
	if err != nil {
		return &benchtool.UsageError{Err: err}
	}

	cmd, version, err := checkBpftrace(o.bpftrace)
	if err != nil {
		return err
	}
	dia := version
	if o.dialect != "" {
		if dia, err = dialect.Parse(o.dialect); err != nil {
			return benchtool.Usagef("-dialect: %v", err)
		}
	}

	start := time.Now()
	k, kdesc, err := benchtool.LoadKernel(o.kernel)
	load := time.Since(start)
	if err != nil {
		return benchtool.Usagef("-kernel: %v", err)
	}
	if k == nil {
		fmt.Fprintf(stderr, "agreement: warning: %s\n", kdesc)
	}
	cfg := analysis.Config{Kernel: k, Dialect: dia, HostFiles: true, HostRoot: o.root}

	tmp, err := os.MkdirTemp("", "ken-agreement-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	progress := isTerminal(stderr)
	results := make([]result, 0, len(files))
	for i, path := range files {
		if progress {
			fmt.Fprintf(stderr, "\r[%d/%d] %-60s", i+1, len(files), filepath.Base(path))
		}
		res, err := checkFile(path, cmd, filepath.Join(tmp, "out.o"), cfg, o.runs)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	if progress {
		fmt.Fprintf(stderr, "\r%-70s\r", "")
	}

	rep := report{
		Results:  results,
		Runs:     o.runs,
		Bpftrace: fmt.Sprintf("%s (v%s)", o.bpftrace, version),
		Kernel:   kdesc,
		LoadTime: load,
		Dialect:  dia.String(),
	}
	rep.print(stdout)

	if o.json != "" {
		data, err := json.MarshalIndent(results, "", "\t")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.json, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// checkBpftrace finds the bpftrace command and reads its version, refusing
// any release whose --emit-elf would run the program.
func checkBpftrace(name string) (path string, v dialect.Version, err error) {
	return benchtool.EmitELFBpftrace(name, "set -bpftrace or KEN_BPFTRACE")
}

// checkFile runs bpftrace once and ken runs times on one file.
func checkFile(path, bpftrace, out string, cfg analysis.Config, runs int) (result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return result{}, err
	}
	res := result{File: path, Class: classOf(data)}

	res.BpftraceStatus, res.BpftraceTime, res.BpftraceError, err = runBpftrace(bpftrace, out, path)
	if err != nil {
		return result{}, err
	}
	res.BpftraceAccepts = res.BpftraceStatus == 0

	times := make([]time.Duration, runs)
	var last *analysis.Result
	for i := range times {
		start := time.Now()
		last = analysis.Check(source.NewFile(path, data), cfg)
		times[i] = time.Since(start)
	}
	res.KenTime = median(times)
	res.KenAccepts = !diag.HasErrors(last.Diagnostics)
	for _, d := range last.Diagnostics {
		if d.Severity == diag.Error {
			res.KenError = &kenError{Code: d.Code, Message: d.Message, Line: last.File.Position(d.Span.Start).Line}
			break
		}
	}
	return res, nil
}

// runBpftrace compiles path with bpftrace --emit-elf into out, without a
// shell, and returns its exit status (-1 when it timed out), its wall time
// and its first ERROR line. An error means bpftrace could not be started.
func runBpftrace(bpftrace, out, path string) (status int, elapsed time.Duration, firstErr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), bpftraceTimeout)
	defer cancel()
	defer os.Remove(out)
	var output bytes.Buffer
	cmd := exec.CommandContext(ctx, bpftrace, "--emit-elf", out, path)
	cmd.Stdout = &output
	cmd.Stderr = &output
	start := time.Now()
	err = cmd.Run()
	elapsed = time.Since(start)
	firstErr = firstError(output.String())

	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return -1, elapsed, fmt.Sprintf("(timed out after %s) %s", bpftraceTimeout, firstErr), nil
	case err == nil:
		return 0, elapsed, firstErr, nil
	case errors.As(err, &exit):
		return exit.ExitCode(), elapsed, firstErr, nil
	}
	return 0, elapsed, "", fmt.Errorf("running %s: %w", bpftrace, err)
}

// isTerminal reports whether w is a character device, where progress lines
// that overwrite themselves are welcome.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
