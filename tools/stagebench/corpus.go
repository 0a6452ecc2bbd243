package main

import (
	"bufio"
	"bytes"
	"os"
	"strings"

	"github.com/kenlsp/ken/internal/benchtool"
)

// corpus is one directory of programs, reported on its own.
type corpus struct {
	Name string // the flag that names it, and its heading
	Dir  string
	Help string
	// Mutants keeps only files with a "// mutant:" header.
	Mutants bool
}

// defaultCorpora are the corpora in report order, with their default
// directories; mutants have none.
var defaultCorpora = []corpus{
	{Name: "valid", Dir: "analysis/testdata/valid", Help: "programs with a \"// bpftrace-0.23: ok|parse-only|newer\" header"},
	{Name: "semantic", Dir: "analysis/testdata/semantic", Help: "programs bpftrace 0.23 rejects for a semantic mistake"},
	{Name: "examples", Dir: "datasets/examples", Help: "the correct example programs of synthesis"},
	{Name: "mutants", Help: "semantic mutants (files with a \"// mutant:\" header), e.g. from make bench-mutation MUTATION_FLAGS='-o DIR'", Mutants: true},
}

// program is one corpus file, read.
type program struct {
	Path  string
	Class string
	Text  []byte
}

// read returns c's programs in name order.
func (c corpus) read() ([]program, error) {
	paths, err := benchtool.CollectFiles([]string{c.Dir})
	if err != nil {
		return nil, benchtool.Usagef("-%s: %v", c.Name, err)
	}
	var progs []program
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		h := headers(text)
		if _, ok := h["mutant"]; c.Mutants && !ok {
			continue
		}
		progs = append(progs, program{Path: path, Class: classOf(h), Text: text})
	}
	if len(progs) == 0 {
		return nil, benchtool.Usagef("-%s: no programs in %s", c.Name, c.Dir)
	}
	return progs, nil
}

// headerLines is how many leading lines are searched for header comments.
const headerLines = 8

// headers reads the "// key: value" comments at the top of a corpus file,
// keeping the first word of each value and the first of each key. Only the
// leading comment lines are read, so code further down cannot change them.
func headers(text []byte) map[string]string {
	h := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 0; n < headerLines && sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#!") {
			continue
		}
		if !strings.HasPrefix(line, "//") {
			break
		}
		key, value, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "//")), ":")
		key = strings.TrimSpace(key)
		if _, seen := h[key]; !ok || seen || strings.ContainsAny(key, " \t") {
			continue
		}
		h[key] = firstWord(value)
	}
	return h
}

// classOf is the class a file is counted under: its "class:" header (the
// mistake of a semantic program, the operator of a mutant), else its
// "bpftrace-0.23:" verdict, else "" (no classes).
func classOf(h map[string]string) string {
	if c := h["class"]; c != "" {
		return c
	}
	return h["bpftrace-0.23"]
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
