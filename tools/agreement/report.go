package main

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// result is what bpftrace and ken said about one file.
type result struct {
	File  string `json:"file"`
	Class string `json:"class"`

	BpftraceAccepts bool          `json:"bpftrace_accepts"`
	BpftraceStatus  int           `json:"bpftrace_exit_status"` // -1: did not finish
	BpftraceTime    time.Duration `json:"bpftrace_ns"`
	BpftraceError   string        `json:"bpftrace_error,omitempty"` // first ERROR line

	KenAccepts bool          `json:"ken_accepts"`
	KenTime    time.Duration `json:"ken_median_ns"` // median over the runs
	KenError   *kenError     `json:"ken_error,omitempty"`
}

// kenError is ken's first error-severity diagnostic in a file.
type kenError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line"` // 1-based
}

func (e *kenError) String() string {
	if e == nil {
		return "(no error)"
	}
	return fmt.Sprintf("line %d: %s [%s]", e.Line, e.Message, e.Code)
}

// agrees reports whether both tools gave the same verdict.
func (r *result) agrees() bool { return r.BpftraceAccepts == r.KenAccepts }

// row is one line of the confusion table.
type row struct {
	Class        string
	Files        int
	BothAccept   int
	BothReject   int
	KenOnly      int // ken rejects, bpftrace accepts: a false error
	BpftraceOnly int // bpftrace rejects, ken accepts: a miss
}

func (r *row) add(res *result) {
	r.Files++
	switch {
	case res.BpftraceAccepts && res.KenAccepts:
		r.BothAccept++
	case !res.BpftraceAccepts && !res.KenAccepts:
		r.BothReject++
	case res.BpftraceAccepts:
		r.KenOnly++
	default:
		r.BpftraceOnly++
	}
}

// classRank orders the verdict classes of valid programs first and
// unlabelled files last; mistake classes sort by name in between.
func classRank(class string) int {
	switch class {
	case "ok":
		return 0
	case "parse-only":
		return 1
	case "newer":
		return 2
	case unlabelled:
		return 4
	}
	return 3
}

// tally groups results by class into table rows, in classRank order, and
// returns the total row separately.
func tally(results []result) (rows []row, total row) {
	byClass := map[string]*row{}
	for i := range results {
		res := &results[i]
		r := byClass[res.Class]
		if r == nil {
			r = &row{Class: res.Class}
			byClass[res.Class] = r
		}
		r.add(res)
		total.add(res)
	}
	total.Class = "total"
	for _, r := range byClass {
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(classRank(a.Class), classRank(b.Class)), cmp.Compare(a.Class, b.Class))
	})
	return rows, total
}

// timing summarises per-file durations.
type timing struct {
	Median, Mean time.Duration
}

func summarize(ds []time.Duration) timing {
	if len(ds) == 0 {
		return timing{}
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return timing{Median: median(ds), Mean: sum / time.Duration(len(ds))}
}

// median returns the middle value of ds, or the mean of the two middle
// values when there is an even number; ds is not modified.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// report is everything printed after the runs.
type report struct {
	Results  []result
	Runs     int           // ken repetitions per file
	Bpftrace string        // command and version, for the heading
	Kernel   string        // description of the kernel ken was given
	LoadTime time.Duration // time to load that kernel
	Dialect  string
}

// print writes the summary, the confusion table, timings and every
// disagreement to w.
func (rep *report) print(w io.Writer) {
	fmt.Fprintf(w, "bpftrace: %s\n", rep.Bpftrace)
	fmt.Fprintf(w, "ken:      dialect %s, kernel %s\n", rep.Dialect, rep.Kernel)
	fmt.Fprintf(w, "kernel load time: %s\n", round(rep.LoadTime))
	fmt.Fprintf(w, "files: %d\n\n", len(rep.Results))

	rows, total := tally(rep.Results)
	width := len("class")
	for _, r := range rows {
		width = max(width, len(r.Class))
	}
	header := []string{"files", "both-accept", "both-reject", "ken-only-reject", "bpftrace-only-reject"}
	fmt.Fprintf(w, "%-*s", width, "class")
	for _, h := range header {
		fmt.Fprintf(w, "  %s", h)
	}
	fmt.Fprintln(w)
	line := func(r row) {
		fmt.Fprintf(w, "%-*s", width, r.Class)
		for i, n := range []int{r.Files, r.BothAccept, r.BothReject, r.KenOnly, r.BpftraceOnly} {
			fmt.Fprintf(w, "  %*d", len(header[i]), n)
		}
		fmt.Fprintln(w)
	}
	for _, r := range rows {
		line(r)
	}
	line(total)
	fmt.Fprintln(w)

	agree := total.BothAccept + total.BothReject
	fmt.Fprintf(w, "agreement: %d/%d (%s)\n", agree, total.Files, percent(agree, total.Files))
	fmt.Fprintf(w, "false errors (ken rejects a program bpftrace accepts): %d of %d accepted\n",
		total.KenOnly, total.BothAccept+total.KenOnly)
	fmt.Fprintf(w, "misses (bpftrace rejects a program ken accepts): %d of %d rejected\n",
		total.BpftraceOnly, total.BothReject+total.BpftraceOnly)
	same, located := sameErrorLine(rep.Results)
	fmt.Fprintf(w, "first error on bpftrace's line: %d of %d rejected by both with a located bpftrace error (%s)\n",
		same, located, percent(same, located))

	var bt, kt []time.Duration
	for _, r := range rep.Results {
		bt = append(bt, r.BpftraceTime)
		kt = append(kt, r.KenTime)
	}
	b, k := summarize(bt), summarize(kt)
	fmt.Fprintf(w, "\ntime per file     median      mean\n")
	fmt.Fprintf(w, "bpftrace       %9s %9s\n", round(b.Median), round(b.Mean))
	fmt.Fprintf(w, "ken            %9s %9s   (median of %d runs per file)\n", round(k.Median), round(k.Mean), rep.Runs)
	if k.Mean > 0 {
		fmt.Fprintf(w, "mean(bpftrace)/mean(ken): %.0fx\n", float64(b.Mean)/float64(k.Mean))
	}

	var dis []result
	for _, r := range rep.Results {
		if !r.agrees() {
			dis = append(dis, r)
		}
	}
	fmt.Fprintf(w, "\ndisagreements: %d\n", len(dis))
	for _, r := range dis {
		kind := "missed"
		if r.BpftraceAccepts {
			kind = "false error"
		}
		fmt.Fprintf(w, "%s [%s, %s]\n", r.File, r.Class, kind)
		bpf := "(accepted)"
		if !r.BpftraceAccepts {
			bpf = cmp.Or(shortenError(r.BpftraceError, r.File), fmt.Sprintf("(exit status %d, no ERROR line)", r.BpftraceStatus))
		}
		fmt.Fprintf(w, "    bpftrace: %s\n", bpf)
		fmt.Fprintf(w, "    ken:      %s\n", r.KenError)
	}
}

// sameErrorLine counts the files both tools reject where bpftrace's first
// error names a line, and among them those where ken's first error is on
// that line (or within the range bpftrace gives for an attach point).
func sameErrorLine(results []result) (same, located int) {
	for _, r := range results {
		if r.BpftraceAccepts || r.KenAccepts || r.KenError == nil {
			continue
		}
		lo, hi, ok := errorLines(r.BpftraceError, r.File)
		if !ok {
			continue
		}
		located++
		if lo <= r.KenError.Line && r.KenError.Line <= hi {
			same++
		}
	}
	return same, located
}

// errorLines reads the line, or the line range, of a bpftrace error:
// "a.bt:7:3-9: ERROR" is line 7, "a.bt:4-6: ERROR" lines 4 to 6.
func errorLines(line, file string) (lo, hi int, ok bool) {
	rest, found := strings.CutPrefix(shortenError(line, file), filepath.Base(file)+":")
	if !found {
		return 0, 0, false
	}
	loc, _, _ := strings.Cut(rest, ":")
	from, to, isRange := strings.Cut(loc, "-")
	lo, err := strconv.Atoi(from)
	if err != nil {
		return 0, 0, false
	}
	hi = lo
	if isRange {
		if hi, err = strconv.Atoi(to); err != nil {
			return 0, 0, false
		}
	}
	return lo, hi, true
}

// firstError returns the first line of bpftrace's output that reports an
// ERROR, trimmed, or "".
func firstError(output string) string {
	for line := range strings.Lines(output) {
		if strings.Contains(line, "ERROR:") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// shortenError drops the directory bpftrace (or a wrapper that copied the
// file) put before the file's base name, so that "/tmp/x/in.3/a.bt:3:1:
// ERROR: m" reads "a.bt:3:1: ERROR: m".
func shortenError(line, file string) string {
	base := filepath.Base(file) + ":"
	if i := strings.Index(line, base); i > 0 && !strings.Contains(line[:i], "ERROR:") {
		return line[i:]
	}
	return line
}

func percent(n, of int) string {
	if of == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

// round shortens a duration for display to about three significant digits.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond)
	}
	return d
}
