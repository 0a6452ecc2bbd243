package main

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/kenlsp/ken/analysis/source"
)

// The JSON output format. Its fields are documented in doc.go and are part
// of ken's stable interface: add fields, never rename or remove them.
type (
	jsonDiagnostic struct {
		File     string        `json:"file"`
		Range    jsonRange     `json:"range"`
		Severity string        `json:"severity"`
		Code     string        `json:"code"`
		Source   string        `json:"source"`
		Message  string        `json:"message"`
		Related  []jsonRelated `json:"related"`
		Fixes    []jsonFix     `json:"fixes"`
	}
	jsonRange struct {
		Start jsonPosition `json:"start"`
		End   jsonPosition `json:"end"`
	}
	// jsonPosition has a 1-based line, a 1-based byte column and a 0-based
	// byte offset.
	jsonPosition struct {
		Line   int `json:"line"`
		Column int `json:"column"`
		Offset int `json:"offset"`
	}
	jsonRelated struct {
		File    string    `json:"file"`
		Range   jsonRange `json:"range"`
		Message string    `json:"message"`
	}
	jsonFix struct {
		Title string     `json:"title"`
		Edits []jsonEdit `json:"edits"`
	}
	jsonEdit struct {
		Range   jsonRange `json:"range"`
		NewText string    `json:"newText"`
	}
)

// writeJSON prints results as one indented JSON array of diagnostics, in the
// order given; it prints [] when there are none. Strings that are not valid
// UTF-8 have the invalid bytes replaced by U+FFFD.
func writeJSON(w io.Writer, results []fileResult) error {
	out := []jsonDiagnostic{}
	for _, r := range results {
		f := r.File
		for _, d := range r.Diagnostics {
			jd := jsonDiagnostic{
				File:     f.Name,
				Range:    newJSONRange(f, d.Span),
				Severity: d.Severity.String(),
				Code:     d.Code,
				Source:   d.Source,
				Message:  d.Message,
				Related:  []jsonRelated{},
				Fixes:    []jsonFix{},
			}
			for _, rel := range d.Related {
				jd.Related = append(jd.Related, jsonRelated{File: f.Name, Range: newJSONRange(f, rel.Span), Message: rel.Message})
			}
			for _, fix := range d.Fixes {
				jf := jsonFix{Title: fix.Title, Edits: []jsonEdit{}}
				for _, e := range fix.Edits {
					jf.Edits = append(jf.Edits, jsonEdit{Range: newJSONRange(f, e.Span), NewText: e.NewText})
				}
				jd.Fixes = append(jd.Fixes, jf)
			}
			out = append(out, jd)
		}
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	return bw.Flush()
}

func newJSONRange(f *source.File, s source.Span) jsonRange {
	return jsonRange{Start: newJSONPosition(f, s.Start), End: newJSONPosition(f, s.End)}
}

func newJSONPosition(f *source.File, offset int) jsonPosition {
	offset = clampOffset(f, offset)
	p := f.Position(offset)
	return jsonPosition{Line: p.Line, Column: p.Column, Offset: offset}
}
