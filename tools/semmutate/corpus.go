package main

import (
	"bufio"
	"bytes"
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
