package main

import (
	"fmt"
	"io"
	"os"

	"github.com/kenlsp/ken/analysis/source"
)

// stdinName is the file name under which standard input is reported.
const stdinName = "<stdin>"

// readFile reads the file at path, or standard input when path is "-".
// The file is named as given, so that output refers to what the user typed.
// The text is taken as bytes: any content, valid UTF-8 or not, is accepted.
func (c *cli) readFile(path string) (*source.File, error) {
	if path == "-" {
		text, err := io.ReadAll(c.stdin)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		return source.NewFile(stdinName, text), nil
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err // an *fs.PathError, which names the file
	}
	return source.NewFile(path, text), nil
}
