package eval

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// parse parses src and fails the test on a syntax error.
func parse(t testing.TB, name, src string) *syntax.File {
	t.Helper()
	f, ds := syntax.Parse(source.NewFile(name, []byte(src)))
	for _, d := range ds {
		t.Errorf("%s: syntax error at %d: %s", name, d.Span.Start, d.Message)
	}
	return f
}

// load returns the prompts or fails the test.
func load(t testing.TB) []Prompt {
	t.Helper()
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestLoad(t *testing.T) {
	ps := load(t)
	if len(ps) < 40 {
		t.Errorf("%d prompts, want at least 40", len(ps))
	}
	perCategory := map[string]int{}
	for _, p := range ps {
		perCategory[p.Category]++
	}
	for _, c := range Categories {
		if perCategory[c] < 5 {
			t.Errorf("category %s has %d prompts, want at least 5", c, perCategory[c])
		}
	}
	t.Logf("%d prompts: %v", len(ps), perCategory)
}

func TestEveryPromptHasOneSolution(t *testing.T) {
	ps := load(t)
	ids := map[string]bool{}
	for _, p := range ps {
		ids[p.ID] = true
		if _, err := Solution(p.ID); err != nil {
			t.Error(err)
		}
	}
	entries, err := fs.ReadDir(solutions, "solutions")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if id := strings.TrimSuffix(e.Name(), ".bt"); !ids[id] {
			t.Errorf("solutions/%s belongs to no prompt", e.Name())
		}
	}
	if _, err := Solution("no-such-prompt"); !errors.Is(err, ErrNoSolution) {
		t.Errorf("Solution(no-such-prompt) = %v, want ErrNoSolution", err)
	}
	if _, err := Solution("../prompts.json"); !errors.Is(err, ErrNoSolution) {
		t.Errorf("Solution(../prompts.json) = %v, want ErrNoSolution", err)
	}
}

func TestSolutionsMeetTheirExpectations(t *testing.T) {
	for _, p := range load(t) {
		t.Run(p.ID, func(t *testing.T) {
			src, err := Solution(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			f := parse(t, p.ID+".bt", src)
			for _, m := range p.Expect.Check(f, []byte(src)) {
				t.Errorf("%s", m)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	const good = `{"id": "a-b", "prompt": "Count.", "category": "memory", "expect": {"aggregations": [["count"]]}}`
	wrap := func(prompts ...string) string {
		return `{"format": "ken-eval/1", "prompts": [` + strings.Join(prompts, ",") + `]}`
	}
	withExpect := func(expect string) string {
		return wrap(`{"id": "x", "prompt": "p", "category": "memory", "expect": ` + expect + `}`)
	}
	tests := []struct {
		name, data, want string
	}{
		{"the minimal file is valid", wrap(good), ""},
		{"wrong format", `{"format": "ken-eval/2", "prompts": [` + good + `]}`, `format is "ken-eval/2"`},
		{"no prompts", wrap(), "no prompts"},
		{"unknown top-level field", `{"format": "ken-eval/1", "extra": 1, "prompts": [` + good + `]}`, `unknown field "extra"`},
		{"unknown prompt field", wrap(`{"id": "x", "prompt": "p", "category": "memory", "level": 2, "expect": {"units": "ms"}}`), `unknown field "level"`},
		{"unknown expectation", withExpect(`{"units": "ms", "latency": true}`), `unknown field "latency"`},
		{"trailing text", wrap(good) + ` {}`, "text after"},
		{"duplicate id", wrap(good, good), `duplicate id "a-b"`},
		{"id not a slug", wrap(`{"id": "A b", "prompt": "p", "category": "memory", "expect": {"units": "ms"}}`), "not a slug"},
		{"unknown category", wrap(`{"id": "x", "prompt": "p", "category": "gpu", "expect": {"units": "ms"}}`), `category "gpu"`},
		{"empty prompt", wrap(`{"id": "x", "prompt": " ", "category": "memory", "expect": {"units": "ms"}}`), "empty prompt"},
		{"empty expect", withExpect(`{}`), "expect is empty"},
		{"false byte order only", withExpect(`{"byte_order": false}`), "expect is empty"},
		{"empty group", withExpect(`{"outputs": [["pid"], []]}`), "outputs: group 2 is empty"},
		{"unknown provider", withExpect(`{"probes": [["kprobe:tcp_connect", "kprob:tcp_connect"]]}`), `unknown provider "kprob"`},
		{"empty pattern part", withExpect(`{"probes": [["tracepoint::sched_switch"]]}`), "empty part"},
		{"atom with spaces", withExpect(`{"keys": [["comm name"]]}`), "not an atom"},
		{"unterminated string atom", withExpect(`{"filters": [["\"bash"]]}`), "not a quoted string"},
		{"bad integer atom", withExpect(`{"filters": [["10xs"]]}`), "not an integer"},
		{"unknown aggregation", withExpect(`{"aggregations": [["median"]]}`), `"median" is not one of`},
		{"unknown unit", withExpect(`{"units": "minutes"}`), `"minutes" is not one of`},
		{"negative interval", withExpect(`{"interval": -1}`), "not a period"},
		{"sub-nanosecond interval", withExpect(`{"interval": 1e-12}`), "not a period"},
		{"bad forbid atom", withExpect(`{"forbid": ["sys tem"]}`), "forbid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode([]byte(tt.data))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("no error, want one containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q does not contain %q", err, tt.want)
			case tt.want != "" && !errors.Is(err, ErrInvalid):
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	e := Expect{Probes: [][]string{{"BEGIN"}}, ByteOrder: true, Interval: 1}
	if got, want := e.Kinds(), []string{KindProbes, KindByteOrder, KindInterval}; !slices.Equal(got, want) {
		t.Errorf("Kinds() = %v, want %v", got, want)
	}
}
