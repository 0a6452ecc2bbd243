package dialect

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// corpusDir holds ken's shared corpus of valid programs. Each starts with a
// header saying what bpftrace 0.23 makes of it: ok (accepted), parse-only
// (parsed, then rejected for reasons such as a kernel function this machine
// lacks) or newer (uses something 0.23 lacks).
const corpusDir = "../testdata/valid"

var corpusHeader = regexp.MustCompile(`(?m)^// bpftrace-0\.23: (ok|parse-only|newer)\s*$`)

// semanticOnly lists the newer corpus files whose only difference from 0.23
// is a builtin 0.23 lacks; the catalog and the semantic stage report those.
var semanticOnly = map[string]string{
	"119-kfunc-kretfunc-open.bt": "is_err() is a 0.26 builtin",
	"130-string-index-stdlib.bt": "syscall_name(), pcomm and usermode are 0.24/0.25 builtins",
}

// removedInNewest lists the corpus files that bpftrace 0.26 rejects, with
// the feature it no longer has.
var removedInNewest = map[string]Feature{
	"047-integer-literals.bt":    FeatureUppercaseIntSuffix,
	"137-cpu-affinity-bitmap.bt": FeatureUppercaseIntSuffix,
}

type corpusFile struct {
	name, header, path string
}

func corpus(t *testing.T) []corpusFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.bt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus in %s: %v", corpusDir, err)
	}
	var files []corpusFile
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m := corpusHeader.FindSubmatch(text)
		if m == nil {
			t.Fatalf("%s: no '// bpftrace-0.23: ...' header", p)
		}
		files = append(files, corpusFile{name: filepath.Base(p), header: string(m[1]), path: p})
	}
	return files
}

// TestCorpus checks the corpus under 0.23, where exactly the newer files
// must get findings, and under Newest, where none may except the files
// using forms 0.26 dropped.
func TestCorpus(t *testing.T) {
	for _, cf := range corpus(t) {
		text, _ := os.ReadFile(cf.path)
		file, sf := parse(t, cf.name, string(text))

		found := check(file, sf, V(0, 23))
		switch {
		case cf.header != "newer" && len(found) > 0:
			t.Errorf("%s (%s): unexpected findings under 0.23:\n%s", cf.name, cf.header, describe(diagsOf(found)))
		case cf.header == "newer" && semanticOnly[cf.name] != "":
			if len(found) > 0 {
				t.Errorf("%s: expected no syntax findings (%s), got:\n%s", cf.name, semanticOnly[cf.name], describe(diagsOf(found)))
			}
		case cf.header == "newer" && len(found) == 0:
			t.Errorf("%s: newer than 0.23, but no finding", cf.name)
		case cf.header == "newer":
			first := Check(file, sf, V(0, 23))[0]
			line := sf.Line(first.Span.Start) + 1
			t.Logf("%s:%d: %q: %s", cf.name, line, sf.Text[first.Span.Start:first.Span.End], first.Message)
		}

		got := reported(check(file, sf, Newest))
		var want []Feature
		if f, ok := removedInNewest[cf.name]; ok {
			want = []Feature{f}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: under %s reported %v, want %v", cf.name, Newest, got, want)
		}
	}
}
