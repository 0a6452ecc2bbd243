package eval

import (
	"slices"
	"testing"

	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// FuzzCheck runs every prompt's expectations, and one that sets every
// kind, over arbitrary text: Check must not panic, and every miss must
// have a known kind and a message.
func FuzzCheck(f *testing.F) {
	ps, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	all := Expect{
		Probes: [][]string{{"kprobe:*"}}, Outputs: [][]string{{"pid"}}, Filters: [][]string{{`"bash"`}},
		Keys: [][]string{{"comm"}}, Aggregations: [][]string{{"hist"}}, ByteOrder: true,
		Units: "us", Interval: 1, Forbid: []string{"system"},
	}
	expects := []Expect{all}
	for _, p := range ps {
		expects = append(expects, p.Expect)
		src, err := Solution(p.ID)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add("k:f { $a = $b; $b = $a; @m[@m[$a]] = @m[$b] - $a / 0; print(@m); } interval:hz:0 { }")
	f.Add("kprobe:f /@x/ { @x = @x - nsecs; printf(\"%d\", @x / 1000); if @x { delete(@x) } }")
	f.Fuzz(func(t *testing.T, text string) {
		file, _ := syntax.Parse(source.NewFile("fuzz.bt", []byte(text)))
		for _, e := range expects {
			for _, m := range e.Check(file, []byte(text)) {
				if !slices.Contains(e.Kinds(), m.Kind) || m.Message == "" {
					t.Fatalf("bad miss %+v", m)
				}
			}
		}
	})
}
