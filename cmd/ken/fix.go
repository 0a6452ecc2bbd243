package main

import (
	"context"
	"fmt"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
)

// fixRounds bounds the passes of --fix: fixing an error lets the later
// stages run, whose findings may have fixes of their own.
const fixRounds = 3

// fixFile applies the file's quick fixes and writes it back. Each pass is
// kept only when the fixed text has no more errors than before it: a fix
// must never make a file worse. It returns the file and the result to
// report, the fixed ones when anything was written.
func (c *cli) fixFile(ctx context.Context, f *source.File, r *pipeline.Result, cfg pipeline.Config) (*source.File, *pipeline.Result) {
	applied := 0
	cur, res := f, r
	for range fixRounds {
		edits, n := diag.PreferredFixes(res.Diagnostics)
		if n == 0 {
			break
		}
		fixed := source.NewFile(f.Name, diag.ApplyEdits(cur.Text, edits))
		after := c.check(ctx, fixed, cfg)
		if errorCount(after.Diagnostics) > errorCount(res.Diagnostics) {
			fmt.Fprintf(c.stderr, "ken check: %s: %d fixes left unapplied: together they would add errors\n", f.Name, n)
			break
		}
		cur, res, applied = fixed, after, applied+n
	}
	if applied == 0 {
		return f, r
	}
	if err := writeFileAtomic(f.Name, cur.Text); err != nil {
		fmt.Fprintf(c.stderr, "ken check: %s: fixes not written: %v\n", f.Name, err)
		return f, r
	}
	fmt.Fprintf(c.stderr, "ken check: %s: applied %d %s\n", f.Name, applied, plural(applied, "fix", "fixes"))
	return cur, res
}

func errorCount(ds []diag.Diagnostic) int {
	n := 0
	for _, d := range ds {
		if d.Severity == diag.Error {
			n++
		}
	}
	return n
}

// plural picks the singular or the plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
