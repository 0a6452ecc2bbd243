package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
)

// SARIF 2.1.0 constants.
const (
	sarifSchema     = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion    = "2.1.0"
	sarifColumnKind = "utf16CodeUnits" // the SARIF default, stated outright
	sarifSrcRoot    = "%SRCROOT%"      // base of relative artifact URIs
	kenInfoURI      = "https://github.com/kenlsp/ken"
)

// The subset of the SARIF 2.1.0 object model that ken writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID string `json:"id"`
	}
	sarifResult struct {
		RuleID           string          `json:"ruleId,omitempty"`
		RuleIndex        *int            `json:"ruleIndex,omitempty"`
		Level            string          `json:"level"`
		Message          sarifMessage    `json:"message"`
		Locations        []sarifLocation `json:"locations"`
		RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
		Fixes            []sarifFix      `json:"fixes,omitempty"`
		Properties       *sarifProps     `json:"properties,omitempty"`
	}
	sarifProps struct {
		Source string `json:"source"` // the pipeline stage that found it
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifLocation struct {
		ID               *int                  `json:"id,omitempty"`
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
		Message          *sarifMessage         `json:"message,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	// sarifRegion has 1-based lines and 1-based UTF-16 columns; EndColumn
	// is the column just after the region, so an empty region has
	// EndColumn == StartColumn.
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
	sarifFix struct {
		Description     sarifMessage          `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Replacements     []sarifReplacement    `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifRegion   `json:"deletedRegion"`
		InsertedContent *sarifMessage `json:"insertedContent,omitempty"`
	}
)

// writeSARIF prints results as a SARIF 2.1.0 log with one run of the tool
// "ken" at the given version. The driver's rules are the diagnostic codes
// that occur, sorted; results keep the order given.
func writeSARIF(w io.Writer, results []fileResult, version string) error {
	var codes []string
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if d.Code != "" {
				codes = append(codes, d.Code)
			}
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "ken",
			Version:        version,
			InformationURI: kenInfoURI,
			Rules:          []sarifRule{},
		}},
		ColumnKind: sarifColumnKind,
		Results:    []sarifResult{},
	}
	for _, code := range codes {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: code})
	}
	for _, r := range results {
		artifact := newSARIFArtifact(r.File.Name)
		for _, d := range r.Diagnostics {
			run.Results = append(run.Results, newSARIFResult(r.File, artifact, d, codes))
		}
	}

	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
	if err := enc.Encode(log); err != nil {
		return err
	}
	return bw.Flush()
}

func newSARIFResult(f *source.File, artifact sarifArtifactLocation, d diag.Diagnostic, codes []string) sarifResult {
	res := sarifResult{
		Level:   sarifLevel(d.Severity),
		Message: sarifMessage{Text: d.Message},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifact, Region: newSARIFRegion(f, d.Span)},
		}},
	}
	if d.Code != "" {
		i, _ := slices.BinarySearch(codes, d.Code)
		res.RuleID, res.RuleIndex = d.Code, &i
	}
	if d.Source != "" {
		res.Properties = &sarifProps{Source: d.Source}
	}
	for i, rel := range d.Related {
		res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
			ID:               &i,
			PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifact, Region: newSARIFRegion(f, rel.Span)},
			Message:          &sarifMessage{Text: rel.Message},
		})
	}
	for _, fix := range d.Fixes {
		change := sarifArtifactChange{ArtifactLocation: artifact, Replacements: []sarifReplacement{}}
		for _, e := range fix.Edits {
			rep := sarifReplacement{DeletedRegion: newSARIFRegion(f, e.Span)}
			if e.NewText != "" {
				rep.InsertedContent = &sarifMessage{Text: e.NewText}
			}
			change.Replacements = append(change.Replacements, rep)
		}
		res.Fixes = append(res.Fixes, sarifFix{
			Description:     sarifMessage{Text: fix.Title},
			ArtifactChanges: []sarifArtifactChange{change},
		})
	}
	return res
}

// sarifLevel maps a severity to a SARIF level; SARIF has no level below
// "note", so hints are notes too.
func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// newSARIFRegion converts a byte span into lines and UTF-16 columns.
func newSARIFRegion(f *source.File, s source.Span) sarifRegion {
	start, end := clampOffset(f, s.Start), clampOffset(f, s.End)
	end = max(start, end)
	return sarifRegion{
		StartLine:   f.Line(start) + 1,
		StartColumn: f.UTF16Column(start) + 1,
		EndLine:     f.Line(end) + 1,
		EndColumn:   f.UTF16Column(end) + 1,
	}
}

// newSARIFArtifact turns a file name into an artifact location: a relative
// URI reference against %SRCROOT% for a relative name (with forward slashes
// and percent-escapes), a file URI for an absolute name, and an escaped
// "<stdin>" for standard input.
func newSARIFArtifact(name string) sarifArtifactLocation {
	if name == stdinName {
		return sarifArtifactLocation{URI: (&url.URL{Path: name}).String()}
	}
	p := filepath.ToSlash(name)
	if filepath.IsAbs(name) {
		if p[0] != '/' {
			p = "/" + p // a Windows volume: file:///C:/x
		}
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	return sarifArtifactLocation{URI: (&url.URL{Path: p}).String(), URIBaseID: sarifSrcRoot}
}
