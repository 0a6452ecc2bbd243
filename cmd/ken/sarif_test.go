package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestWriteSARIFGolden compares the SARIF log of the fixture with
// testdata/check.sarif; run "go test ./cmd/ken -run SARIF -update" to
// regenerate it after an intended change.
func TestWriteSARIFGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := writeSARIF(&buf, fixtureResults(t), "v0.0.0-test"); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "check.sarif")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		var diff strings.Builder
		writeUnifiedDiff(&diff, golden, want, "got", buf.Bytes())
		t.Errorf("SARIF output differs from %s (run with -update if intended):\n%s", golden, diff.String())
	}
	validateSARIF(t, buf.Bytes())
}

func TestWriteSARIFFields(t *testing.T) {
	var buf bytes.Buffer
	if err := writeSARIF(&buf, fixtureResults(t), "v1.2.3"); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if d := run.Tool.Driver; d.Name != "ken" || d.Version != "v1.2.3" || d.InformationURI == "" {
		t.Errorf("driver = %+v", d)
	}
	var rules []string
	for _, r := range run.Tool.Driver.Rules {
		rules = append(rules, r.ID)
	}
	if want := []string{"ken/kprobe-attach", "ken/syntax", "ken/unused-map"}; !slices.Equal(rules, want) {
		t.Errorf("rules = %v, want %v", rules, want)
	}
	if run.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind = %q", run.ColumnKind)
	}
	if len(run.Results) != 5 {
		t.Fatalf("got %d results, want 5", len(run.Results))
	}

	hint, warning, errorRes := run.Results[0], run.Results[1], run.Results[2]
	if hint.Level != "note" || hint.RuleID != "" || hint.RuleIndex != nil {
		t.Errorf("hint result = %+v", hint)
	}
	if warning.Level != "warning" || warning.RuleID != "ken/unused-map" || *warning.RuleIndex != 2 {
		t.Errorf("warning result = %+v", warning)
	}
	if errorRes.Level != "error" || errorRes.RuleID != "ken/syntax" || *errorRes.RuleIndex != 1 {
		t.Errorf("error result = %+v", errorRes)
	}

	// "@x" follows "\tprintf("héllo 😀"); ": 24 bytes, 20 code points, 21
	// UTF-16 code units, so its UTF-16 column is 22 (its byte column is 25).
	loc := warning.Locations[0].PhysicalLocation
	if want := (sarifRegion{StartLine: 2, StartColumn: 22, EndLine: 2, EndColumn: 24}); loc.Region != want {
		t.Errorf("region of @x = %+v, want %+v", loc.Region, want)
	}
	if loc.ArtifactLocation != (sarifArtifactLocation{URI: "a.bt", URIBaseID: "%SRCROOT%"}) {
		t.Errorf("artifact = %+v", loc.ArtifactLocation)
	}
	if len(warning.RelatedLocations) != 1 || warning.RelatedLocations[0].Message.Text != "in this probe" ||
		warning.RelatedLocations[0].PhysicalLocation.Region != (sarifRegion{1, 1, 1, 6}) {
		t.Errorf("related = %+v", warning.RelatedLocations)
	}

	// The insertion fix of the error: an empty region, then ";".
	fix := errorRes.Fixes[0]
	rep := fix.ArtifactChanges[0].Replacements[0]
	if fix.Description.Text != "Insert ';'" || rep.DeletedRegion != (sarifRegion{2, 28, 2, 28}) || rep.InsertedContent.Text != ";" {
		t.Errorf("fix = %+v", fix)
	}
	// The deletion fix of the warning has no inserted content.
	if rep := warning.Fixes[0].ArtifactChanges[0].Replacements[0]; rep.InsertedContent != nil || rep.DeletedRegion != (sarifRegion{2, 21, 2, 28}) {
		t.Errorf("deletion = %+v", rep)
	}

	multi := run.Results[4].Locations[0].PhysicalLocation
	if multi.Region != (sarifRegion{3, 2, 4, 2}) || multi.ArtifactLocation.URI != "dir/b%20file.bt" {
		t.Errorf("multi-line location = %+v", multi)
	}
}

func TestSARIFArtifact(t *testing.T) {
	tests := []struct {
		name string
		want sarifArtifactLocation
	}{
		{"a.bt", sarifArtifactLocation{"a.bt", "%SRCROOT%"}},
		{"./x/../a.bt", sarifArtifactLocation{"./x/../a.bt", "%SRCROOT%"}},
		{"dir/sub file.bt", sarifArtifactLocation{"dir/sub%20file.bt", "%SRCROOT%"}},
		{"100%.bt", sarifArtifactLocation{"100%25.bt", "%SRCROOT%"}},
		{"c:d.bt", sarifArtifactLocation{"./c:d.bt", "%SRCROOT%"}},
		{"/tmp/a b.bt", sarifArtifactLocation{"file:///tmp/a%20b.bt", ""}},
		{"<stdin>", sarifArtifactLocation{"%3Cstdin%3E", ""}},
	}
	for _, tt := range tests {
		if got := newSARIFArtifact(tt.name); got != tt.want {
			t.Errorf("newSARIFArtifact(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestWriteSARIFEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := writeSARIF(&buf, nil, "v0"); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	if !strings.Contains(buf.String(), `"results": []`) || !strings.Contains(buf.String(), `"rules": []`) {
		t.Errorf("empty log should have empty results and rules:\n%s", buf.String())
	}
}

// validateSARIF checks the properties that SARIF 2.1.0 requires of what
// ken writes, on the decoded JSON rather than on ken's own types.
func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if log["version"] != "2.1.0" || log["$schema"] != "https://json.schemastore.org/sarif-2.1.0.json" {
		t.Errorf("version %v, $schema %v", log["version"], log["$schema"])
	}
	runs, _ := log["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("want exactly one run, got %d", len(runs))
	}
	run := runs[0].(map[string]any)
	driver, _ := dig(run, "tool", "driver").(map[string]any)
	if name, _ := driver["name"].(string); name == "" {
		t.Errorf("tool.driver.name missing")
	}
	var ruleIDs []string
	rules, _ := driver["rules"].([]any)
	for _, r := range rules {
		id, _ := r.(map[string]any)["id"].(string)
		if id == "" {
			t.Errorf("rule without id: %v", r)
		}
		ruleIDs = append(ruleIDs, id)
	}
	if run["columnKind"] != nil && run["columnKind"] != "utf16CodeUnits" && run["columnKind"] != "unicodeCodePoints" {
		t.Errorf("bad columnKind %v", run["columnKind"])
	}
	results, ok := run["results"].([]any)
	if !ok {
		t.Fatalf("run.results missing")
	}
	checkRegion := func(where string, r any) {
		region, ok := r.(map[string]any)
		if !ok {
			t.Errorf("%s: region missing", where)
			return
		}
		get := func(k string) float64 { v, _ := region[k].(float64); return v }
		if get("startLine") < 1 || get("startColumn") < 1 || get("endLine") < get("startLine") ||
			get("endColumn") < 1 || (get("endLine") == get("startLine") && get("endColumn") < get("startColumn")) {
			t.Errorf("%s: bad region %v", where, region)
		}
	}
	checkLocation := func(where string, l any) {
		loc, _ := l.(map[string]any)
		if uri, _ := dig(loc, "physicalLocation", "artifactLocation", "uri").(string); uri == "" {
			t.Errorf("%s: no artifactLocation.uri", where)
		}
		checkRegion(where, dig(loc, "physicalLocation", "region"))
	}
	for i, r := range results {
		res := r.(map[string]any)
		if text, _ := dig(res, "message", "text").(string); text == "" {
			t.Errorf("result %d: message.text missing", i)
		}
		switch res["level"] {
		case "error", "warning", "note", "none":
		default:
			t.Errorf("result %d: bad level %v", i, res["level"])
		}
		if id, ok := res["ruleId"].(string); ok {
			idx, _ := res["ruleIndex"].(float64)
			if int(idx) >= len(ruleIDs) || ruleIDs[int(idx)] != id {
				t.Errorf("result %d: ruleIndex %v does not name rule %q", i, res["ruleIndex"], id)
			}
		}
		locs, _ := res["locations"].([]any)
		if len(locs) == 0 {
			t.Errorf("result %d: no locations", i)
		}
		for _, l := range locs {
			checkLocation("location", l)
		}
		rel, _ := res["relatedLocations"].([]any)
		for _, l := range rel {
			checkLocation("related location", l)
		}
		fixes, _ := res["fixes"].([]any)
		for _, f := range fixes {
			changes, _ := f.(map[string]any)["artifactChanges"].([]any)
			if len(changes) == 0 {
				t.Errorf("result %d: fix without artifactChanges", i)
			}
			for _, c := range changes {
				reps, _ := c.(map[string]any)["replacements"].([]any)
				if len(reps) == 0 {
					t.Errorf("result %d: artifactChange without replacements", i)
				}
				for _, rep := range reps {
					checkRegion("deletedRegion", rep.(map[string]any)["deletedRegion"])
				}
			}
		}
	}
}

// dig follows keys through nested JSON objects and returns nil when a key
// is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
