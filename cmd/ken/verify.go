package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/symbex"
)

func (c *cli) verifyFlags() (*flag.FlagSet, *checkOptions) {
	fs, opts := c.checkFlags()
	fs.Init("verify", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken verify [--kernel FILE] [--dialect VERSION] FILE...

Verify runs the symbolic verifier on each bpftrace FILE and prints every
proof obligation with its verdict: proved, counterexample (with concrete
values) or unknown (the solver's time ran out). Obligations come from the
built-in checks (byte order, dead conditions, timestamp deltas) and from
//@ assume, //@ assert and //@ reached whenever comments. The exit status is 0 when nothing is
refuted, 1 when something is or a file has errors, 2 for usage errors.

`)
		fs.PrintDefaults()
	}
	return fs, opts
}

func (c *cli) runVerify(args []string) int {
	fs, opts := c.verifyFlags()
	files, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(c.stderr, "ken verify: no files given")
		return exitUsage
	}
	cfg, err := c.checkConfig(opts)
	if err != nil {
		fmt.Fprintf(c.stderr, "ken verify: %v\n", err)
		return exitUsage
	}
	return c.eachFile(files, func(f *source.File) int {
		return c.verifyFile(f, cfg)
	})
}

// verifyFile prints each obligation of one file with its verdict.
func (c *cli) verifyFile(f *source.File, cfg analysis.Config) int {
	r := pipeline.Check(context.Background(), f, pipeline.Config{Analysis: cfg, Symbex: true})
	if r.Verification == nil {
		writeText(c.stdout, []fileResult{{File: f, Diagnostics: r.Diagnostics}})
		fmt.Fprintf(c.stdout, "%s: not verified: fix the errors first\n", f.Name)
		return exitFindings
	}
	status := exitOK
	for _, o := range r.Verification.Obligations {
		pos := f.Position(o.Span.Start)
		line := fmt.Sprintf("%s:%d:%d: %s: %s", f.Name, pos.Line, pos.Column, o.Verdict, o.Claim)
		if o.Counterexample != "" {
			line += ": " + o.Counterexample
		}
		fmt.Fprintf(c.stdout, "%s [%s]\n", line, o.Code)
		if o.Verdict == symbex.Refuted {
			status = exitFindings
		}
	}
	fmt.Fprintf(c.stdout, "%s: %d obligations in %s\n", f.Name, len(r.Verification.Obligations), r.Verification.Elapsed.Round(100_000))
	return status
}
