package llmtest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that keeps failures instead of failing, and
// runs cleanups when told.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *recorder) finish() []string {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	return r.errors
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestBeyondTheScript(t *testing.T) {
	r := &recorder{TB: t}
	s := NewServer(r, Step{Reply: "one"})
	post(t, s.URL()+"/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`)
	if resp := post(t, s.URL()+"/chat/completions", `{}`); resp.StatusCode != 500 {
		t.Errorf("request beyond the script got %d", resp.StatusCode)
	}
	errs := r.finish()
	if len(errs) != 1 || !strings.Contains(errs[0], "beyond the script") {
		t.Errorf("failures %q", errs)
	}
	if reqs := s.Requests(); len(reqs) != 2 || reqs[0].Text != "hi" || reqs[0].Model != "m" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestUnusedStepsAndUnknownEndpoints(t *testing.T) {
	r := &recorder{TB: t}
	s := NewServer(r, Step{Reply: "never sent"})
	if resp := post(t, s.Root()+"/v2/whatever", `{}`); resp.StatusCode != 404 {
		t.Errorf("unknown endpoint got %d", resp.StatusCode)
	}
	errs := r.finish()
	if len(errs) != 2 || !strings.Contains(errs[0], "unknown endpoint") || !strings.Contains(errs[1], "never requested") {
		t.Errorf("failures %q", errs)
	}
}

func TestRecordShapes(t *testing.T) {
	tests := []struct {
		path, body string
		api        string
		text       string
	}{
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"u"}]}]}`, APIOpenAIChat, "s\nu"},
		{"/api/chat", `{"model":"m","messages":[{"role":"user","content":"u"}]}`, APIOllamaChat, "u"},
		{"/v1/messages", `{"model":"m","system":"s","messages":[{"role":"user","content":[{"type":"text","text":"u"}]}]}`, APIAnthropicChat, "s\nu"},
		{"/v1beta/models/m:generateContent", `{"systemInstruction":{"parts":[{"text":"s"}]},"contents":[{"role":"user","parts":[{"text":"u"}]}]}`, APIGoogleChat, "s\nu"},
		{"/v1/embeddings", `{"model":"m","input":["a","b"]}`, APIOpenAIEmbed, "a\nb"},
		{"/api/embed", `{"model":"m","input":"a"}`, APIOllamaEmbed, "a"},
		{"/v1beta/models/m:batchEmbedContents", `{"requests":[{"content":{"parts":[{"text":"a"}]}}]}`, APIGoogleEmbed, "a"},
	}
	for _, tt := range tests {
		s := NewServer(t, Step{})
		resp := post(t, s.Root()+tt.path, tt.body)
		r := s.Requests()[0]
		if resp.StatusCode != 200 || r.API != tt.api || r.Text != tt.text || r.Model != "m" {
			t.Errorf("%s: status %d, API %q, text %q, model %q", tt.path, resp.StatusCode, r.API, r.Text, r.Model)
		}
	}
}
