package main

import (
	"math"
	"slices"
	"time"

	"github.com/kenlsp/ken/pipeline"
)

// stageNames are the stages' names in this report, in pipeline order;
// pipelineNames are the same stages as pipeline.Stage names them.
var (
	stageNames    = []string{"parse+semantic", "symbolic", "bpftrace", "kernel"}
	pipelineNames = []string{pipeline.StageSemantic, pipeline.StageSymbolic, pipeline.StageBpftrace, pipeline.StageKernel}
)

// none is the first finder of a file no stage flags.
const none = "none"

// StageResult is one stage on one file: what pipeline.Check did with it,
// and the stage's own verdict, taken whatever the earlier stages said.
type StageResult struct {
	Name string `json:"name"`
	// Ran, Elapsed and Skip are from pipeline.Check: whether the stage
	// ran, its median time over the runs when it did, why not when not.
	Ran     bool          `json:"ran"`
	Elapsed time.Duration `json:"elapsed_ns,omitempty"`
	Skip    string        `json:"skip,omitempty"`
	// Judged is true when the stage gave a verdict on the file on its
	// own; Flagged when that verdict is a problem. Why is the first
	// problem when flagged, why there is no verdict when not judged.
	Judged  bool   `json:"judged"`
	Flagged bool   `json:"flagged"`
	Why     string `json:"why,omitempty"`
}

// FileResult is every stage's result on one file.
type FileResult struct {
	File  string `json:"file"`
	Class string `json:"class,omitempty"`
	// Stages are in pipeline order, one per stageNames.
	Stages []StageResult `json:"stages"`
	// First is the name of the first stage that flags the file, none when
	// no stage does.
	First string `json:"first"`
	// Disagreement is how ken's analysis and bpftrace disagree on the
	// file (compile.Compare), "" when they agree or bpftrace gave no
	// verdict.
	Disagreement string `json:"disagreement,omitempty"`
}

// firstFinder returns the name of the first stage in stages that flags
// the file, or none.
func firstFinder(stages []StageResult) string {
	for _, s := range stages {
		if s.Flagged {
			return s.Name
		}
	}
	return none
}

// Timing summarises one stage's time over the files where pipeline.Check
// ran it. Percentiles are nearest-rank; all are zero when it never ran.
type Timing struct {
	Ran     int            `json:"ran"`
	Skipped map[string]int `json:"skipped,omitempty"` // files per reason
	P50     time.Duration  `json:"p50_ns"`
	P95     time.Duration  `json:"p95_ns"`
	Max     time.Duration  `json:"max_ns"`
	Mean    time.Duration  `json:"mean_ns"`
}

// Findings counts one stage's verdicts, each taken on its own.
type Findings struct {
	Judged  int `json:"judged"`
	Flagged int `json:"flagged"`
	// New counts the files it flags that no earlier stage flags: the
	// files whose first finder it is.
	New int `json:"new"`
	// Accepts counts the files some earlier stage flags that this stage
	// judged and accepts.
	Accepts   int            `json:"accepts"`
	NotJudged map[string]int `json:"not_judged,omitempty"` // files per reason
}

// StageSummary is one stage's figures over a set of files.
type StageSummary struct {
	Name string `json:"name"`
	Timing
	Findings
}

// Summary is the figures over a set of files.
type Summary struct {
	Files  int            `json:"files"`
	Stages []StageSummary `json:"stages"`
	// First counts files per first finder (a stage name or none);
	// ByClass does the same per class.
	First   map[string]int            `json:"first"`
	ByClass map[string]map[string]int `json:"by_class,omitempty"`
}

// summarize computes the figures over files.
func summarize(files []FileResult) Summary {
	s := Summary{Files: len(files), First: map[string]int{}, ByClass: map[string]map[string]int{}}
	for i, name := range stageNames {
		s.Stages = append(s.Stages, StageSummary{Name: name, Timing: timing(files, i), Findings: findings(files, i)})
	}
	for _, f := range files {
		s.First[f.First]++
		if s.ByClass[f.Class] == nil {
			s.ByClass[f.Class] = map[string]int{}
		}
		s.ByClass[f.Class][f.First]++
	}
	return s
}

// timing summarises stage i's time over the files where it ran.
func timing(files []FileResult, i int) Timing {
	t := Timing{Skipped: map[string]int{}}
	var times []time.Duration
	for _, f := range files {
		st := f.Stages[i]
		if !st.Ran {
			t.Skipped[st.Skip]++
			continue
		}
		times = append(times, st.Elapsed)
	}
	t.Ran = len(times)
	if t.Ran == 0 {
		return t
	}
	slices.Sort(times)
	t.P50, t.P95, t.Max = percentile(times, 50), percentile(times, 95), times[len(times)-1]
	t.Mean = sum(times) / time.Duration(len(times))
	return t
}

// findings counts stage i's verdicts against the earlier stages'.
func findings(files []FileResult, i int) Findings {
	n := Findings{NotJudged: map[string]int{}}
	for _, f := range files {
		st := f.Stages[i]
		if !st.Judged {
			n.NotJudged[st.Why]++
			continue
		}
		n.Judged++
		earlier := flaggedBefore(f.Stages, i)
		switch {
		case st.Flagged && !earlier:
			n.Flagged++
			n.New++
		case st.Flagged:
			n.Flagged++
		case earlier:
			n.Accepts++
		}
	}
	return n
}

// flaggedBefore reports whether a stage before stage i flags the file.
func flaggedBefore(stages []StageResult, i int) bool {
	return slices.ContainsFunc(stages[:i], func(s StageResult) bool { return s.Flagged })
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, which must not be empty: the smallest value that at least p% of
// the values do not exceed.
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// median returns the lower median of ds, 0 when it is empty; ds is not
// changed.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(ds))
	return percentile(sorted, 50)
}

func sum(ds []time.Duration) time.Duration {
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	return total
}
