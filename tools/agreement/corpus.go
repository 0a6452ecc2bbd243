package main

import (
	"bufio"
	"bytes"
	"strings"
)

// unlabelled is the class of a file whose header names neither a mistake
// class nor a bpftrace verdict.
const unlabelled = "unlabelled"

// headerLines is how many leading lines are searched for header comments.
const headerLines = 8

// classOf returns the class of a corpus file from its header comments: the
// "// class:" value for a program with a semantic mistake, else the
// "// bpftrace-0.23:" verdict (ok, parse-only, newer), else unlabelled. Only
// the leading comment lines are read, so code further down cannot change it.
func classOf(text []byte) string {
	var class, verdict string
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 0; n < headerLines && sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "//") {
			if strings.HasPrefix(line, "#!") {
				continue // a shebang may follow the comments
			}
			break
		}
		key, value, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "//")), ":")
		if !ok {
			continue
		}
		value = firstWord(value)
		switch strings.TrimSpace(key) {
		case "class":
			if class == "" {
				class = value
			}
		case "bpftrace-0.23":
			if verdict == "" {
				verdict = value
			}
		}
	}
	switch {
	case class != "":
		return class
	case verdict != "":
		return verdict
	}
	return unlabelled
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
