package compile

import (
	"path/filepath"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
)

// FuzzParse feeds arbitrary programs and bpftrace output to the parser,
// seeded with the captured outputs: it must never panic, and every span
// must lie inside the program.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.txtar"))
	for _, path := range paths {
		a := readArchive(f, path)
		f.Add(a.sections["prog.bt"], a.sections["output"], 1)
	}
	f.Add("BEGIN {\n\t@x = 1;\n}\n", "prog.bt:2:2-4: ERROR: x\n    @x = 1;\n    ~~\nHINT: y\n  z\n", 1)
	f.Add("", "prog.bt:0:0-0: ERROR: \nprog.bt:1-0: WARNING: \n~\n", 0)
	f.Fuzz(func(t *testing.T, prog, output string, status int) {
		file := source.NewFile("/src/prog.bt", []byte(prog))
		checkSpans(t, file, Parse(file, "/tmp/x/prog.bt", []byte(output)))
		ds, first := verdict(file, "/tmp/x/prog.bt", []byte(output), status%3, "")
		checkSpans(t, file, ds)
		if first < 0 || first > file.LineCount() {
			t.Errorf("first error line %d outside the %d-line file", first, file.LineCount())
		}
	})
}
