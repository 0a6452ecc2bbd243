package main

import (
	"cmp"
	"slices"

	"github.com/kenlsp/ken/symbex"
)

// finding is a refuted or unknown obligation as mutants and originals are
// compared: by code and claim, not by position, since a mutation moves
// text.
type finding struct {
	Code    string `json:"code"`
	Claim   string `json:"claim"`
	Verdict string `json:"verdict"`
}

// findings returns the refuted and unknown obligations of a report,
// sorted.
func findings(rep *symbex.Report) []finding {
	var out []finding
	for _, o := range rep.Obligations {
		if o.Verdict == symbex.Refuted || o.Verdict == symbex.Unknown {
			out = append(out, finding{Code: o.Code, Claim: o.Claim, Verdict: o.Verdict.String()})
		}
	}
	slices.SortFunc(out, compareFindings)
	return out
}

func compareFindings(a, b finding) int {
	return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Claim, b.Claim), cmp.Compare(a.Verdict, b.Verdict))
}

// added returns the findings of mutant that original does not have, as
// multisets of code and claim: a finding the original has twice is
// forgiven twice, not more.
func added(original, mutant []finding) []finding {
	have := map[[2]string]int{}
	for _, f := range original {
		have[[2]string{f.Code, f.Claim}]++
	}
	var out []finding
	for _, f := range mutant {
		k := [2]string{f.Code, f.Claim}
		if have[k] > 0 {
			have[k]--
			continue
		}
		out = append(out, f)
	}
	return out
}
