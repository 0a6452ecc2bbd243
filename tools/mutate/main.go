// Command mutate writes single-edit mutants of bpftrace programs, to measure
// how well ken's checker agrees with bpftrace on programs it was not tuned
// on (see tools/agreement and "make bench-mutants").
//
// Each mutant differs from its program by one realistic mistake: a field
// misspelled, a printf conversion swapped, a variable read before it is
// assigned, and so on (see operators). It is written to DIR as
// <base>--<operator>-<k>.bt, and starts with the header lines
//
//	// mutant: <operator>: line N: <what changed>
//	// class: <operator>
//
// so that tools/agreement groups the results by operator; the program's own
// leading comments (its description and verdict) are left out. Mutants that
// ken's parser rejects are skipped: the measure is of semantics, not
// syntax. The output is the same for the same files, flags and seed.
//
// Usage:
//
//	go run ./tools/mutate -o DIR [-per-file N] [-seed S] FILES...
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	out     string
	perFile int
	seed    uint64
	files   []string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.out, "o", "", "directory to write the mutants to (created if missing)")
	fs.IntVar(&o.perFile, "per-file", 4, "mutants per program at most, spread over the operators")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the choices; the same seed gives the same mutants")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mutate -o DIR [-per-file N] [-seed S] FILES...\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.files = fs.Args()
	switch {
	case o.out == "":
		return nil, errors.New("-o DIR is required")
	case o.perFile < 1:
		return nil, errors.New("-per-file must be at least 1")
	case len(o.files) == 0:
		return nil, errors.New("no files")
	}
	return &o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "mutate: %v\n", err)
		return 2
	}
	if err := mutate(o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "mutate: %v\n", err)
		return 1
	}
	return 0
}

// mutate writes the mutants of every file and a one-line summary per
// operator.
func mutate(o *options, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	files := slices.Clone(o.files)
	slices.Sort(files)
	sel := newSelector(o.seed)
	total := 0
	for _, path := range files {
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		base := strings.TrimSuffix(filepath.Base(path), ".bt")
		ms, err := sel.mutants(base, stripHeader(text), o.perFile)
		if err != nil {
			fmt.Fprintf(stderr, "mutate: skipping %s: %v\n", path, err)
			continue
		}
		for _, m := range ms {
			if err := os.WriteFile(filepath.Join(o.out, m.fileName), m.text, 0o644); err != nil {
				return err
			}
		}
		total += len(ms)
	}
	fmt.Fprintf(stdout, "%d mutants of %d files in %s\n", total, len(files), o.out)
	for _, op := range operators {
		fmt.Fprintf(stdout, "  %-28s %d\n", op.name, sel.used[op.name])
	}
	return nil
}
