package main

import (
	"bytes"
	"flag"
	"fmt"

	"github.com/kenlsp/ken/analysis/diag"
)

type fmtOptions struct {
	write, list, diff bool
}

func (c *cli) fmtFlags() (*flag.FlagSet, *fmtOptions) {
	opts := new(fmtOptions)
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.BoolVar(&opts.write, "w", false, "write the result to the file instead of standard output")
	fs.BoolVar(&opts.list, "l", false, "list files whose formatting differs from ken fmt's")
	fs.BoolVar(&opts.diff, "d", false, "print a unified diff instead of the formatted text")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken fmt [-w] [-l] [-d] FILE...

Fmt formats each bpftrace FILE ("-" is standard input) and prints the
result, like gofmt. A file with syntax errors is left unchanged and its
diagnostics are printed on standard error; the exit status is then 1.
Unreadable or unwritable files give exit status 2.

`)
		fs.PrintDefaults()
	}
	return fs, opts
}

func (c *cli) runFmt(args []string) int {
	fs, opts := c.fmtFlags()
	files, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(c.stderr, "ken fmt: no files given (use - for standard input)")
		fs.Usage()
		return exitUsage
	}
	status := exitOK
	for _, path := range files {
		status = max(status, c.fmtFile(path, opts))
	}
	return status
}

// fmtFile formats one file as opts ask and returns its exit status.
func (c *cli) fmtFile(path string, opts *fmtOptions) int {
	if path == "-" && opts.write {
		fmt.Fprintln(c.stderr, "ken fmt: cannot use -w with standard input")
		return exitUsage
	}
	f, err := c.readFile(path)
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	out, ds := c.format(f)
	if out == nil || diag.HasErrors(ds) {
		diag.Sort(ds)
		writeText(c.stderr, []fileResult{{File: f, Diagnostics: ds}})
		if !diag.HasErrors(ds) {
			fmt.Fprintf(c.stderr, "%s: cannot be formatted\n", f.Name)
		}
		return exitFindings
	}
	changed := !bytes.Equal(f.Text, out)
	if opts.list && changed {
		fmt.Fprintln(c.stdout, f.Name)
	}
	if opts.write && changed {
		if err := writeFileAtomic(path, out); err != nil {
			fmt.Fprintf(c.stderr, "ken: %v\n", err)
			return exitUsage
		}
	}
	if opts.diff && changed {
		if err := writeUnifiedDiff(c.stdout, f.Name+".orig", f.Text, f.Name, out); err != nil {
			fmt.Fprintf(c.stderr, "ken: %v\n", err)
			return exitUsage
		}
	}
	if !opts.list && !opts.write && !opts.diff {
		if _, err := c.stdout.Write(out); err != nil {
			fmt.Fprintf(c.stderr, "ken: %v\n", err)
			return exitUsage
		}
	}
	return exitOK
}
