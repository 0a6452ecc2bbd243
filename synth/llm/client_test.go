package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kenlsp/ken/synth/llm/llmtest"
)

// testKey is distinctive so that a leak cannot pass unnoticed.
const (
	testKeyEnv = "KEN_LLM_TEST_KEY"
	testKey    = "sk-ken-SECRET-7d1f0e9a"
)

// sleeps records the waits a client asked for, instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newTestClient builds a client for cfg with the test key in the
// environment. Unless real is set, waits between retries are recorded and
// skipped.
func newTestClient(t *testing.T, cfg Config, real bool) (*Client, *sleeps) {
	t.Helper()
	t.Setenv(testKeyEnv, testKey)
	if cfg.APIKeyEnv == "" && cfg.Provider != Ollama {
		cfg.APIKeyEnv = testKeyEnv
	}
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	s := &sleeps{}
	if !real {
		c.tr.sleep = s.sleep
	}
	return c, s
}

// openAIClient is the usual client under test: OpenAI-compatible, at srv.
func openAIClient(t *testing.T, srv *llmtest.Server, cfg Config) (*Client, *sleeps) {
	cfg.Provider = OpenAI
	cfg.BaseURL = srv.URL()
	return newTestClient(t, cfg, false)
}

var hello = []Message{
	{Role: RoleSystem, Content: "You write bpftrace."},
	{Role: RoleUser, Content: "count syscalls"},
}

func TestChatEachProvider(t *testing.T) {
	tests := []struct {
		provider string
		base     func(*llmtest.Server) string
		api      string
		keyIn    string // header carrying the key; "" for none
		want     string // credential recorded
	}{
		{OpenAI, (*llmtest.Server).URL, llmtest.APIOpenAIChat, "Authorization", testKey},
		{Ollama, (*llmtest.Server).Root, llmtest.APIOllamaChat, "", ""},
		{Anthropic, (*llmtest.Server).URL, llmtest.APIAnthropicChat, "X-Api-Key", testKey},
		{Google, (*llmtest.Server).Root, "google", "X-Goog-Api-Key", testKey},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Step{Reply: "BEGIN { exit(); }"})
			c, _ := newTestClient(t, Config{Provider: tt.provider, BaseURL: tt.base(srv), Model: "m-1"}, false)
			got, err := c.Chat(context.Background(), hello)
			if err != nil {
				t.Fatalf("Chat: %v", err)
			}
			if got != "BEGIN { exit(); }" {
				t.Errorf("Chat = %q", got)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if !strings.HasPrefix(r.API, tt.api) || r.Model != "m-1" {
				t.Errorf("request API %q model %q", r.API, r.Model)
			}
			if len(r.Messages) != 2 || r.Messages[0].Role != "system" || r.Messages[1].Content != "count syscalls" {
				t.Errorf("messages = %+v", r.Messages)
			}
			if r.Credential() != tt.want {
				t.Errorf("credential %q, want %q", r.Credential(), tt.want)
			}
		})
	}
}

func TestChatConversationOrder(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Reply: "ok"})
	c, _ := openAIClient(t, srv, Config{})
	msgs := append(hello, Message{Role: RoleAssistant, Content: "kprobe:x {}"}, Message{Role: RoleUser, Content: "counterexample: pid=0"})
	if _, err := c.Chat(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	r := srv.Requests()[0]
	roles := []string{}
	for _, m := range r.Messages {
		roles = append(roles, m.Role)
	}
	if strings.Join(roles, ",") != "system,user,assistant,user" || !strings.Contains(r.Text, "counterexample: pid=0") {
		t.Errorf("roles %v text %q", roles, r.Text)
	}
}

func TestChatBadMessages(t *testing.T) {
	srv := llmtest.NewServer(t)
	c, _ := openAIClient(t, srv, Config{})
	for _, msgs := range [][]Message{nil, {{Role: "bot", Content: "x"}}} {
		if _, err := c.Chat(context.Background(), msgs); err == nil {
			t.Errorf("Chat(%v) succeeded", msgs)
		}
	}
}

func TestKeylessOpenAICompatible(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Reply: "ok"})
	t.Setenv("KEN_LLM_UNSET", "")
	c, err := New(Config{Provider: OpenAI, BaseURL: srv.URL(), Model: "local", APIKeyEnv: "KEN_LLM_UNSET"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := c.Chat(context.Background(), hello); err != nil {
		t.Fatal(err)
	}
	if h := srv.Requests()[0].Header.Get("Authorization"); h != "" {
		t.Errorf("keyless request sent Authorization %q", h)
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	srv := llmtest.NewServer(t,
		llmtest.Step{Status: 429, Header: map[string]string{"Retry-After": "1"}},
		llmtest.Step{Reply: "ok"},
	)
	c, _ := newTestClient(t, Config{Provider: OpenAI, BaseURL: srv.URL()}, true)
	start := time.Now()
	got, err := c.Chat(context.Background(), hello)
	if err != nil || got != "ok" {
		t.Fatalf("Chat = %q, %v", got, err)
	}
	if elapsed := time.Since(start); elapsed < time.Second || elapsed > 2500*time.Millisecond {
		t.Errorf("took %v; want Retry-After's 1s", elapsed)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || string(reqs[0].Body) != string(reqs[1].Body) {
		t.Errorf("%d requests; the retry must resend the same body", len(reqs))
	}
}

func TestRetryAfterDateAndMillis(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := llmtest.NewServer(t,
		llmtest.Step{Status: 503, Header: map[string]string{"Retry-After": now.Add(7 * time.Second).Format(http.TimeFormat)}},
		llmtest.Step{Status: 429, Header: map[string]string{"Retry-After-Ms": "250"}},
		llmtest.Step{Reply: "ok"},
	)
	c, s := openAIClient(t, srv, Config{})
	c.tr.now = func() time.Time { return now }
	if _, err := c.Chat(context.Background(), hello); err != nil {
		t.Fatal(err)
	}
	if got := s.got(); len(got) != 2 || got[0] != 7*time.Second || got[1] != 250*time.Millisecond {
		t.Errorf("waits %v, want [7s 250ms]", got)
	}
}

func TestRetryServerErrorsThenSuccess(t *testing.T) {
	srv := llmtest.NewServer(t,
		llmtest.Step{Status: 500},
		llmtest.Step{Status: 502, Body: "<html><title>502 Bad Gateway</title></html>"},
		llmtest.Step{Drop: true},
		llmtest.Step{Reply: "ok"},
	)
	c, s := openAIClient(t, srv, Config{})
	if got, err := c.Chat(context.Background(), hello); err != nil || got != "ok" {
		t.Fatalf("Chat = %q, %v", got, err)
	}
	waits := s.got()
	if len(waits) != 3 {
		t.Fatalf("waits %v, want 3", waits)
	}
	for i, d := range waits { // 500ms<<i, jittered into [half, full]
		full := 500 * time.Millisecond << i
		if d < full/2 || d > full {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, full/2, full)
		}
	}
}

func TestRetriesExhausted(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Status: 503}, llmtest.Step{Status: 503}, llmtest.Step{Status: 503})
	c, _ := openAIClient(t, srv, Config{MaxRetries: 2})
	_, err := c.Chat(context.Background(), hello)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrUnavailable) || e.Attempts != 3 || e.Status != 503 {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") || !strings.Contains(err.Error(), "scripted 503") {
		t.Errorf("message %q", err)
	}
}

func TestNoRetries(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Status: 500})
	c, _ := openAIClient(t, srv, Config{MaxRetries: -1})
	if _, err := c.Chat(context.Background(), hello); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	tests := []struct {
		status int
		class  error
		want   []string
	}{
		{400, ErrRejected, []string{"400 Bad Request from http://", "scripted 400"}},
		{401, ErrAuth, []string{"401 Unauthorized from http://", "/v1/chat/completions", "check the key in $" + testKeyEnv}},
		{403, ErrAuth, []string{"403 Forbidden", "$" + testKeyEnv}},
		{404, ErrRejected, []string{"404 Not Found", `check BaseURL and the model name "test-model"`}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Step{Status: tt.status})
			c, s := openAIClient(t, srv, Config{})
			_, err := c.Chat(context.Background(), hello)
			if !errors.Is(err, tt.class) {
				t.Fatalf("err = %v, want %v", err, tt.class)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if n := len(srv.Requests()); n != 1 || len(s.got()) != 0 {
				t.Errorf("%d requests, waits %v: want no retry", n, s.got())
			}
		})
	}
}

func TestRetryAfterTooLong(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Status: 429, Header: map[string]string{"Retry-After": "3600"}})
	c, _ := openAIClient(t, srv, Config{})
	_, err := c.Chat(context.Background(), hello)
	if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "asks to wait 1h0m0s") {
		t.Fatalf("err = %v", err)
	}
}

func TestCallerDeadlineBeforeRetry(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Status: 429, Header: map[string]string{"Retry-After": "20"}})
	c, _ := newTestClient(t, Config{Provider: OpenAI, BaseURL: srv.URL()}, true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.Chat(ctx, hello)
	if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "deadline") || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, s := newTestClient(t, Config{Provider: OpenAI, BaseURL: "http://" + addr + "/v1"}, false)
	_, err = c.Chat(context.Background(), hello)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "cannot reach http://"+addr) {
		t.Fatalf("err = %v", err)
	}
	if len(s.got()) != 0 {
		t.Errorf("refused connection retried: %v", s.got())
	}
}

func TestTimeout(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Delay: 3 * time.Second, Reply: "late"})
	c, _ := openAIClient(t, srv, Config{Timeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := c.Chat(context.Background(), hello)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "within 200ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestCancelMidRequest(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Delay: 5 * time.Second, Reply: "late"})
	c, _ := openAIClient(t, srv, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Chat(ctx, hello)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Status: 429, Header: map[string]string{"Retry-After": "20"}})
	c, _ := newTestClient(t, Config{Provider: OpenAI, BaseURL: srv.URL()}, true)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Chat(ctx, hello)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestGarbageReplies(t *testing.T) {
	bodies := map[string]string{
		"not json":         "hello there",
		"empty":            "",
		"html":             "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head></html>",
		"truncated":        `{"choices":[{"message":{"role":"assistant","content":"kprobe:x {`,
		"no choices":       `{"choices":[]}`,
		"null choice":      `{"choices":[null]}`,
		"empty content":    `{"choices":[{"message":{"role":"assistant","content":""}}]}`,
		"wrong type":       `{"choices":"yes"}`,
		"json array":       `[1,2,3]`,
		"whitespace reply": `{"choices":[{"message":{"role":"assistant","content":"  \n"}}]}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Step{Body: body})
			c, _ := openAIClient(t, srv, Config{})
			got, err := c.Chat(context.Background(), hello)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrBadReply) {
				t.Fatalf("Chat = %q, %v; want ErrBadReply", got, err)
			}
			if e.Status != 200 || !strings.Contains(err.Error(), "unusable reply from http://") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestGarbageRepliesOtherProviders(t *testing.T) {
	for _, p := range []struct {
		provider string
		base     func(*llmtest.Server) string
	}{
		{Ollama, (*llmtest.Server).Root},
		{Anthropic, (*llmtest.Server).URL},
		{Google, (*llmtest.Server).Root},
	} {
		for _, body := range []string{"<html>oops</html>", `{"truncated":`, `{}`} {
			t.Run(p.provider+"/"+body, func(t *testing.T) {
				srv := llmtest.NewServer(t, llmtest.Step{Body: body})
				c, _ := newTestClient(t, Config{Provider: p.provider, BaseURL: p.base(srv)}, false)
				if _, err := c.Chat(context.Background(), hello); !errors.Is(err, ErrBadReply) {
					t.Fatalf("err = %v; want ErrBadReply", err)
				}
			})
		}
	}
}

func TestErrorStatusOtherProviders(t *testing.T) {
	for _, p := range []struct {
		provider string
		base     func(*llmtest.Server) string
	}{
		{Ollama, (*llmtest.Server).Root},
		{Anthropic, (*llmtest.Server).URL},
		{Google, (*llmtest.Server).Root},
	} {
		t.Run(p.provider, func(t *testing.T) {
			srv := llmtest.NewServer(t, llmtest.Step{Status: 503}, llmtest.Step{Status: 404})
			c, s := newTestClient(t, Config{Provider: p.provider, BaseURL: p.base(srv)}, false)
			_, err := c.Chat(context.Background(), hello)
			if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "404 Not Found") {
				t.Fatalf("err = %v", err)
			}
			if len(srv.Requests()) != 2 || len(s.got()) != 1 {
				t.Errorf("%d requests, waits %v: want one retry, and none by the provider's client",
					len(srv.Requests()), s.got())
			}
		})
	}
}

// TestKeyNeverLeaks makes the endpoint fail in every way it can while
// echoing the key, and checks no error or description shows it.
func TestKeyNeverLeaks(t *testing.T) {
	echo := "Incorrect API key provided: " + testKey
	steps := map[string]llmtest.Step{
		"401 json":      {Status: 401, Body: `{"error":{"message":"` + echo + `"}}`},
		"400 text":      {Status: 400, Body: echo},
		"500 html":      {Status: 500, Body: "<html><title>" + echo + "</title></html>"},
		"429 long wait": {Status: 429, Body: echo, Header: map[string]string{"Retry-After": "99999"}},
		"200 garbage":   {Body: "<pre>" + echo + "</pre>"},
		"200 no text":   {Body: `{"choices":[],"note":"` + echo + `"}`},
	}
	for _, provider := range []string{OpenAI, Anthropic, Google} {
		for name, step := range steps {
			t.Run(provider+"/"+name, func(t *testing.T) {
				srv := llmtest.NewServer(t, step)
				base := srv.URL()
				if provider == Google {
					base = srv.Root()
				}
				c, _ := newTestClient(t, Config{Provider: provider, BaseURL: base, MaxRetries: -1}, false)
				_, err := c.Chat(context.Background(), hello)
				if err == nil {
					t.Fatal("Chat succeeded")
				}
				if got := srv.Requests()[0].Credential(); got != testKey {
					t.Fatalf("the server got credential %q; the test would prove nothing", got)
				}
				for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err),
					c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
					if strings.Contains(s, testKey) {
						t.Errorf("key leaked: %s", s)
					}
				}
				if !strings.Contains(err.Error(), redactedText) && name != "429 long wait" {
					t.Errorf("echoed key not marked as redacted: %v", err)
				}
			})
		}
	}
}

func TestKeyNeverLeaksFromConfigErrors(t *testing.T) {
	// A key pasted where the variable's name belongs must not be echoed.
	err := Config{Provider: OpenAI, Model: "m", APIKeyEnv: testKey}.Validate()
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Fatalf("Validate = %v", err)
	}
	err = Config{Provider: OpenAI, Model: "m", BaseURL: "http://user:" + testKey + "@[bad"}.Validate()
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Fatalf("Validate = %v", err)
	}
}

func TestEmbeddings(t *testing.T) {
	vecs := [][]float32{{1, 2, 3}, {4, 5, 6}}
	tests := []struct {
		provider string
		base     func(*llmtest.Server) string
		steps    []llmtest.Step
	}{
		{OpenAI, (*llmtest.Server).URL, []llmtest.Step{{Embedding: vecs}}},
		{Ollama, (*llmtest.Server).Root, []llmtest.Step{{Embedding: vecs[:1]}, {Embedding: vecs[1:]}}}, // one request per text
		{Google, (*llmtest.Server).Root, []llmtest.Step{{Embedding: vecs}}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			srv := llmtest.NewServer(t, tt.steps...)
			c, _ := newTestClient(t, Config{Provider: tt.provider, BaseURL: tt.base(srv), EmbeddingModel: "emb-1"}, false)
			got, err := c.Embed(context.Background(), []string{"open files", "count syscalls"})
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(vecs) {
				t.Errorf("Embed = %v", got)
			}
			var inputs []string
			for _, r := range srv.Requests() {
				inputs = append(inputs, r.Inputs...)
				if r.Model != "emb-1" {
					t.Errorf("embedding request names model %q", r.Model)
				}
			}
			if strings.Join(inputs, "|") != "open files|count syscalls" {
				t.Errorf("inputs %q", inputs)
			}
		})
	}
}

func TestNoEmbeddings(t *testing.T) {
	srv := llmtest.NewServer(t)
	for _, cfg := range []Config{
		{Provider: OpenAI, BaseURL: srv.URL()},
		{Provider: Anthropic, BaseURL: srv.URL()},
	} {
		c, _ := newTestClient(t, cfg, false)
		if _, err := c.Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrNoEmbeddings) {
			t.Errorf("%s: Embed err = %v", cfg.Provider, err)
		}
	}
}

func TestEmbeddingsBadReply(t *testing.T) {
	srv := llmtest.NewServer(t,
		llmtest.Step{Embedding: [][]float32{{1}}},     // one vector for two texts
		llmtest.Step{Embedding: [][]float32{{1}, {}}}, // an empty vector
		llmtest.Step{Body: `{"data":`},
	)
	c, _ := openAIClient(t, srv, Config{EmbeddingModel: "e"})
	for range 3 {
		if _, err := c.Embed(context.Background(), []string{"a", "b"}); !errors.Is(err, ErrBadReply) {
			t.Errorf("err = %v; want ErrBadReply", err)
		}
	}
}

func TestString(t *testing.T) {
	srv := llmtest.NewServer(t)
	c, _ := newTestClient(t, Config{Provider: "OpenAI", BaseURL: srv.URL(), Model: "gpt-x", EmbeddingModel: "e-1"}, false)
	want := fmt.Sprintf(`openai model "gpt-x" at %s, key from $%s, embeddings "e-1"`, srv.URL(), testKeyEnv)
	if c.String() != want {
		t.Errorf("String = %q\nwant     %q", c.String(), want)
	}
	o, _ := newTestClient(t, Config{Provider: Ollama}, false)
	if got := o.String(); got != `ollama model "test-model" at http://127.0.0.1:11434, no key` {
		t.Errorf("String = %q", got)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Step{Status: 307, Header: map[string]string{
		"Location": "https://elsewhere.example/v1/chat/completions?token=abc",
	}})
	c, _ := openAIClient(t, srv, Config{})
	_, err := c.Chat(context.Background(), hello)
	want := "redirects to https://elsewhere.example/v1/chat/completions; check BaseURL"
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "token=abc") {
		t.Fatalf("err = %v", err)
	}
}

// TestNewGoogleDefaultEndpoint builds a client for the public Gemini
// endpoint: construction must neither fail nor touch the network.
func TestNewGoogleDefaultEndpoint(t *testing.T) {
	start := time.Now()
	c, _ := newTestClient(t, Config{Provider: Google, Model: "gemini-2.0-flash", EmbeddingModel: "text-embedding-004"}, false)
	if !strings.Contains(c.String(), "https://generativelanguage.googleapis.com") {
		t.Errorf("String = %q", c.String())
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("construction took %v", d)
	}
}
