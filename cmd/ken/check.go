package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
)

// fileResult is the diagnostics of one file, sorted by position.
type fileResult struct {
	File        *source.File
	Diagnostics []diag.Diagnostic
}

// writers maps each --format value to the function that prints results.
var writers = map[string]func(io.Writer, []fileResult) error{
	"text":  writeText,
	"json":  writeJSON,
	"sarif": func(w io.Writer, rs []fileResult) error { return writeSARIF(w, rs, toolVersion()) },
}

type checkOptions struct {
	format   string
	kernel   string
	dialect  string
	bpftrace string
	noSymbex bool
	compile  bool // run bpftrace's compiler as a stage
	load     bool // and the kernel verifier on its ELF
	compare  bool // print where ken and bpftrace disagree
	fix      bool // apply the quick fixes to the files
}

func (c *cli) checkFlags() (*flag.FlagSet, *checkOptions) {
	opts := new(checkOptions)
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&opts.format, "format", "text", "output `format`: text, json or sarif")
	fs.StringVar(&opts.kernel, "kernel", os.Getenv("KEN_KERNEL"),
		"kernel snapshot `FILE` (from ken kernel snapshot) to check against; \"live\" for this machine's kernel, \"none\" for no kernel checks (default $KEN_KERNEL, else live)")
	fs.StringVar(&opts.dialect, "dialect", os.Getenv("KEN_DIALECT"),
		"bpftrace `VERSION` the files are written for, such as 0.23 (default $KEN_DIALECT, else the version of --bpftrace, else "+dialect.Newest.String()+")")
	fs.BoolVar(&opts.noSymbex, "no-symbex", false, "skip the symbolic verifier (byte order, dead conditions, timestamp deltas, //@ assert)")
	fs.StringVar(&opts.bpftrace, "bpftrace", os.Getenv("KEN_BPFTRACE"),
		"bpftrace `COMMAND` whose version sets the dialect (default $KEN_BPFTRACE, else bpftrace on PATH)")
	fs.BoolVar(&opts.compile, "compile", false,
		"also compile each file ken accepts with --bpftrace (--emit-elf on a copy; it never loads or runs anything); bpftrace 0.17-0.26")
	fs.BoolVar(&opts.load, "load", false,
		"also load what bpftrace compiled into this kernel's verifier, never attaching it, and print each probe's cost (needs root or CAP_BPF+CAP_PERFMON and bpftrace 0.20-0.26; implies --compile)")
	fs.BoolVar(&opts.fix, "fix", false,
		"apply each finding's quick fix (the first, where several are offered) to the file, then report what is left")
	fs.BoolVar(&opts.compare, "compare-bpftrace", false,
		"instead of diagnostics, print where ken's own checks and --bpftrace disagree on each file, one line each, for capturing regression tests; exit 1 when any do")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken check [--format text|json|sarif] [--kernel FILE] [--dialect VERSION] [--compile] [--load] [--fix] FILE...

Check reports the diagnostics of each bpftrace FILE ("-" is standard input),
sorted by file and position: syntax, features the configured bpftrace
version lacks, semantic errors against the kernel (probes, fields, types,
maps, variables, format strings) and the symbolic verifier's findings.
With --compile, bpftrace's compiler checks what ken accepts; with --load,
the kernel's verifier too. With --fix, the quick fixes (a misspelt field,
bswap() around a raw port, the guard a missing start needs...) are written
into the files, unless they would add errors. The exit status is 0 when no file has an error,
1 when one has, and 2 for usage errors and unreadable files.

`)
		fs.PrintDefaults()
	}
	return fs, opts
}

func (c *cli) runCheck(args []string) int {
	fs, opts := c.checkFlags()
	files, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	write, ok := writers[opts.format]
	if !ok {
		fmt.Fprintf(c.stderr, "ken check: unknown format %q (want text, json or sarif)\n", opts.format)
		return exitUsage
	}
	if len(files) == 0 {
		fmt.Fprintln(c.stderr, "ken check: no files given (use - for standard input)")
		fs.Usage()
		return exitUsage
	}
	if opts.fix && slices.Contains(files, "-") {
		fmt.Fprintln(c.stderr, "ken check: --fix writes files back, so it needs files, not standard input")
		return exitUsage
	}

	cfg, err := c.checkConfig(opts)
	if err != nil {
		fmt.Fprintf(c.stderr, "ken check: %v\n", err)
		return exitUsage
	}

	pcfg := pipeline.Config{Analysis: cfg, Symbex: !opts.noSymbex}
	if opts.compile || opts.load || opts.compare {
		pcfg.Compiler = &compile.Compiler{Argv: bpftraceArgv(opts)}
		pcfg.KernelVerifier = opts.load
		if v, err := pcfg.Compiler.Version(context.Background()); err == nil {
			fmt.Fprintf(c.stderr, "ken check: compiling with bpftrace %s (%s)\n", v, strings.Join(pcfg.Compiler.Argv, " "))
		}
	}
	if opts.compare {
		return c.compareBpftrace(files, pcfg)
	}
	var results []fileResult
	status := c.eachFile(files, func(f *source.File) int {
		r := c.check(context.Background(), f, pcfg)
		if opts.fix {
			f, r = c.fixFile(context.Background(), f, r, pcfg)
		}
		ds := append(slices.Clone(r.Diagnostics), costNotes(f, r)...)
		diag.Sort(ds)
		results = append(results, fileResult{File: f, Diagnostics: ds})
		if diag.HasErrors(ds) {
			return exitFindings
		}
		return exitOK
	})
	slices.SortStableFunc(results, func(a, b fileResult) int {
		return cmp.Compare(a.File.Name, b.File.Name)
	})
	if err := write(c.stdout, results); err != nil {
		fmt.Fprintf(c.stderr, "ken: writing %s output: %v\n", opts.format, err)
		return exitUsage
	}
	return status
}

// clampOffset keeps a diagnostic's offset inside f, as source.File does for
// positions, so that every writer reports the same place.
func clampOffset(f *source.File, offset int) int {
	return min(max(offset, 0), len(f.Text))
}

// oneLine replaces the line breaks of a message so that each diagnostic
// stays on one line of text output.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// checkConfig resolves the kernel and the dialect a check is made against.
func (c *cli) checkConfig(opts *checkOptions) (analysis.Config, error) {
	var cfg analysis.Config
	switch opts.kernel {
	case "none":
	case "", "live":
		k, err := kernel.Live()
		if err != nil {
			if opts.kernel == "live" {
				return cfg, fmt.Errorf("reading this machine's kernel: %v", err)
			}
			fmt.Fprintf(c.stderr, "ken: note: no kernel knowledge (%v); probes, kernel types and fields are not checked; use --kernel FILE with a snapshot\n", err)
			break
		}
		cfg.Kernel, cfg.HostFiles = k, true
	default:
		k, err := kernel.ReadSnapshot(opts.kernel)
		if err != nil {
			return cfg, err
		}
		cfg.Kernel = k
	}
	v, err := c.checkDialect(opts)
	cfg.Dialect = v
	return cfg, err
}

// bpftraceArgv is the bpftrace command of --bpftrace, else bpftrace on
// PATH (a missing one becomes the stage's note).
func bpftraceArgv(opts *checkOptions) []string {
	if argv := strings.Fields(opts.bpftrace); len(argv) > 0 {
		return argv
	}
	if path, err := exec.LookPath("bpftrace"); err == nil {
		return []string{path}
	}
	return []string{"bpftrace"}
}

// detectTimeout bounds "bpftrace --version".
const detectTimeout = 5 * time.Second

// checkDialect picks the bpftrace version: --dialect, else the version of
// the configured or installed bpftrace, else the newest ken models.
func (c *cli) checkDialect(opts *checkOptions) (dialect.Version, error) {
	if opts.dialect != "" {
		v, err := dialect.Parse(opts.dialect)
		if err != nil {
			return v, fmt.Errorf("--dialect: %v", err)
		}
		return v.Clamp(), nil
	}
	cmd := opts.bpftrace
	if cmd == "" {
		path, err := exec.LookPath("bpftrace")
		if err != nil {
			return dialect.Newest, nil
		}
		cmd = path
	}
	ctx, cancel := context.WithTimeout(context.Background(), detectTimeout)
	defer cancel()
	v, err := dialect.Detect(ctx, strings.Fields(cmd))
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: note: %v; checking as bpftrace %s\n", err, dialect.Newest)
		return dialect.Newest, nil
	}
	return v.Clamp(), nil
}
