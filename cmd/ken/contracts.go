package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"

	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/symbex/contracts"
)

const contractsUsage = `usage: ken contracts <command> [arguments]

Contracts works with ken's kernel contracts: what a probe may assume about a
kernel function's arguments and result, a tracepoint's fields, and the byte
order of struct members. The curated contracts are built into ken; the rest
is generated from a kernel's BTF and tracepoint formats.

Commands:

	generate [-o FILE] [--kernel FILE]   write the contracts for a kernel
	check [--kernel FILE] FILE...        validate contracts files

Run "ken contracts <command> -h" for more about a command.
`

func (c *cli) runContracts(args []string) int {
	return c.dispatch("contracts", contractsUsage, args, map[string]func([]string) int{
		"generate": c.runContractsGenerate,
		"check":    c.runContractsCheck,
	})
}

// loadKernel reads the snapshot file, or the running kernel when file is
// empty.
func loadKernel(file string) (*kernel.Kernel, error) {
	if file != "" {
		return kernel.ReadSnapshot(file)
	}
	return kernel.Live()
}

func (c *cli) runContractsGenerate(args []string) int {
	fs := flag.NewFlagSet("contracts generate", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	out := fs.String("o", "-", "write to `file` (- for standard output)")
	kfile := fs.String("kernel", "", "generate for the snapshot `file` instead of the running kernel")
	curated := fs.String("curated", "", "use the curated contracts in `file` instead of the built-in ones")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken contracts generate [-o FILE] [--kernel FILE] [--curated FILE]

Generate writes the contracts for a kernel as JSON (format `+contracts.Format+`):
every BTF function, tracepoint and network-order struct member of the
running kernel or of a snapshot made by "ken kernel snapshot", with ken's
curated contracts laid over them. See datasets/contracts/README.md.

`)
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 {
		fmt.Fprintln(c.stderr, "ken contracts generate: unexpected arguments")
		fs.Usage()
		return exitUsage
	}
	var cur *contracts.Set
	if *curated != "" {
		cur, err = contracts.Load(*curated)
	} else {
		cur, err = contracts.Curated()
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	k, err := loadKernel(*kfile)
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	set := contracts.Merge(cur, contracts.Generate(k))
	var buf bytes.Buffer
	if err := set.Write(&buf); err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	if *out == "-" || *out == "" {
		_, err = c.stdout.Write(buf.Bytes())
	} else {
		err = writeNewFileAtomic(*out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	if *out != "-" && *out != "" {
		fmt.Fprintf(c.stdout, "wrote %s (%d bytes): Linux %s, %d functions, %d tracepoints, %d field facts\n",
			*out, buf.Len(), set.Kernel, len(set.Functions), len(set.Tracepoints), len(set.Fields))
	}
	return exitOK
}

func (c *cli) runContractsCheck(args []string) int {
	fs := flag.NewFlagSet("contracts check", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	kfile := fs.String("kernel", "", "also check the files against the snapshot `file` (\"live\" for the running kernel)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken contracts check [--kernel FILE] FILE...

Check validates contracts files: the format version, the schema, unique
names, byte orders, ranges and conditions. With --kernel it also checks
that every function, tracepoint, parameter, field, struct member and name
in a condition exists in that kernel. Problems go to standard error as
FILE:PATH: message; the exit status is 1 when there is any.

`)
		fs.PrintDefaults()
	}
	files, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(c.stderr, "ken contracts check: no files")
		fs.Usage()
		return exitUsage
	}
	var k *kernel.Kernel
	if *kfile != "" {
		name := *kfile
		if name == "live" {
			name = ""
		}
		if k, err = loadKernel(name); err != nil {
			fmt.Fprintf(c.stderr, "ken: %v\n", err)
			return exitUsage
		}
	}
	status := exitOK
	for _, file := range files {
		set, err := contracts.Load(file)
		if err == nil && k != nil {
			err = set.Check(k)
			var list contracts.ErrorList
			if errors.As(err, &list) {
				for _, e := range list {
					e.File = file
				}
			}
		}
		var list contracts.ErrorList
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				fmt.Fprintln(c.stderr, e)
			}
			status = max(status, exitFindings)
		case err != nil:
			fmt.Fprintf(c.stderr, "ken: %v\n", err)
			status = exitUsage
		default:
			fmt.Fprintf(c.stdout, "%s: ok: %d functions, %d tracepoints, %d field facts\n",
				file, len(set.Functions), len(set.Tracepoints), len(set.Fields))
		}
	}
	return status
}
