package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
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
	format string
}

func (c *cli) checkFlags() (*flag.FlagSet, *checkOptions) {
	opts := new(checkOptions)
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&opts.format, "format", "text", "output `format`: text, json or sarif")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken check [--format text|json|sarif] FILE...

Check reports the diagnostics of each bpftrace FILE ("-" is standard input),
sorted by file and position. The exit status is 0 when no file has an error,
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

	status := exitOK
	var results []fileResult
	for _, path := range files {
		f, err := c.readFile(path)
		if err != nil {
			fmt.Fprintf(c.stderr, "ken: %v\n", err)
			status = max(status, exitUsage)
			continue
		}
		ds := slices.Clone(c.check(f, analysis.Config{}).Diagnostics)
		diag.Sort(ds)
		if diag.HasErrors(ds) {
			status = max(status, exitFindings)
		}
		results = append(results, fileResult{File: f, Diagnostics: ds})
	}
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
