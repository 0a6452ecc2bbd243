package main

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

func TestWriteJSONEmpty(t *testing.T) {
	var sb strings.Builder
	if err := writeJSON(&sb, []fileResult{{source.NewFile("a.bt", nil), nil}}); err != nil {
		t.Fatal(err)
	}
	if got := sb.String(); got != "[]\n" {
		t.Errorf("got %q, want %q", got, "[]\n")
	}
}

func TestWriteJSON(t *testing.T) {
	var sb strings.Builder
	if err := writeJSON(&sb, fixtureResults(t)); err != nil {
		t.Fatal(err)
	}

	// The documented field names, all present on every object.
	var raw []map[string]any
	if err := json.Unmarshal([]byte(sb.String()), &raw); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, sb.String())
	}
	wantKeys := []string{"code", "file", "fixes", "message", "range", "related", "severity", "source"}
	for i, obj := range raw {
		if keys := slices.Sorted(maps.Keys(obj)); !slices.Equal(keys, wantKeys) {
			t.Errorf("diagnostic %d has keys %v, want %v", i, keys, wantKeys)
		}
	}

	var got []jsonDiagnostic
	if err := json.Unmarshal([]byte(sb.String()), &got); err != nil {
		t.Fatal(err)
	}
	rng := func(l1, c1, o1, l2, c2, o2 int) jsonRange {
		return jsonRange{jsonPosition{l1, c1, o1}, jsonPosition{l2, c2, o2}}
	}
	begin := rng(1, 1, 0, 1, 6, 5)
	want := []jsonDiagnostic{
		{
			File: "a.bt", Range: begin, Severity: "hint", Code: "", Source: "ken",
			Message: "BEGIN runs once,\nbefore any other probe",
			Related: []jsonRelated{}, Fixes: []jsonFix{},
		},
		{
			File: "a.bt", Range: rng(2, 25, 32, 2, 27, 34), Severity: "warning", Code: "ken/unused-map", Source: "ken",
			Message: "map @x is assigned but never read",
			Related: []jsonRelated{{File: "a.bt", Range: begin, Message: "in this probe"}},
			Fixes: []jsonFix{{Title: "Remove the assignment", Edits: []jsonEdit{
				{Range: rng(2, 24, 31, 2, 31, 38), NewText: ""},
			}}},
		},
		{
			File: "a.bt", Range: rng(2, 31, 38, 2, 31, 38), Severity: "error", Code: "ken/syntax", Source: "ken",
			Message: "expected ';' after the statement",
			Related: []jsonRelated{},
			Fixes:   []jsonFix{{Title: "Insert ';'", Edits: []jsonEdit{{Range: rng(2, 31, 38, 2, 31, 38), NewText: ";"}}}},
		},
		{
			File: "dir/b file.bt", Range: rng(1, 1, 0, 1, 20, 19), Severity: "info", Code: "ken/kprobe-attach", Source: "kernel",
			Message: "kprobes load but cannot attach on this kernel",
			Related: []jsonRelated{}, Fixes: []jsonFix{},
		},
		{
			File: "dir/b file.bt", Range: rng(3, 2, 23, 4, 2, 43), Severity: "error", Code: "ken/syntax", Source: "ken",
			Message: "a multi-line span",
			Related: []jsonRelated{}, Fixes: []jsonFix{},
		},
	}
	if !reflect.DeepEqual(got, want) {
		gotJSON, _ := json.MarshalIndent(got, "", "  ")
		wantJSON, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("got:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
}

func TestWriteJSONInvalidUTF8(t *testing.T) {
	f := source.NewFile("\xffname.bt", []byte("\xff\xfe"))
	ds := []diag.Diagnostic{{Span: source.Span{Start: 1, End: 2}, Message: "bad \xff byte"}}
	var sb strings.Builder
	if err := writeJSON(&sb, []fileResult{{f, ds}}); err != nil {
		t.Fatal(err)
	}
	var got []jsonDiagnostic
	if err := json.Unmarshal([]byte(sb.String()), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, sb.String())
	}
	if len(got) != 1 || got[0].Message != "bad \uFFFD byte" || got[0].Range.Start.Column != 2 {
		t.Errorf("got %+v", got)
	}
}
