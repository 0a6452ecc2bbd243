package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
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

// lspArgs reads ken lsp's arguments. Clients add their own: VS Code's
// language client passes --stdio (the only transport ken has) and others
// --clientProcessId=N; both are accepted and ignored, since refusing them
// would leave the editor without a server.
func lspArgs(args []string) (help bool, err error) {
	for _, a := range args {
		switch name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); {
		case a == "-h" || a == "-help" || a == "--help":
			return true, nil
		case strings.HasPrefix(a, "-") && (name == "stdio" || name == "clientProcessId"):
		default:
			return false, fmt.Errorf("unknown argument %q", a)
		}
	}
	return false, nil
}

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
	switch help, err := lspArgs(args); {
	case help:
		fmt.Fprint(c.stdout, lspUsage)
		return exitOK
	case err != nil:
		fmt.Fprintf(c.stderr, "ken lsp: %v\n%s", err, lspUsage)
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
