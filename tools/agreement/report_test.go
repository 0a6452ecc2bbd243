package main

import (
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5}, 5},
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2 rounds down
		{[]time.Duration{10, 30}, 20},
	}
	for _, tt := range tests {
		in := append([]time.Duration(nil), tt.in...)
		if got := median(in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		for i := range in {
			if in[i] != tt.in[i] {
				t.Errorf("median modified its argument: %v", in)
			}
		}
	}
	if got := summarize([]time.Duration{1, 2, 6}); got != (timing{Median: 2, Mean: 3}) {
		t.Errorf("summarize = %+v", got)
	}
}

func TestFirstError(t *testing.T) {
	out := "WARNING: couldn't set RLIMIT_MEMLOCK\n" +
		"/tmp/ken.X/in.3/a.bt:7:5-9: ERROR: Unknown function: strlen\n" +
		"    x = strlen(y)\n" +
		"/tmp/ken.X/in.3/a.bt:9:1-2: ERROR: second\n"
	want := "/tmp/ken.X/in.3/a.bt:7:5-9: ERROR: Unknown function: strlen"
	if got := firstError(out); got != want {
		t.Errorf("firstError = %q, want %q", got, want)
	}
	if got := firstError("WARNING: only a warning\n"); got != "" {
		t.Errorf("firstError without errors = %q", got)
	}
}

func TestShortenError(t *testing.T) {
	tests := []struct {
		line, file, want string
	}{
		{"/tmp/ken.X/in.3/a.bt:7:5-9: ERROR: m", "corpus/a.bt", "a.bt:7:5-9: ERROR: m"},
		{"a.bt:1-5: ERROR: m", "a.bt", "a.bt:1-5: ERROR: m"},
		{"ERROR: Failed to compile: a.bt: oops", "a.bt", "ERROR: Failed to compile: a.bt: oops"},
		{"ERROR: no location", "a.bt", "ERROR: no location"},
	}
	for _, tt := range tests {
		if got := shortenError(tt.line, tt.file); got != tt.want {
			t.Errorf("shortenError(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func sampleResults() []result {
	return []result{
		{File: "v/1.bt", Class: "ok", BpftraceAccepts: true, KenAccepts: true, BpftraceTime: 40 * time.Millisecond, KenTime: 100 * time.Microsecond},
		{File: "v/2.bt", Class: "ok", BpftraceAccepts: true, KenAccepts: false, BpftraceTime: 60 * time.Millisecond, KenTime: 300 * time.Microsecond,
			KenError: &kenError{Code: "ken/format", Message: "bad verb", Line: 4}},
		{File: "s/3.bt", Class: "format", BpftraceStatus: 1, BpftraceError: "/tmp/x/3.bt:5:2-9: ERROR: printf: too few", KenAccepts: true, BpftraceTime: 50 * time.Millisecond, KenTime: 200 * time.Microsecond},
		{File: "s/4.bt", Class: "format", BpftraceStatus: 1, KenError: &kenError{Code: "ken/format", Message: "m", Line: 5}, BpftraceTime: 50 * time.Millisecond, KenTime: 200 * time.Microsecond},
		{File: "s/5.bt", Class: unlabelled, BpftraceAccepts: true, KenAccepts: true, BpftraceTime: 50 * time.Millisecond, KenTime: 200 * time.Microsecond},
		{File: "s/6.bt", Class: "aggregation", BpftraceStatus: 1, BpftraceError: "x: ERROR: y", BpftraceTime: 50 * time.Millisecond, KenTime: 200 * time.Microsecond,
			KenError: &kenError{Code: "ken/syntax", Message: "z", Line: 1}},
	}
}

func TestTally(t *testing.T) {
	rows, total := tally(sampleResults())
	want := []row{
		{Class: "ok", Files: 2, BothAccept: 1, KenOnly: 1},
		{Class: "aggregation", Files: 1, BothReject: 1},
		{Class: "format", Files: 2, BothReject: 1, BpftraceOnly: 1},
		{Class: unlabelled, Files: 1, BothAccept: 1},
	}
	if len(rows) != len(want) {
		t.Fatalf("tally rows = %+v, want %+v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	if wantTotal := (row{Class: "total", Files: 6, BothAccept: 2, BothReject: 2, KenOnly: 1, BpftraceOnly: 1}); total != wantTotal {
		t.Errorf("total = %+v, want %+v", total, wantTotal)
	}
}

func TestReportPrint(t *testing.T) {
	rep := report{
		Results:  sampleResults(),
		Runs:     20,
		Bpftrace: "bpftrace-0.23 (v0.23.2)",
		Kernel:   "6.18 x86_64 (snapshot.ken)",
		LoadTime: 123456 * time.Microsecond,
		Dialect:  "0.23.2",
	}
	var b strings.Builder
	rep.print(&b)
	out := b.String()
	for _, want := range []string{
		"kernel load time: 123.46ms",
		"class        files  both-accept  both-reject  ken-only-reject  bpftrace-only-reject\n",
		"ok               2            1            0                1                     0\n",
		"format           2            0            1                0                     1\n",
		"total            6            2            2                1                     1\n",
		"agreement: 4/6 (66.7%)",
		"false errors (ken rejects a program bpftrace accepts): 1 of 3 accepted",
		"misses (bpftrace rejects a program ken accepts): 1 of 3 rejected",
		"bpftrace            50ms      50ms\n",
		"ken                200µs     200µs   (median of 20 runs per file)\n",
		"mean(bpftrace)/mean(ken): 250x",
		"disagreements: 2\n",
		"v/2.bt [ok, false error]\n    bpftrace: (accepted)\n    ken:      line 4: bad verb [ken/format]\n",
		"s/3.bt [format, missed]\n    bpftrace: 3.bt:5:2-9: ERROR: printf: too few\n    ken:      (no error)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\nreport:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s/6.bt") {
		t.Errorf("report lists an agreeing file as a disagreement:\n%s", out)
	}
}

func TestErrorLines(t *testing.T) {
	tests := []struct {
		line   string
		lo, hi int
		ok     bool
	}{
		{"/tmp/ken.x/in.3/a.bt:7:3-9: ERROR: Unknown identifier", 7, 7, true},
		{"a.bt:4-6: ERROR: tracepoint not found: x:y", 4, 6, true},
		{"ERROR: Failed to compile: Failed to resolve kernel symbol: nope", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		lo, hi, ok := errorLines(tt.line, "dir/a.bt")
		if lo != tt.lo || hi != tt.hi || ok != tt.ok {
			t.Errorf("errorLines(%q) = %d, %d, %v; want %d, %d, %v", tt.line, lo, hi, ok, tt.lo, tt.hi, tt.ok)
		}
	}
}
