package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kenlsp/ken/lsp"
)

const lspUsage = `usage: ken lsp

Lsp runs the language server on standard input and output (JSON-RPC with
Content-Length headers), as editors start it. Its log goes to standard
error. Settings come from initializationOptions and
workspace/didChangeConfiguration: kernel (a snapshot file, "live" or
"none"), dialect (a bpftrace version) and bpftrace (a command).
`

// stdio joins the process's standard streams into one connection.
type stdio struct {
	io.Reader
	io.Writer
}

// Close ends the session by closing standard input and output.
func (stdio) Close() error {
	os.Stdin.Close()
	return os.Stdout.Close()
}

func (c *cli) runLSP(args []string) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			fmt.Fprint(c.stdout, lspUsage)
			return exitOK
		}
		fmt.Fprint(c.stderr, lspUsage)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lsp.SetVersion(toolVersion())
	if err := lsp.Serve(ctx, stdio{Reader: c.stdin, Writer: c.stdout}, lsp.Options{Log: c.stderr, Debounce: lsp.DefaultDebounce}); err != nil {
		fmt.Fprintf(c.stderr, "ken lsp: %v\n", err)
		return exitFindings
	}
	return exitOK
}
