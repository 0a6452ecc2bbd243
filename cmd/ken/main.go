package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/format"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/pipeline"
)

// Exit statuses. A run reports the most serious one that applies.
const (
	exitOK       = 0 // nothing wrong
	exitFindings = 1 // some file has an error diagnostic
	exitUsage    = 2 // bad usage, or a file could not be read or written
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args (without the program name) and returns
// the exit status. It never calls os.Exit, so tests can call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		check:  pipeline.Check,
		format: format.Format,
	}
	return c.run(args)
}

// cli holds the streams and the pipeline functions one run uses; tests
// replace check and format to exercise the plumbing on its own.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	check          func(context.Context, *source.File, pipeline.Config) *pipeline.Result
	format         func(*source.File) ([]byte, []diag.Diagnostic)
}

// commands lists each subcommand with its one-line summary.
var commands = []struct{ name, summary string }{
	{"check", "report diagnostics for bpftrace files"},
	{"contracts", "generate or check kernel contracts for hooks"},
	{"fmt", "format bpftrace files"},
	{"kernel", "snapshot or describe a Linux kernel's BTF and tracepoints"},
	{"verify", "prove or refute each program's obligations with the symbolic verifier"},
	{"synth", "turn an English prompt into a verified bpftrace program"},
	{"eval", "measure synthesis on the evaluation set under the paper's configurations"},
	{"store", "show or reset the learning store of verified programs"},
	{"lsp", "run the language server on standard input and output"},
	{"version", "print ken's version"},
	{"help", "describe ken or one of its commands"},
}

func (c *cli) run(args []string) int {
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return c.runCheck(args[1:])
	case "contracts":
		return c.runContracts(args[1:])
	case "fmt":
		return c.runFmt(args[1:])
	case "kernel":
		return c.runKernel(args[1:])
	case "lsp":
		return c.runLSP(args[1:])
	case "verify":
		return c.runVerify(args[1:])
	case "synth":
		return c.runSynth(args[1:])
	case "eval":
		return c.runEval(args[1:])
	case "store":
		return c.runStore(args[1:])
	case "version":
		return c.runVersion(args[1:])
	case "help", "-h", "-help", "--help":
		return c.runHelp(args[1:])
	}
	fmt.Fprintf(c.stderr, "ken: unknown command %q\n", args[0])
	c.usage(c.stderr)
	return exitUsage
}

// dispatch runs the subcommand of a command group such as "ken kernel":
// usage on a help request, a usage error for a missing or unknown one.
func (c *cli) dispatch(group, usage string, args []string, commands map[string]func([]string) int) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usage)
		return exitUsage
	}
	if run, ok := commands[args[0]]; ok {
		return run(args[1:])
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(c.stdout, usage)
		return exitOK
	}
	fmt.Fprintf(c.stderr, "ken %s: unknown command %q\n", group, args[0])
	fmt.Fprint(c.stderr, usage)
	return exitUsage
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, "ken checks, formats and synthesizes bpftrace programs.\n\nUsage:\n\n\tken <command> [arguments]\n\nCommands:\n\n")
	for _, cmd := range commands {
		fmt.Fprintf(w, "\t%-8s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, "\nRun \"ken help <command>\" for more about a command.\n")
}

func (c *cli) runHelp(args []string) int {
	switch {
	case len(args) == 0:
		c.usage(c.stdout)
		return exitOK
	case len(args) > 1:
		fmt.Fprintln(c.stderr, "usage: ken help [command]")
		return exitUsage
	}
	var fs *flag.FlagSet
	switch args[0] {
	case "check":
		fs, _ = c.checkFlags()
	case "fmt":
		fs, _ = c.fmtFlags()
	case "version":
		fmt.Fprintln(c.stdout, "usage: ken version\n\nVersion prints ken's version and the Go toolchain that built it.")
		return exitOK
	case "help":
		fmt.Fprintln(c.stdout, "usage: ken help [command]")
		return exitOK
	case "kernel":
		fmt.Fprint(c.stdout, kernelUsage)
		return exitOK
	case "contracts":
		fmt.Fprint(c.stdout, contractsUsage)
		return exitOK
	case "lsp":
		fmt.Fprint(c.stdout, lspUsage)
		return exitOK
	case "verify":
		fs, _ = c.verifyFlags()
	case "synth":
		fs, _ = c.synthFlags()
	case "eval":
		fs, _ = c.evalFlags()
	case "store":
		fmt.Fprint(c.stdout, storeUsage)
		return exitOK
	default:
		fmt.Fprintf(c.stderr, "ken help: unknown command %q\n", args[0])
		return exitUsage
	}
	fs.SetOutput(c.stdout)
	fs.Usage()
	return exitOK
}

// parseFlags parses args with fs, allowing flags after the file arguments
// as well as before them, and returns the file arguments. "--" ends the
// flags; a lone "-" is a file (standard input).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return files, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(files, rest...), nil
		}
		files = append(files, rest[0])
		args = rest[1:]
	}
}

// flagError turns the error of parseFlags into an exit status: asking for
// help is not an error, anything else is a usage error that the flag
// package has already reported.
func flagError(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}
