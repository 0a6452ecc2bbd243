package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// report is everything the benchmark found, as printed and as written
// to -json.
type report struct {
	Bpftrace      string         `json:"bpftrace"`
	Version       string         `json:"bpftrace_version"`
	BpftraceNote  string         `json:"bpftrace_note,omitempty"` // why bpftrace cannot run here, if it cannot
	Dialect       string         `json:"dialect"`
	Kernel        string         `json:"kernel"`         // the kernel ken's analysis checks against
	RunningKernel string         `json:"running_kernel"` // the kernel whose verifier loads
	Root          bool           `json:"root"`
	Runs          int            `json:"runs"`
	Workers       int            `json:"workers"`
	WarmUp        time.Duration  `json:"warm_up_ns"`
	Corpora       []corpusReport `json:"corpora"`
	All           Summary        `json:"all"`
}

// corpusReport is one corpus's summary and files.
type corpusReport struct {
	Name    string       `json:"name"`
	Dir     string       `json:"dir"`
	Summary Summary      `json:"summary"`
	Files   []FileResult `json:"files"`
}

// reasonWidth is how much of a skip reason the text report shows.
const reasonWidth = 110

func (r *report) print(w io.Writer, list int) {
	fmt.Fprintf(w, "stagebench: bpftrace %q (%s), dialect %s; ken's kernel: %s\n", r.Bpftrace, r.Version, r.Dialect, r.Kernel)
	who := "root"
	if !r.Root {
		who = "not root: the kernel stage cannot load programs"
	}
	fmt.Fprintf(w, "kernel verifier: running kernel %s (%s)\n", r.RunningKernel, who)
	if r.BpftraceNote != "" {
		fmt.Fprintf(w, "bpftrace: %s\n", r.BpftraceNote)
	}
	fmt.Fprintf(w, "runs per file: %d (median time kept); workers: %d; warm-up %s (not counted)\n", r.Runs, r.Workers, duration(r.WarmUp))
	for _, c := range r.Corpora {
		fmt.Fprintf(w, "\n== %s (%s): %d files%s\n", c.Name, c.Dir, c.Summary.Files, classCounts(c.Summary))
		c.Summary.print(w)
		c.Summary.printByClass(w)
		printLists(w, c.Files, list)
	}
	if len(r.Corpora) > 1 {
		fmt.Fprintf(w, "\n== all corpora: %d files\n", r.All.Files)
		r.All.print(w)
	}
}

// classCounts lists a corpus's classes with their files, "" when it has
// none.
func classCounts(s Summary) string {
	if len(s.ByClass) < 2 {
		return ""
	}
	var parts []string
	for _, class := range slices.Sorted(maps.Keys(s.ByClass)) {
		parts = append(parts, fmt.Sprintf("%d %s", sumValues(s.ByClass[class]), cmp.Or(class, "unlabelled")))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func (s Summary) print(w io.Writer) {
	s.printTiming(w)
	s.printFindings(w)
}

func (s Summary) printTiming(w io.Writer) {
	fmt.Fprintf(w, "time per stage (pipeline.Check, over the files where the stage ran):\n")
	fmt.Fprintf(w, "  %-15s %5s %8s %9s %9s %9s %9s\n", "stage", "ran", "skipped", "p50", "p95", "max", "mean")
	for _, st := range s.Stages {
		t := st.Timing
		fmt.Fprintf(w, "  %-15s %5d %8d %9s %9s %9s %9s\n", st.Name, t.Ran, sumValues(t.Skipped),
			duration(t.P50), duration(t.P95), duration(t.Max), duration(t.Mean))
	}
	for _, st := range s.Stages {
		printReasons(w, "skipped", st.Name, st.Skipped)
	}
}

func (s Summary) printFindings(w io.Writer) {
	fmt.Fprintf(w, "findings (each stage judges every file it can, whatever the earlier stages said;\n"+
		"  new = flagged by no earlier stage, accepts = flagged by an earlier stage, accepted here):\n")
	fmt.Fprintf(w, "  %-15s %7s %6s %5s %8s %10s\n", "stage", "judged", "flags", "new", "accepts", "not judged")
	for i, st := range s.Stages {
		accepts := "-" // no earlier stage, or only analysis, whose flagged files the verifier skips
		if i > 1 {
			accepts = fmt.Sprint(st.Accepts)
		}
		fmt.Fprintf(w, "  %-15s %7d %6d %5d %8s %10d\n", st.Name, st.Judged, st.Flagged, st.New, accepts, sumValues(st.NotJudged))
	}
	for _, st := range s.Stages {
		printReasons(w, "not judged", st.Name, st.NotJudged)
	}
	var parts []string
	for _, name := range append(slices.Clone(stageNames), none) {
		parts = append(parts, fmt.Sprintf("%s %d", name, s.First[name]))
	}
	fmt.Fprintf(w, "first finder: %s\n", strings.Join(parts, ", "))
}

// printByClass tabulates the first finders per class, when there are
// several classes.
func (s Summary) printByClass(w io.Writer) {
	if len(s.ByClass) < 2 {
		return
	}
	cols := append(slices.Clone(stageNames), none)
	fmt.Fprintf(w, "first finder by class:\n  %-20s %5s", "class", "files")
	for _, c := range cols {
		fmt.Fprintf(w, " %*s", len(c), c)
	}
	fmt.Fprintln(w)
	for _, class := range slices.Sorted(maps.Keys(s.ByClass)) {
		counts := s.ByClass[class]
		fmt.Fprintf(w, "  %-20s %5d", cmp.Or(class, "unlabelled"), sumValues(counts))
		for _, c := range cols {
			fmt.Fprintf(w, " %*d", len(c), counts[c])
		}
		fmt.Fprintln(w)
	}
}

// printReasons lists the files per reason, most frequent first.
func printReasons(w io.Writer, what, stage string, reasons map[string]int) {
	keys := slices.SortedFunc(maps.Keys(reasons), func(a, b string) int {
		return cmp.Or(cmp.Compare(reasons[b], reasons[a]), cmp.Compare(a, b))
	})
	for _, why := range keys {
		fmt.Fprintf(w, "  %s %s: %d × %s\n", what, stage, reasons[why], clip(cmp.Or(why, "no reason given"), reasonWidth))
	}
}

// printLists lists, at most list of each, the files on which analysis
// and bpftrace disagree and those each later stage is first to flag.
func printLists(w io.Writer, files []FileResult, list int) {
	var dis []string
	for _, f := range files {
		if f.Disagreement != "" {
			dis = append(dis, f.File+": "+f.Disagreement)
		}
	}
	printList(w, "files on which ken's analysis and bpftrace disagree", dis, list)
	for i, name := range stageNames[1:] {
		var found []string
		for _, f := range files {
			if f.First == name {
				found = append(found, f.File+": "+f.Stages[i+1].Why)
			}
		}
		printList(w, "files first flagged by "+name, found, list)
	}
}

func printList(w io.Writer, title string, lines []string, list int) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "%s (%d):\n", title, len(lines))
	for _, l := range lines[:min(len(lines), list)] {
		fmt.Fprintf(w, "  %s\n", l)
	}
	if len(lines) > list {
		fmt.Fprintf(w, "  ... and %d more (see -json)\n", len(lines)-list)
	}
}

// duration formats a time with three significant digits, "-" for none.
func duration(d time.Duration) string {
	d = round3(d)
	switch {
	case d <= 0:
		return "-"
	case d >= time.Second:
		return sig3(d.Seconds()) + "s"
	case d >= time.Millisecond:
		return sig3(float64(d)/float64(time.Millisecond)) + "ms"
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d)
	}
	return sig3(float64(d)/float64(time.Microsecond)) + "µs"
}

// round3 rounds d to three significant digits.
func round3(d time.Duration) time.Duration {
	unit := time.Duration(1)
	for d/unit >= 1000 {
		unit *= 10
	}
	return d.Round(unit)
}

// sig3 formats v, from 1 on, with three significant digits and no
// exponent (more digits from 1000 on).
func sig3(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
