package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/kenlsp/ken/synth/retrieve"
)

const storeUsage = `usage: ken store <command>

Store manages ken's learning store: the programs synthesis verified and
learned, which later syntheses retrieve as examples. It is one JSON file,
$KEN_CACHE_DIR/store.json when $KEN_CACHE_DIR is set, else ken/store.json
in the user's cache directory (~/.cache/ken/store.json on Linux).

Commands:

	info    print the store's path, how many docs it learned and its size
	reset   delete the store file, forgetting everything learned

`

// runStore dispatches ken store's subcommands.
func (c *cli) runStore(args []string) int {
	return c.dispatch("store", storeUsage, args, map[string]func([]string) int{
		"info":  c.runStoreInfo,
		"reset": c.runStoreReset,
	})
}

// storeNoArgs rejects arguments to a store command that takes none,
// answering -h with the usage.
func (c *cli) storeNoArgs(cmd string, args []string) (int, bool) {
	if len(args) == 0 {
		return exitOK, true
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(c.stdout, storeUsage)
		return exitOK, false
	}
	fmt.Fprintf(c.stderr, "ken store %s: unexpected arguments\n", cmd)
	fmt.Fprint(c.stderr, storeUsage)
	return exitUsage, false
}

// runStoreInfo prints the store's path, learned docs and file size.
func (c *cli) runStoreInfo(args []string) int {
	if status, ok := c.storeNoArgs("info", args); !ok {
		return status
	}
	s, err := retrieve.Open("")
	var oe *retrieve.OpenError
	switch {
	case errors.As(err, &oe):
		fmt.Fprintf(c.stderr, "ken store: warning: %v\n", err) // moved aside; s is empty and usable
	case err != nil:
		fmt.Fprintf(c.stderr, "ken store: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(c.stdout, "%-9s %s\n", "path:", s.Path())
	fmt.Fprintf(c.stdout, "%-9s %d\n", "learned:", len(s.Docs()))
	info, err := os.Stat(s.Path())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(c.stdout, "%-9s no file yet\n", "size:")
	case err != nil:
		fmt.Fprintf(c.stderr, "ken store: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(c.stdout, "%-9s %d bytes\n", "size:", info.Size())
	}
	return exitOK
}

// runStoreReset deletes the store file, saying which and how much it held.
func (c *cli) runStoreReset(args []string) int {
	if status, ok := c.storeNoArgs("reset", args); !ok {
		return status
	}
	path, err := retrieve.DefaultPath()
	if err != nil {
		fmt.Fprintf(c.stderr, "ken store: %v\n", err)
		return exitUsage
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(c.stdout, "nothing to reset: %s does not exist\n", path)
		return exitOK
	}
	s, err := retrieve.Open(path)
	var oe *retrieve.OpenError
	switch {
	case errors.As(err, &oe):
		// Open moved the unreadable file aside; reset deletes it there,
		// since the person asked for it to be gone.
		err = os.Remove(oe.MovedTo)
		path += " (unreadable: " + oe.Err.Error() + ")"
	case err == nil:
		n := len(s.Docs())
		err = s.Reset()
		path += fmt.Sprintf(" (%d learned docs)", n)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "ken store: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(c.stdout, "deleted %s\n", path)
	return exitOK
}
