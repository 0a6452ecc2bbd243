package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kenlsp/ken/analysis/kernel"
)

const kernelUsage = `usage: ken kernel <command> [arguments]

Kernel reads what ken knows about a Linux kernel: its BTF types and
functions, its tracepoints and a few features.

Commands:

	snapshot -o FILE     save the running kernel to FILE (- for standard output)
	info [--kernel FILE] describe the running kernel, or the snapshot FILE

Run "ken kernel <command> -h" for more about a command.
`

func (c *cli) runKernel(args []string) int {
	return c.dispatch("kernel", kernelUsage, args, map[string]func([]string) int{
		"snapshot": c.runKernelSnapshot,
		"info":     c.runKernelInfo,
	})
}

func (c *cli) kernelSnapshotFlags() (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("kernel snapshot", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	out := fs.String("o", "", "write the snapshot to `file` (- for standard output)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken kernel snapshot -o FILE

Snapshot saves what ken knows about the running kernel (BTF, tracepoint
formats, features, kallsyms data symbols) to one compressed FILE that ken
can read on any machine, e.g. with "ken kernel info --kernel FILE". It reads /sys/kernel/btf/vmlinux and tracefs, so run it as root;
anything it could not read is reported on standard error. The file is
replaced atomically.

`)
		fs.PrintDefaults()
	}
	return fs, out
}

func (c *cli) runKernelSnapshot(args []string) int {
	fs, out := c.kernelSnapshotFlags()
	rest, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 || *out == "" {
		fmt.Fprintln(c.stderr, "ken kernel snapshot: want -o FILE and no other argument")
		fs.Usage()
		return exitUsage
	}
	k, err := kernel.Live()
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	var buf bytes.Buffer
	if err := k.WriteSnapshot(&buf); err != nil {
		fmt.Fprintf(c.stderr, "ken: writing snapshot: %v\n", err)
		return exitUsage
	}
	info := k.Info()
	for _, note := range info.Notes {
		fmt.Fprintf(c.stderr, "ken kernel snapshot: note: %s\n", note)
	}
	if *out == "-" {
		_, err = c.stdout.Write(buf.Bytes())
	} else {
		err = writeNewFileAtomic(*out, buf.Bytes())
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	if *out != "-" {
		fmt.Fprintf(c.stdout, "wrote %s (%d bytes): Linux %s %s, %d functions, %d tracepoints\n",
			*out, buf.Len(), info.Release, info.Machine, len(k.FuncNames()), len(k.Tracepoints()))
	}
	return exitOK
}

func (c *cli) kernelInfoFlags() (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("kernel info", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	file := fs.String("kernel", "", "describe the snapshot `file` instead of the running kernel")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken kernel info [--kernel FILE]

Info describes the running kernel, or the snapshot FILE written by
"ken kernel snapshot": its release and machine, where the knowledge came
from, its features, the number of BTF functions, tracepoints and named
types, and notes about anything that could not be read.

`)
		fs.PrintDefaults()
	}
	return fs, file
}

func (c *cli) runKernelInfo(args []string) int {
	fs, file := c.kernelInfoFlags()
	rest, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 {
		fmt.Fprintln(c.stderr, "ken kernel info: unexpected arguments (use --kernel FILE for a snapshot)")
		fs.Usage()
		return exitUsage
	}
	var k *kernel.Kernel
	if *file != "" {
		k, err = kernel.ReadSnapshot(*file)
	} else {
		k, err = kernel.Live()
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	if err := writeKernelInfo(c.stdout, k); err != nil {
		fmt.Fprintf(c.stderr, "ken: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// writeKernelInfo prints k's description, one "key: value" line each.
func writeKernelInfo(w io.Writer, k *kernel.Kernel) error {
	info := k.Info()
	f := info.Features
	type line struct {
		key string
		val any
	}
	lines := []line{
		{"release", info.Release},
		{"machine", info.Machine},
		{"source", info.Source},
		{"created", info.Created.Format(time.RFC3339)},
		{"tracefs", yesNo(info.Tracefs)},
		{"features", fmt.Sprintf("fentry=%s kallsyms-data=%s", yesNo(f.Fentry), yesNo(f.KallsymsData))},
		{"functions", len(k.FuncNames())},
		{"tracepoints", len(k.Tracepoints())},
		{"types", len(k.TypeNames())},
	}
	if info.SnapshotFormat != 0 {
		lines = append(lines, line{"format", info.SnapshotFormat})
	}
	var buf bytes.Buffer
	for _, l := range lines {
		fmt.Fprintf(&buf, "%-12s %v\n", l.key+":", l.val)
	}
	for _, note := range info.Notes {
		fmt.Fprintf(&buf, "%-12s %s\n", "note:", note)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
