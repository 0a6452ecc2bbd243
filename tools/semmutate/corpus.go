package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// okVerdict is the header line of a corpus program bpftrace 0.23 accepts.
const okVerdict = "// bpftrace-0.23: ok"

// isOK reports whether the leading comment lines of text hold the ok
// verdict; code further down cannot change it.
func isOK(text []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == okVerdict || strings.HasPrefix(line, okVerdict+" "):
			return true
		case line != "" && !strings.HasPrefix(line, "//") && !strings.HasPrefix(line, "#!"):
			return false
		}
	}
	return false
}

// stripHeader removes the leading comment and blank lines of a corpus
// file: they hold its description and verdict, which are not a mutant's.
func stripHeader(text []byte) []byte {
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		trimmed := strings.TrimSpace(string(line))
		if trimmed != "" && !strings.HasPrefix(trimmed, "//") {
			break
		}
		text = rest
	}
	return text
}

// collectFiles expands the arguments into a sorted, duplicate-free list
// of programs: a directory gives its *.bt files (not recursively), a file
// is taken as it is.
func collectFiles(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, arg)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(arg, "*.bt"))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s: no .bt files", arg)
		}
		files = append(files, matches...)
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}
