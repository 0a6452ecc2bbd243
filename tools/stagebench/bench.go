package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/internal/benchtool"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
)

// compileTimeout bounds one bpftrace compile: more than the language
// server's default, so that a slow BTF load on a busy machine is a time
// in the table and not a skipped file.
const compileTimeout = 60 * time.Second

// warmUpProgram is checked once before the corpora, so that one-time
// costs (the solver's start, bpftrace's first BTF read, the kernel's
// first load) are not charged to the first file; its time is reported
// apart.
const warmUpProgram = "kprobe:vfs_read /pid == 1/ { @start[tid] = nsecs; }\nkretprobe:vfs_read /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }\n"

// bench measures files with one pipeline configuration.
type bench struct {
	cfg  pipeline.Config
	runs int
}

// measure runs the pipeline over p runs times, then has every stage the
// pipeline skipped judge p on its own.
func (b *bench) measure(ctx context.Context, p program) FileResult {
	var f *source.File
	results := make([]*pipeline.Result, b.runs)
	for i := range results {
		f = source.NewFile(p.Path, p.Text)
		results[i] = pipeline.Check(ctx, f, b.cfg)
	}
	last := results[len(results)-1]
	fr := FileResult{File: p.Path, Class: p.Class, Stages: stageRuns(results)}

	ken := kenDiagnostics(last.Diagnostics)
	comp := last.Compile
	if comp == nil {
		comp, _ = b.cfg.Compiler.Compile(ctx, f) // the error is in comp.Note too
	}
	fr.Stages[0].set(judgeAnalysis(f, ken))
	fr.Stages[1].set(judgeSymbolic(f, last))
	fr.Stages[2].set(judgeBpftrace(f, comp))
	fr.Stages[3].set(judgeKernel(kernelReport(ctx, f, last, comp)))
	fr.First = firstFinder(fr.Stages)
	if d, ok := compile.Compare(f, ken, comp); ok {
		fr.Disagreement = d.String()
	}
	return fr
}

// stageRuns gives each stage's pipeline figures over several runs of one
// file: whether it ran and why not as in the last run, and the median of
// its times in the runs where it ran.
func stageRuns(results []*pipeline.Result) []StageResult {
	out := make([]StageResult, len(stageNames))
	for i, name := range pipelineNames {
		out[i] = StageResult{Name: stageNames[i], Skip: "not recorded"}
		var times []time.Duration
		for _, r := range results {
			for _, s := range r.Stages {
				if s.Name != name {
					continue
				}
				out[i].Ran, out[i].Skip = s.Ran, s.Note
				if s.Ran {
					times = append(times, s.Elapsed)
				}
			}
		}
		if out[i].Ran {
			out[i].Elapsed = median(times)
		}
	}
	return out
}

// measureAll measures progs with the given number of workers, in order,
// calling progress after each file.
func (b *bench) measureAll(ctx context.Context, progs []program, workers int, progress func(done int, path string)) []FileResult {
	out := make([]FileResult, len(progs))
	next := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i] = b.measure(ctx, progs[i])
				mu.Lock()
				done++
				progress(done, progs[i].Path)
				mu.Unlock()
			}
		})
	}
	for i := range progs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// checkBpftrace reads the version of the configured bpftrace and has it
// compile a small program, refusing any release whose --emit-elf would
// run the program and any that the compile stage cannot use (missing,
// unsupported: the stage's note says why). A bpftrace that is there but
// cannot run here (it needs root) is no error: note says why, and the
// bpftrace and kernel stages are then reported as skipped.
func checkBpftrace(ctx context.Context, c *compile.Compiler) (v dialect.Version, note string, err error) {
	v, err = c.Version(ctx)
	if err == nil {
		if err := benchtool.RefuseUnsafe(strings.Join(c.Argv, " "), v, "0.17-0.23"); err != nil {
			return v, "", err
		}
	}
	// After a failed detection, which the Compiler caches, this runs
	// nothing: it only returns the stage's note.
	res, err := c.Compile(ctx, source.NewFile("warm-up.bt", []byte(warmUpProgram)))
	switch {
	case res.Ran:
		return v, "", nil
	case errors.Is(err, compile.ErrNotFound), errors.Is(err, compile.ErrUnsupported):
		return v, "", benchtool.Usagef("%s", res.Note)
	}
	return v, res.Note, nil
}

// stagebench runs the whole benchmark.
func stagebench(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	progs := make([][]program, len(o.corpora))
	for i, c := range o.corpora {
		if progs[i], err = c.read(); err != nil {
			return err
		}
	}
	b, rep, err := setUp(o, stderr)
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	pipeline.Check(ctx, source.NewFile("warm-up.bt", []byte(warmUpProgram)), b.cfg)
	rep.WarmUp = time.Since(start)

	progress := progressTo(stderr, total(progs))
	var all []FileResult
	for i, c := range o.corpora {
		files := b.measureAll(ctx, progs[i], o.workers, progress.report)
		rep.Corpora = append(rep.Corpora, corpusReport{Name: c.Name, Dir: c.Dir, Summary: summarize(files), Files: files})
		all = append(all, files...)
		progress = progress.after(len(files))
	}
	progress.clear()
	rep.All = summarize(all)
	rep.print(stdout, o.list)
	if o.json == "" {
		return nil
	}
	data, err := json.MarshalIndent(rep, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(o.json, append(data, '\n'), 0o644)
}

// setUp loads the kernel snapshot, checks bpftrace and configures the
// pipeline, returning the report's heading.
func setUp(o *options, stderr io.Writer) (*bench, *report, error) {
	dia, err := dialect.Parse(o.dialect)
	if err != nil {
		return nil, nil, benchtool.Usagef("-dialect: %v", err)
	}
	k, kdesc, err := benchtool.LoadKernel(o.kernel)
	if err != nil {
		return nil, nil, benchtool.Usagef("-kernel: %v", err)
	}
	if k == nil {
		fmt.Fprintf(stderr, "stagebench: warning: %s\n", kdesc)
	}
	compiler := &compile.Compiler{Argv: strings.Fields(o.bpftrace), Timeout: compileTimeout}
	v, note, err := checkBpftrace(context.Background(), compiler)
	if err != nil {
		return nil, nil, err
	}
	if note != "" {
		fmt.Fprintf(stderr, "stagebench: warning: %s\n", note)
	}
	cfg := pipeline.Config{
		Analysis: analysis.Config{Kernel: k, Dialect: dia, HostFiles: true, HostRoot: o.root},
		Symbex:   true, Compiler: compiler, KernelVerifier: true,
	}
	rep := &report{
		Bpftrace: o.bpftrace, Version: versionText(v), BpftraceNote: note, Dialect: dia.String(),
		Kernel: kdesc, RunningKernel: runningKernel(), Root: os.Geteuid() == 0,
		Runs: o.runs, Workers: o.workers,
	}
	return &bench{cfg: cfg, runs: o.runs}, rep, nil
}

// versionText is "v" and a known version, else "unknown".
func versionText(v dialect.Version) string {
	if v.IsZero() {
		return "unknown"
	}
	return "v" + v.String()
}

// runningKernel is the release of the kernel the kernel stage loads into.
func runningKernel() string {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(data))
}

func total(progs [][]program) int {
	n := 0
	for _, p := range progs {
		n += len(p)
	}
	return n
}

// progressLine writes "[done/total] name" over itself on a terminal, and
// nothing elsewhere; offset is the files of the corpora already measured.
type progressLine struct {
	w             io.Writer
	offset, total int
}

func progressTo(w io.Writer, total int) progressLine {
	if !isTerminal(w) {
		w = nil
	}
	return progressLine{w: w, total: total}
}

func (p progressLine) report(done int, path string) {
	if p.w != nil {
		fmt.Fprintf(p.w, "\r[%d/%d] %-60.60s", p.offset+done, p.total, filepath.Base(path))
	}
}

func (p progressLine) after(n int) progressLine {
	p.offset += n
	return p
}

func (p progressLine) clear() {
	if p.w != nil {
		fmt.Fprintf(p.w, "\r%-75s\r", "")
	}
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
