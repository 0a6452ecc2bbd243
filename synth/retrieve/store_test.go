package retrieve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "store.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

func mustAdd(t *testing.T, s *Store, d Doc) Doc {
	t.Helper()
	got, err := s.Add(d)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestStoreMissingFileIsEmpty(t *testing.T) {
	s, path := openTemp(t)
	if n := len(s.Docs()); n != 0 {
		t.Errorf("%d docs in a new store", n)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open created the file: %v", err)
	}
}

func TestStoreAddPersists(t *testing.T) {
	s, path := openTemp(t)
	before := time.Now().UTC().Add(-time.Second)
	got := mustAdd(t, s, Doc{Prompt: "  Count TCP connects  ", Program: "kprobe:tcp_connect { @ = count(); }"})
	if got.Prompt != "Count TCP connects" || got.Origin != OriginLearned || !strings.HasPrefix(got.ID, "learned-") || got.Added.Before(before) {
		t.Errorf("stored doc %+v: want a trimmed prompt, origin, ID and time filled in", got)
	}
	mustAdd(t, s, Doc{ID: "mine", Prompt: "Count page faults", Program: "software:page-faults:1 { @ = count(); }"})

	re, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(re.Docs(), s.Docs(), docEqual) || len(re.Docs()) != 2 {
		t.Errorf("reopened docs\n%+v\nwant\n%+v", re.Docs(), s.Docs())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"version": "ken-store/1"`) {
		t.Errorf("file has no version:\n%s", data)
	}
	// Atomic writes leave no temporary files behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only store.json", len(entries))
	}
}

func TestStoreAddRejectsEmpty(t *testing.T) {
	s, _ := openTemp(t)
	for _, d := range []Doc{{Prompt: "x"}, {Program: "BEGIN {}"}, {Prompt: " ", Program: "BEGIN {}"}, {Prompt: "x", Program: "\n\t"}} {
		if _, err := s.Add(d); !errors.Is(err, ErrEmptyDoc) {
			t.Errorf("Add(%+v) = %v, want ErrEmptyDoc", d, err)
		}
	}
}

func TestStoreDedupe(t *testing.T) {
	s, _ := openTemp(t)
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	first := mustAdd(t, s, Doc{Prompt: "Count TCP connects", Program: "kprobe:tcp_connect { @ = count(); }", Added: old})
	again := mustAdd(t, s, Doc{Prompt: "count  tcp connects", Program: "kprobe:tcp_connect {\n\t@ = count();\n}\n"})
	if n := len(s.Docs()); n != 1 {
		t.Fatalf("%d docs after adding a duplicate, want 1", n)
	}
	if again.ID != first.ID || !again.Added.After(old) {
		t.Errorf("duplicate add returned %+v; want the stored doc (ID %s) with a refreshed time", again, first.ID)
	}
	// A different program is a different doc.
	mustAdd(t, s, Doc{Prompt: "Count TCP connects", Program: "kprobe:tcp_v4_connect { @ = count(); }"})
	if n := len(s.Docs()); n != 2 {
		t.Errorf("%d docs, want 2", n)
	}
}

func TestStoreCap(t *testing.T) {
	s, path := openTemp(t)
	s.SetMaxDocs(3)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mustAdd(t, s, Doc{ID: "ds", Origin: OriginDataset, Prompt: "dataset doc", Program: "BEGIN { exit(); }", Added: base})
	for i := range 5 {
		mustAdd(t, s, Doc{ID: fmt.Sprintf("l%d", i), Prompt: fmt.Sprintf("learned %d", i), Program: "BEGIN { exit(); }", Added: base.Add(time.Duration(i+1) * time.Hour)})
	}
	if got := idsOf(s.Docs()); got != "ds,l3,l4" {
		t.Errorf("kept %s, want ds,l3,l4 (the dataset doc and the newest learned)", got)
	}
	re, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(re.Docs()); got != "ds,l3,l4" {
		t.Errorf("reopened %s", got)
	}
}

func TestStoreReset(t *testing.T) {
	s, path := openTemp(t)
	mustAdd(t, s, Doc{Prompt: "p", Program: "BEGIN {}"})
	if err := s.SaveEmbeddings(map[string][]float32{"k": {1, 2}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file still there after Reset: %v", err)
	}
	if _, ok := s.Embedding("k"); len(s.Docs()) != 0 || ok {
		t.Error("store not empty after Reset")
	}
	if err := s.Reset(); err != nil {
		t.Errorf("Reset of a missing file: %v", err)
	}
	mustAdd(t, s, Doc{Prompt: "q", Program: "BEGIN {}"})
	if n := len(s.Docs()); n != 1 {
		t.Errorf("%d docs after Reset and Add", n)
	}
}

func TestStoreUnreadableFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    error
	}{
		{"not json", "{\"version\": \"ken-store/1\", \"docs\": [", ErrCorrupt},
		{"garbage", "\x00\x01binary", ErrCorrupt},
		{"trailing data", `{"version": "ken-store/1", "docs": []} {}`, ErrCorrupt},
		{"wrong types", `{"version": "ken-store/1", "docs": {"a": 1}}`, ErrCorrupt},
		{"doc without program", `{"version": "ken-store/1", "docs": [{"id": "x", "prompt": "p"}]}`, ErrCorrupt},
		{"bad vector", `{"version": "ken-store/1", "docs": [], "embeddings": [{"key": "k", "vector": "AAA"}]}`, ErrCorrupt},
		{"unknown version", `{"version": "ken-store/9", "docs": []}`, ErrUnknownVersion},
		{"no version", `{"docs": []}`, ErrUnknownVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "store.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			var oe *OpenError
			if !errors.As(err, &oe) || !errors.Is(err, tt.want) {
				t.Fatalf("Open = %v, want an *OpenError wrapping %v", err, tt.want)
			}
			if s == nil || len(s.Docs()) != 0 {
				t.Fatal("want a usable empty store alongside the error")
			}
			// Nothing is lost: the file was moved aside, byte for byte.
			moved, rerr := os.ReadFile(oe.MovedTo)
			if rerr != nil || string(moved) != tt.content || !strings.HasPrefix(oe.MovedTo, path+".corrupt-") {
				t.Errorf("moved to %q (%v), content %q", oe.MovedTo, rerr, moved)
			}
			if !strings.Contains(err.Error(), oe.MovedTo) {
				t.Errorf("error %q does not say where the file went", err)
			}
			mustAdd(t, s, Doc{Prompt: "p", Program: "BEGIN {}"})
			if re, err := Open(path); err != nil || len(re.Docs()) != 1 {
				t.Errorf("after carrying on: reopen = %v, %v", re, err)
			}
		})
	}
}

func TestStoreAddFindsCorruptFile(t *testing.T) {
	s, path := openTemp(t)
	mustAdd(t, s, Doc{Prompt: "p", Program: "BEGIN {}"})
	if err := os.WriteFile(path, []byte("oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(Doc{Prompt: "q", Program: "BEGIN {}"}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Add over a corrupt file = %v, want ErrCorrupt", err)
	}
	// The next Add starts a new file.
	mustAdd(t, s, Doc{Prompt: "r", Program: "BEGIN {}"})
	if got := len(s.Docs()); got != 1 {
		t.Errorf("%d docs, want 1", got)
	}
}

func TestStoreSeesOtherWriters(t *testing.T) {
	// Two Stores on one file stand for two ken processes: each write
	// re-reads the file, so neither undoes the other.
	a, path := openTemp(t)
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, a, Doc{ID: "from-a", Prompt: "a", Program: "BEGIN {}"})
	mustAdd(t, b, Doc{ID: "from-b", Prompt: "b", Program: "BEGIN {}"})
	mustAdd(t, a, Doc{ID: "from-a2", Prompt: "a2", Program: "BEGIN {}"})
	if got := idsOf(a.Docs()); got != "from-a,from-b,from-a2" {
		t.Errorf("docs %s", got)
	}
	if err := b.Reset(); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, a, Doc{ID: "after-reset", Prompt: "c", Program: "BEGIN {}"})
	if got := idsOf(a.Docs()); got != "after-reset" {
		t.Errorf("docs after another process reset: %s", got)
	}
}

func TestStoreConcurrentAdds(t *testing.T) {
	s, path := openTemp(t)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := range 5 {
				if _, err := s.Add(Doc{Prompt: fmt.Sprintf("prompt %d/%d", g, i), Program: "BEGIN {}"}); err != nil {
					t.Error(err)
				}
				_ = s.Docs()
			}
		})
	}
	wg.Wait()
	re, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(re.Docs()); n != 30 {
		t.Errorf("%d docs after 30 concurrent adds", n)
	}
}

func TestStoreEmbeddings(t *testing.T) {
	s, path := openTemp(t)
	v := []float32{0.25, -1, 3.5e-7}
	if err := s.SaveEmbeddings(map[string][]float32{"k": v}); err != nil {
		t.Fatal(err)
	}
	re, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := re.Embedding("k"); !ok || !slices.Equal(got, v) {
		t.Errorf("reopened embedding = %v, %v; want %v exactly", got, ok, v)
	}
	// The cap drops the oldest vectors.
	s.SetMaxDocs(1) // maxEmbeddings stays at least 2*DefaultMaxDocs
	many := map[string][]float32{}
	for i := range 2 * DefaultMaxDocs {
		many[fmt.Sprintf("n%05d", i)] = []float32{float32(i)}
	}
	if err := s.SaveEmbeddings(many); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Embedding("k"); ok {
		t.Error("oldest embedding kept beyond the cap")
	}
	if _, ok := s.Embedding("n00000"); !ok {
		t.Error("newer embedding dropped")
	}
}

func TestStoreIndex(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	mustAdd(t, s, Doc{ID: "learned-oom", Prompt: "Show which process the OOM killer chose", Program: "kprobe:oom_kill_process { printf(\"%s\\n\", comm); }"})
	// A learned copy of a dataset example is not indexed twice.
	mustAdd(t, s, corpus[0])

	emb := &bowEmbedder{}
	ix := s.Index(corpus, WithEmbedder(emb, "bow"))
	if ix.Len() != len(corpus)+1 {
		t.Errorf("index has %d docs, want %d", ix.Len(), len(corpus)+1)
	}
	r, err := ix.Query(ctx, "oom killer", 2)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Dense || r.Warning != "" || r.Hits[0].ID != "learned-oom" {
		t.Fatalf("got %s (dense %v, %q)", ids(r.Hits), r.Dense, r.Warning)
	}

	// Embeddings were cached by content in the file: a new process with a
	// new index embeds only the query.
	re, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	emb2 := &bowEmbedder{}
	if _, err := re.Index(corpus, WithEmbedder(emb2, "bow")).Query(ctx, "oom killer", 2); err != nil {
		t.Fatal(err)
	}
	if calls, texts := emb2.counts(); calls != 1 || texts != 1 {
		t.Errorf("reopened store: %d calls for %d texts, want only the query embedded", calls, texts)
	}
	// Another model does not reuse them.
	emb3 := &bowEmbedder{}
	if _, err := re.Index(corpus, WithEmbedder(emb3, "other")).Query(ctx, "oom killer", 2); err != nil {
		t.Fatal(err)
	}
	if _, texts := emb3.counts(); texts != len(corpus)+2 {
		t.Errorf("other model embedded %d texts, want all %d docs and the query", texts, len(corpus)+1)
	}
}

func TestDefaultPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(CacheDirEnv, dir)
	got, err := DefaultPath()
	if err != nil || got != filepath.Join(dir, "store.json") {
		t.Errorf("DefaultPath = %q, %v", got, err)
	}
	s, err := Open("")
	if err != nil || s.Path() != got {
		t.Errorf("Open(\"\") = %v, %v; want the default path", s, err)
	}

	t.Setenv(CacheDirEnv, "")
	t.Setenv("XDG_CACHE_HOME", dir)
	got, err = DefaultPath()
	if err != nil || got != filepath.Join(dir, "ken", "store.json") {
		t.Errorf("DefaultPath without %s = %q, %v", CacheDirEnv, got, err)
	}
}

func docEqual(a, b Doc) bool {
	return a.ID == b.ID && a.Prompt == b.Prompt && a.Program == b.Program && a.Origin == b.Origin && a.Added.Equal(b.Added)
}

func idsOf(docs []Doc) string {
	var s []string
	for _, d := range docs {
		s = append(s, d.ID)
	}
	return strings.Join(s, ",")
}
