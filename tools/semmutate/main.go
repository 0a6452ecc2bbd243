// Command semmutate measures ken's symbolic verifier (package symbex) on
// semantic mutants of the programs bpftrace accepts: programs with one
// realistic mistake that still compile, so that only a verifier can
// catch them.
//
// It reads the corpus files whose header says "// bpftrace-0.23: ok",
// makes single mistakes in each with the operators (a bswap dropped, tid
// and pid swapped in a map key, a predicate removed, a comparison negated,
// a map element deleted before it is read, a network-order field confused
// with its host-order neighbour, a constant off by a factor of 1000 or set
// to 0), and keeps the mutants that change the text, that ken's analysis
// accepts and that "bpftrace --emit-elf" still compiles. A kept mutant is
// flagged when the verifier finds something in it (a refuted or unknown
// obligation) that it does not find in the original program; findings are
// compared by code and claim, counting repeats, so a finding the original
// already had does not count.
//
// It prints, per operator, the mutants kept and flagged and the mutation
// score (flagged / kept, over all kept mutants: some are equivalent to
// their original, which no verifier can flag, so ten unflagged examples
// are listed for a person to judge); the share of original programs with a
// refuted obligation (false alarms, or real bugs in the corpus); and the
// verification time per program. It is a report: it exits 0 whatever the
// figures, 2 on usage errors and 1 when it cannot run.
//
// Usage:
//
//	go run ./tools/semmutate [-bpftrace CMD] [-root DIR] [-kernel SNAPSHOT]
//		[-dialect V] [-seed S] [-per-file N] [-runs N] [-o DIR] [-json FILE]
//		[dir|file.bt ...]
//
// bpftrace 0.24 and newer are refused: their --emit-elf alone runs the program.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kenlsp/ken/internal/benchtool"
)

// defaultPaths are read when no files are named.
var defaultPaths = []string{"analysis/testdata/valid"}

type options struct {
	bpftrace string
	root     string
	kernel   string
	dialect  string
	seed     uint64
	perFile  int
	runs     int
	out      string
	json     string
	paths    []string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("semmutate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.bpftrace, "bpftrace", "bpftrace-0.23", "bpftrace command that must still compile each mutant (0.20-0.23)")
	fs.StringVar(&o.root, "root", os.Getenv("KEN_BPFTRACE_ROOT"),
		"directory bpftrace runs chrooted in, where ken looks for headers and uprobe binaries (default $KEN_BPFTRACE_ROOT, else /)")
	fs.StringVar(&o.kernel, "kernel", "", "kernel snapshot file for ken (default: the running kernel)")
	fs.StringVar(&o.dialect, "dialect", "0.23", "bpftrace version ken checks for")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the choice of mutants; the same seed gives the same mutants")
	fs.IntVar(&o.perFile, "per-file", 8, "kept mutants per program at most, spread over the operators; 0 keeps every one")
	fs.IntVar(&o.runs, "runs", 3, "verifications of each original program; the median time is reported")
	fs.StringVar(&o.out, "o", "", "also write the kept mutants to this directory")
	fs.StringVar(&o.json, "json", "", "also write the results to this file as JSON")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: semmutate [flags] [dir|file.bt ...]\n\n"+
			"Measures ken's symbolic verifier on semantic mutants of the programs\n"+
			"marked \"// bpftrace-0.23: ok\" (default: %s).\n\n", defaultPaths[0])
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &benchtool.UsageError{Err: err}
	}
	switch {
	case o.perFile < 0:
		return nil, benchtool.Usagef("-per-file must be 0 (all) or more")
	case o.runs < 1:
		return nil, benchtool.Usagef("-runs must be at least 1")
	case o.bpftrace == "":
		return nil, benchtool.Usagef("-bpftrace must name a command")
	}
	o.paths = fs.Args()
	if len(o.paths) == 0 {
		o.paths = defaultPaths
	}
	return &o, nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	return benchtool.ExitStatus("semmutate", semmutate(args, stdout, stderr), stderr)
}
