// Command stagebench measures ken's checking stages (package pipeline) on
// the project's corpora: what each stage costs, and what each finds that
// the stages before it missed.
//
// The stages, in the order pipeline.Check runs them, are parse+semantic
// (analysis.Check: syntax, dialect and semantics), symbolic (the symbolic
// verifier, symbex), bpftrace (bpftrace's own compiler, --emit-elf, compile
// only) and kernel (the running kernel's eBPF verifier: the programs
// bpftrace compiled are loaded, never attached).
//
// For every file it prints two kinds of figure per corpus:
//
//   - Time per stage: pipeline.Check runs the file (-runs times; the
//     median is kept) and each stage's Elapsed is summarised as p50, p95,
//     max and mean (nearest-rank percentiles) over the files where the
//     stage ran. A stage runs only when the earlier ones found no error,
//     so the table also counts the files where it was skipped, by reason.
//   - Findings: each stage also judges every file it can, whatever the
//     earlier stages said (bpftrace compiles every file, the kernel
//     verifier loads every ELF bpftrace wrote). A stage flags a file when
//     it reports a problem: an error-severity diagnostic for
//     parse+semantic, bpftrace and kernel; a refuted obligation for the
//     symbolic verifier, whose findings are warnings. "new" counts the
//     files a stage flags that no earlier stage flags, so each file is new
//     to at most one stage, its first finder; "accepts" counts the files
//     an earlier stage flags that this stage judged and accepts. The
//     symbolic verifier judges only files without analysis errors, as in
//     the pipeline (so its "accepts" is shown as "-"), and the kernel
//     only files bpftrace compiled.
//
// It also lists the files on which ken's analysis and bpftrace disagree
// (compile.Compare: one rejects and the other accepts, or both reject on
// different lines) and the files each later stage is the first to flag.
// It is a report: it exits 0 whatever the figures, 2 on usage errors
// (a bad flag or path, a bpftrace that is missing, unsupported, or 0.24 or
// newer, whose --emit-elf runs the program) and 1 when it cannot run.
// Without root the kernel stage is reported as skipped, with the reason,
// and the other figures are still produced.
//
// Usage:
//
//	go run ./tools/stagebench [-bpftrace CMD] [-root DIR] [-kernel SNAPSHOT]
//		[-dialect V] [-runs N] [-j N] [-valid DIR] [-semantic DIR]
//		[-examples DIR] [-mutants DIR] [-list N] [-json FILE]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kenlsp/ken/internal/benchtool"
)

// options are the command-line flags.
type options struct {
	bpftrace string
	root     string
	kernel   string
	dialect  string
	runs     int
	workers  int
	list     int
	json     string
	corpora  []corpus
}

// defaultRoot is the chroot scripts/install-bpftrace.sh makes for
// bpftrace 0.23.
const defaultRoot = "/opt/ken/trixie"

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("stagebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	root := os.Getenv("KEN_BPFTRACE_ROOT")
	if root == "" {
		root = defaultRoot
	}
	fs.StringVar(&o.bpftrace, "bpftrace", "bpftrace-0.23", "bpftrace command (0.17-0.23), possibly with a prefix such as \"chroot DIR bpftrace\"")
	fs.StringVar(&o.root, "root", root, "directory bpftrace runs chrooted in, where ken looks for headers and uprobe binaries ($KEN_BPFTRACE_ROOT by default, when set)")
	fs.StringVar(&o.kernel, "kernel", "analysis/kernel/testdata/vmlinux-snapshot.ken", "kernel snapshot for ken's analysis; empty for the running kernel")
	fs.StringVar(&o.dialect, "dialect", "0.23", "bpftrace version ken checks for")
	fs.IntVar(&o.runs, "runs", 1, "pipeline runs per file; the median time of each stage is reported")
	fs.IntVar(&o.workers, "j", 1, "files checked at once (more than 1 makes the timings noisy)")
	fs.IntVar(&o.list, "list", 40, "files listed at most per list (disagreements, first findings); the JSON has all")
	fs.StringVar(&o.json, "json", "", "also write the per-file results and summaries to this file as JSON")
	dirs := make([]*string, len(defaultCorpora))
	for i, c := range defaultCorpora {
		dirs[i] = fs.String(c.Name, c.Dir, c.Help+"; empty to leave it out")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: stagebench [flags]\n\n"+
			"Times each of ken's checking stages on the corpora and counts what each finds\n"+
			"that the earlier stages missed.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &benchtool.UsageError{Err: err}
	}
	switch {
	case fs.NArg() > 0:
		return nil, benchtool.Usagef("unexpected arguments %q: name corpora with -valid, -semantic, -examples, -mutants", fs.Args())
	case o.runs < 1:
		return nil, benchtool.Usagef("-runs must be at least 1")
	case o.workers < 1:
		return nil, benchtool.Usagef("-j must be at least 1")
	case o.list < 0:
		return nil, benchtool.Usagef("-list must be 0 or more")
	case len(strings.Fields(o.bpftrace)) == 0:
		return nil, benchtool.Usagef("-bpftrace must name a command")
	}
	for i, c := range defaultCorpora {
		if *dirs[i] != "" {
			o.corpora = append(o.corpora, corpus{Name: c.Name, Dir: *dirs[i], Mutants: c.Mutants})
		}
	}
	if len(o.corpora) == 0 {
		return nil, benchtool.Usagef("no corpus: every corpus flag is empty")
	}
	return &o, nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	return benchtool.ExitStatus("stagebench", stagebench(args, stdout, stderr), stderr)
}
