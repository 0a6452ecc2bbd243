package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kenlsp/ken/internal/benchtool"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"semantic", "// Count opens.\n// bpftrace-0.23: error\n// class: unknown-field\n// error: x\nBEGIN {}\n", "unknown-field"},
		{"valid ok", "// Count opens.\n// bpftrace-0.23: ok\nBEGIN {}\n", "ok"},
		{"parse-only with reason", "// p\n// bpftrace-0.23: parse-only\n// reason: needs fentry\nBEGIN {}\n", "parse-only"},
		{"newer", "// p\n// bpftrace-0.23: newer\nBEGIN {}\n", "newer"},
		{"class wins over verdict", "// bpftrace-0.23: error\n// class: format\n", "format"},
		{"trailing words ignored", "// bpftrace-0.23: ok (checked)\n", "ok"},
		{"shebang after comments", "// p\n#!/usr/bin/env bpftrace\n// class: type\n", "type"},
		{"no header", "BEGIN { exit(); }\n", unlabelled},
		{"empty", "", unlabelled},
		{"class after code is not a header", "// p\nBEGIN {}\n// class: type\n", unlabelled},
		{"empty class value", "// class:\n// bpftrace-0.23: ok\n", "ok"},
		{"first class counts", "// class: type\n// class: format\n", "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classOf([]byte(tt.text)); got != tt.want {
				t.Errorf("classOf = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCollectFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.bt", "a.bt", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(dir, "a.bt"), filepath.Join(dir, "b.bt")

	got, err := benchtool.CollectFiles([]string{dir, a})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{a, b}; !slices.Equal(got, want) {
		t.Errorf("collectFiles = %q, want %q", got, want)
	}

	if _, err := benchtool.CollectFiles([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("collectFiles of a missing path: no error")
	}
	empty := t.TempDir()
	if _, err := benchtool.CollectFiles([]string{empty}); err == nil {
		t.Error("collectFiles of a directory without .bt files: no error")
	}
}
