package eval

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
)

// Format is the value of the "format" field of prompts.json.
const Format = "ken-eval/1"

// Categories are the areas a prompt may belong to.
var Categories = []string{
	"observability", "networking", "storage", "scheduling",
	"memory", "security", "syscalls", "filesystem",
}

// ErrInvalid is wrapped by every error about the content of prompts.json.
var ErrInvalid = errors.New("invalid evaluation set")

// ErrNoSolution is wrapped by Solution when a prompt has no reference
// solution.
var ErrNoSolution = errors.New("no reference solution")

// Prompt is one evaluation task: an English request and what a program
// must do to satisfy it.
type Prompt struct {
	// ID is a unique slug (lowercase words joined by '-'); the reference
	// solution is solutions/<ID>.bt.
	ID string `json:"id"`
	// Prompt is the request as a person would type it.
	Prompt string `json:"prompt"`
	// Category is one of Categories.
	Category string `json:"category"`
	// Expect is what a program must do; Load guarantees it is not empty.
	Expect Expect `json:"expect"`
}

// Expect is the machine-checkable expectations of a prompt. Each field is
// one kind of check (see README.md for the exact semantics); a zero field
// checks nothing. A group is a list of alternatives of which at least one
// must be met; every group of a field must be met.
type Expect struct {
	// Probes are groups of attach-point patterns: each group must match an
	// attach point of the program.
	Probes [][]string `json:"probes,omitempty"`
	// Outputs are groups of atoms that must reach what the program prints:
	// printf and print arguments, and the keys and values of printed maps.
	Outputs [][]string `json:"outputs,omitempty"`
	// Filters are groups of atoms that must appear in a predicate or an if
	// condition.
	Filters [][]string `json:"filters,omitempty"`
	// Keys are groups of atoms that must appear in a key of a printed map.
	Keys [][]string `json:"keys,omitempty"`
	// Aggregations are groups of aggregation functions (count, sum, avg,
	// min, max, stats, hist, lhist) of which one must fill a map.
	Aggregations [][]string `json:"aggregations,omitempty"`
	// ByteOrder requires every network-order field that reaches an output,
	// a printed map or a condition to be converted to host order.
	ByteOrder bool `json:"byte_order,omitempty"`
	// Units is the unit ("ns", "us", "ms" or "s") every reported time
	// delta must be in; at least one must be reported.
	Units string `json:"units,omitempty"`
	// Interval is the period in seconds of an interval probe that must
	// print something.
	Interval float64 `json:"interval,omitempty"`
	// Forbid are atoms the program must not use anywhere (field names
	// after . or -> excepted).
	Forbid []string `json:"forbid,omitempty"`
}

// Miss is one unmet expectation.
type Miss struct {
	// Kind is the expectation's JSON field name, such as "probes" or
	// "byte_order".
	Kind string
	// Message is a sentence saying what is missing.
	Message string
}

// String returns "kind: message".
func (m Miss) String() string { return m.Kind + ": " + m.Message }

// Kinds of expectation, as in the JSON field names and Miss.Kind.
const (
	KindProbes       = "probes"
	KindOutputs      = "outputs"
	KindFilters      = "filters"
	KindKeys         = "keys"
	KindAggregations = "aggregations"
	KindByteOrder    = "byte_order"
	KindUnits        = "units"
	KindInterval     = "interval"
	KindForbid       = "forbid"
)

// Kinds returns the kinds of expectation e sets, in the order of the
// fields of Expect.
func (e Expect) Kinds() []string {
	var ks []string
	add := func(set bool, k string) {
		if set {
			ks = append(ks, k)
		}
	}
	add(len(e.Probes) > 0, KindProbes)
	add(len(e.Outputs) > 0, KindOutputs)
	add(len(e.Filters) > 0, KindFilters)
	add(len(e.Keys) > 0, KindKeys)
	add(len(e.Aggregations) > 0, KindAggregations)
	add(e.ByteOrder, KindByteOrder)
	add(e.Units != "", KindUnits)
	add(e.Interval != 0, KindInterval)
	add(len(e.Forbid) > 0, KindForbid)
	return ks
}

//go:embed prompts.json
var promptsJSON []byte

//go:embed solutions/*.bt
var solutions embed.FS

// Load returns the embedded prompts in file order, validated: known fields
// only, unique slug ids, known categories, and non-empty, well-formed
// expectations.
func Load() ([]Prompt, error) { return decode(promptsJSON) }

// Solution returns the text of the reference solution of the prompt id.
func Solution(id string) (string, error) {
	if !slugPattern.MatchString(id) {
		return "", fmt.Errorf("%w: %q is not a prompt id", ErrNoSolution, id)
	}
	data, err := solutions.ReadFile("solutions/" + id + ".bt")
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w for %q", ErrNoSolution, id)
	}
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// file is the top level of prompts.json.
type file struct {
	Format  string   `json:"format"`
	Prompts []Prompt `json:"prompts"`
}

// decode parses and validates the text of a prompts file.
func decode(data []byte) ([]Prompt, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: text after the top-level object", ErrInvalid)
	}
	if f.Format != Format {
		return nil, fmt.Errorf("%w: format is %q, want %q", ErrInvalid, f.Format, Format)
	}
	if len(f.Prompts) == 0 {
		return nil, fmt.Errorf("%w: no prompts", ErrInvalid)
	}
	seen := make(map[string]bool)
	for i, p := range f.Prompts {
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("%w: prompt %d (%q): %v", ErrInvalid, i+1, p.ID, err)
		}
		if seen[p.ID] {
			return nil, fmt.Errorf("%w: prompt %d: duplicate id %q", ErrInvalid, i+1, p.ID)
		}
		seen[p.ID] = true
	}
	return f.Prompts, nil
}
