package main

import "testing"

func TestClassOf(t *testing.T) {
	tests := []struct{ text, want string }{
		{"// p\n// bpftrace-0.23: ok\nBEGIN {}\n", "ok"},
		{"// p\n// bpftrace-0.23: error\n// class: unknown-field\n// error: x\n", "unknown-field"},
		{"// mutant: flip-comparison: a.bt line 3: x\n// class: flip-comparison\n// verifier: flagged: a: b\n", "flip-comparison"},
		{"#!/usr/bin/env bpftrace\n// bpftrace-0.23: newer (needs 0.24)\n", "newer"},
		// Headers end at the first line of code.
		{"BEGIN {}\n// class: late\n", ""},
		// The first of a key counts.
		{"// class: a\n// class: b\n", "a"},
		{"// prompt: Trace opens: who and where.\n// category: files\n", ""},
	}
	for _, tt := range tests {
		if got := classOf(headers([]byte(tt.text))); got != tt.want {
			t.Errorf("classOf(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if _, ok := headers([]byte("// mutant: drop-bswap: x\n"))["mutant"]; !ok {
		t.Error("no mutant header")
	}
}

func TestReadMutants(t *testing.T) {
	dir := writeCorpus(t, map[string]string{
		"a.bt": "// mutant: x: a.bt line 1: y\n// class: x\nBEGIN {}\n",
		"b.bt": "// bpftrace-0.23: ok\nBEGIN {}\n",
	})
	progs, err := corpus{Name: "mutants", Dir: dir, Mutants: true}.read()
	if err != nil || len(progs) != 1 || progs[0].Class != "x" {
		t.Fatalf("read = %+v, %v; want a.bt alone, of class x", progs, err)
	}
	if progs, err := (corpus{Name: "valid", Dir: dir}).read(); err != nil || len(progs) != 2 {
		t.Fatalf("read = %+v, %v; want both files", progs, err)
	}
}
