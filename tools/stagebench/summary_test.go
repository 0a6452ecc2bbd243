package main

import (
	"maps"
	"strings"
	"testing"
	"time"
)

// stage abbreviates a StageResult in the tables below: "" is a stage that
// neither ran in the pipeline nor judged; otherwise letters say what
// happened: r ran in the pipeline, j judged, f flagged.
func stage(name, what string, ms int) StageResult {
	s := StageResult{Name: name, Ran: strings.Contains(what, "r"),
		Judged: strings.Contains(what, "j"), Flagged: strings.Contains(what, "f")}
	if s.Ran {
		s.Elapsed = time.Duration(ms) * time.Millisecond
	} else {
		s.Skip = "an earlier stage found errors"
	}
	if !s.Judged {
		s.Why = "not judged"
	}
	return s
}

// file makes a FileResult from the four stages' letters, in pipeline
// order, each stage taking ms milliseconds when it ran.
func file(class string, ms int, what ...string) FileResult {
	f := FileResult{File: class + ".bt", Class: class}
	for i, w := range what {
		f.Stages = append(f.Stages, stage(stageNames[i], w, ms))
	}
	f.First = firstFinder(f.Stages)
	return f
}

func TestFirstFinder(t *testing.T) {
	tests := []struct {
		what []string
		want string
	}{
		{[]string{"rj", "rj", "rj", "rj"}, none},
		{[]string{"rjf", "", "jf", ""}, "parse+semantic"},
		{[]string{"rj", "rjf", "rj", "rjf"}, "symbolic"},
		{[]string{"rj", "rj", "rjf", ""}, "bpftrace"},
		{[]string{"rj", "rj", "rj", "rjf"}, "kernel"},
		// A stage that did not judge cannot be the first finder, even when
		// a later one flags the file.
		{[]string{"rjf", "", "j", "jf"}, "parse+semantic"},
	}
	for _, tt := range tests {
		if got := file("c", 1, tt.what...).First; got != tt.want {
			t.Errorf("%q: first finder %q, want %q", tt.what, got, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var ds []time.Duration
		for _, n := range ns {
			ds = append(ds, time.Duration(n)*time.Millisecond)
		}
		return ds
	}
	tests := []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 95, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20), 95, 19 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21), 95, 20 * time.Millisecond},
		{ms(1, 2, 3), 100, 3 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
		}
	}
	unsorted := ms(9, 1, 5, 3)
	if got := median(unsorted); got != 3*time.Millisecond {
		t.Errorf("median = %v, want 3ms", got)
	}
	if unsorted[0] != 9*time.Millisecond {
		t.Errorf("median sorted its argument: %v", unsorted)
	}
	if got := median(nil); got != 0 {
		t.Errorf("median(nil) = %v", got)
	}
}

func TestSummarize(t *testing.T) {
	files := []FileResult{
		// ken rejects; bpftrace agrees, the kernel has no ELF.
		file("semantic", 1, "rjf", "", "jf", ""),
		// ken rejects a file bpftrace compiles and the kernel loads: a
		// false error, which both later stages accept.
		file("ok", 2, "rjf", "", "j", "j"),
		// Only bpftrace rejects it.
		file("ok", 3, "rj", "rj", "rjf", ""),
		// Only the kernel rejects it.
		file("ok", 4, "rj", "rj", "rj", "rjf"),
		// The verifier refutes something; bpftrace and the kernel accept.
		file("mutant", 5, "rj", "rjf", "rj", "rj"),
		// Every stage accepts it.
		file("ok", 6, "rj", "rj", "rj", "rj"),
	}
	s := summarize(files)
	if s.Files != 6 {
		t.Errorf("files = %d", s.Files)
	}
	// judged, flagged, new, accepts
	want := [][4]int{{6, 2, 2, 0}, {4, 1, 1, 0}, {6, 2, 1, 2}, {4, 1, 1, 2}}
	wantRan := []int{6, 4, 4, 3}
	for i, st := range s.Stages {
		got := [4]int{st.Judged, st.Flagged, st.New, st.Accepts}
		if got != want[i] || sumValues(st.NotJudged) != 6-want[i][0] {
			t.Errorf("%s: judged, flagged, new, accepts = %v, not judged %v; want %v", st.Name, got, st.NotJudged, want[i])
		}
		if st.Ran != wantRan[i] || sumValues(st.Skipped) != 6-wantRan[i] {
			t.Errorf("%s: ran %d, skipped %v; want ran %d", st.Name, st.Ran, st.Skipped, wantRan[i])
		}
	}
	if k := s.Stages[3].Timing; k.P50 != 5*time.Millisecond || k.Max != 6*time.Millisecond || k.Mean != 5*time.Millisecond || k.P95 != 6*time.Millisecond {
		t.Errorf("kernel timing %+v, want p50 5ms, p95 6ms, max 6ms, mean 5ms", k)
	}
	wantFirst := map[string]int{"parse+semantic": 2, "symbolic": 1, "bpftrace": 1, "kernel": 1, none: 1}
	if !maps.Equal(s.First, wantFirst) {
		t.Errorf("first finders %v, want %v", s.First, wantFirst)
	}
	if ok := s.ByClass["ok"]; ok["parse+semantic"] != 1 || ok["bpftrace"] != 1 || ok["kernel"] != 1 || ok[none] != 1 {
		t.Errorf("first finders of class ok: %v", ok)
	}
}

func TestTimingNeverRan(t *testing.T) {
	s := summarize([]FileResult{file("c", 1, "rjf", "", "jf", "")})
	if k := s.Stages[3].Timing; k.Ran != 0 || k.P50 != 0 || k.Skipped["an earlier stage found errors"] != 1 {
		t.Errorf("kernel timing %+v", k)
	}
}

func TestDuration(t *testing.T) {
	tests := map[time.Duration]string{
		0:                        "-",
		1500 * time.Nanosecond:   "1.50µs",
		999600 * time.Nanosecond: "1.00ms",
		999 * time.Nanosecond:    "999ns",
		12340 * time.Microsecond: "12.3ms",
		135 * time.Millisecond:   "135ms",
		2630 * time.Millisecond:  "2.63s",
	}
	for d, want := range tests {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}
