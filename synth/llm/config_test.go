package llm

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	t.Setenv("KEN_SET", "k-123")
	t.Setenv("KEN_EMPTY", "")
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("ANTHROPIC_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	tests := []struct {
		name string
		cfg  Config
		want []string // problems mentioned; none means valid
	}{
		{"openai with key", Config{Provider: OpenAI, Model: "gpt", APIKeyEnv: "KEN_SET"}, nil},
		{"provider case ignored", Config{Provider: " OpenAI ", Model: "gpt", APIKeyEnv: "KEN_SET"}, nil},
		{"openai default endpoint needs key", Config{Provider: OpenAI, Model: "gpt"}, []string{"$OPENAI_API_KEY is unset or empty"}},
		{"openai named empty variable", Config{Provider: OpenAI, Model: "gpt", APIKeyEnv: "KEN_EMPTY"}, []string{"$KEN_EMPTY is unset"}},
		{"local server runs keyless", Config{Provider: OpenAI, Model: "q", BaseURL: "http://localhost:8080/v1"}, nil},
		{"ollama keyless", Config{Provider: Ollama, Model: "llama3"}, nil},
		{"anthropic needs key", Config{Provider: Anthropic, Model: "claude"}, []string{"$ANTHROPIC_API_KEY"}},
		{"google needs key", Config{Provider: Google, Model: "gemini"}, []string{"$GOOGLE_API_KEY"}},
		{"unknown provider", Config{Provider: "bard", Model: "x"}, []string{`unknown provider "bard"; want one of anthropic, google, ollama, openai`}},
		{"no model", Config{Provider: Ollama}, []string{"no model"}},
		{"no scheme", Config{Provider: Ollama, Model: "m", BaseURL: "localhost:11434"}, []string{"must start with http://"}},
		{"no host", Config{Provider: Ollama, Model: "m", BaseURL: "http://"}, []string{"has no host"}},
		{"negative timeout", Config{Provider: Ollama, Model: "m", Timeout: -time.Second}, []string{"Timeout -1s is negative"}},
		{"anthropic embeddings", Config{Provider: Anthropic, Model: "c", APIKeyEnv: "KEN_SET", EmbeddingModel: "e"}, []string{"anthropic has no embeddings API"}},
		{"key in APIKeyEnv", Config{Provider: Ollama, Model: "m", APIKeyEnv: "sk-proj-abc"}, []string{"not the key"}},
		{"all at once", Config{Provider: "x"}, []string{"unknown provider", "no model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || !errors.Is(err, ErrConfig) {
				t.Fatalf("Validate = %v; want a *ConfigError", err)
			}
			if len(ce.Problems) != len(tt.want) {
				t.Errorf("problems %q, want %d", ce.Problems, len(tt.want))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if _, err := New(tt.cfg); err == nil {
				t.Error("New accepted what Validate refused")
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c := Config{Provider: "Anthropic"}.withDefaults()
	if c.Provider != Anthropic || c.BaseURL != "https://api.anthropic.com/v1" || c.APIKeyEnv != "ANTHROPIC_API_KEY" ||
		c.Timeout != DefaultTimeout || c.MaxRetries != DefaultMaxRetries {
		t.Errorf("defaults = %+v", c)
	}
	if got := (Config{MaxRetries: -3}).withDefaults().MaxRetries; got != 0 {
		t.Errorf("MaxRetries -3 became %d, want 0", got)
	}
	if got := (Config{Provider: Ollama, BaseURL: "http://h:1/"}).withDefaults().BaseURL; got != "http://h:1" {
		t.Errorf("BaseURL = %q", got)
	}
}

func TestBackoffDelay(t *testing.T) {
	b := defaultBackoff()
	b.jitter = nil
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for n, w := range want {
		if got := b.delay(n); got != w {
			t.Errorf("delay(%d) = %v, want %v", n, got, w)
		}
	}
	if got := b.delay(200); got != 8*time.Second {
		t.Errorf("delay(200) = %v: overflow", got)
	}
	for range 100 {
		if d := halfJitter(time.Second); d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("halfJitter(1s) = %v", d)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{map[string]string{"Retry-After": " 1.5 "}, 1500 * time.Millisecond, true},
		{map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second, true},
		{map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{map[string]string{"Retry-After-Ms": "20", "Retry-After": "9"}, 20 * time.Millisecond, true},
		{map[string]string{"Retry-After": "-1"}, 0, false},
		{map[string]string{"Retry-After": "NaN"}, 0, false},
		{map[string]string{"Retry-After": "soon"}, 0, false},
		{map[string]string{}, 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.header {
			h.Set(k, v)
		}
		got, ok := parseRetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%v) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestServerMessage(t *testing.T) {
	tests := map[string]string{
		`{"error":{"message":"model not found"}}`:               "model not found",
		`{"error":"model 'x' not found, try pulling it first"}`: "model 'x' not found, try pulling it first",
		`{"object":"error","message":"bad temperature"}`:        "bad temperature",
		`{"detail":"Not Found"}`:                                "Not Found",
		"<html><head><title>503 Service\n Unavailable</title>":  `an HTML page titled "503 Service Unavailable"`,
		"<!DOCTYPE html><p>down</p>":                            "an HTML page",
		"upstream connect error\nor disconnect":                 "upstream connect error or disconnect",
		"":                                                      "",
		strings.Repeat("é", 400):                                strings.Repeat("é", maxServerMessage/2) + "…",
	}
	for body, want := range tests {
		if got := serverMessage([]byte(body)); got != want {
			t.Errorf("serverMessage(%.40q) = %q, want %q", body, got, want)
		}
	}
}

func TestRedactor(t *testing.T) {
	r := newRedactor("a b/c")
	got := r.redact("raw a b/c, query a+b%2Fc, path a%20b%2Fc")
	if strings.Contains(got, "a b/c") || strings.Contains(got, "a+b%2Fc") || strings.Contains(got, "a%20b%2Fc") {
		t.Errorf("redact = %q", got)
	}
	if newRedactor("").redact("text") != "text" {
		t.Error("an empty key redacted something")
	}
}
