package llm

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Provider names accepted in Config.Provider.
const (
	OpenAI    = "openai"    // OpenAI or any OpenAI-compatible server
	Ollama    = "ollama"    // Ollama's native API
	Anthropic = "anthropic" // Anthropic's Messages API
	Google    = "google"    // the Gemini API (generativelanguage.googleapis.com)
)

// Defaults that New applies to zero fields of a Config.
const (
	DefaultTimeout    = 60 * time.Second
	DefaultMaxRetries = 4
)

// Config says which model to use and how to reach it. It holds no secret:
// the key stays in the environment variable that APIKeyEnv names.
type Config struct {
	// Provider is "openai", "ollama", "anthropic" or "google" (case is
	// ignored).
	Provider string
	// Model is the chat model, such as "gpt-4o" or "qwen2.5-coder:7b".
	Model string
	// BaseURL is the endpoint as the provider's documentation gives it; empty
	// means the provider's public endpoint. OpenAI-compatible servers usually
	// want the /v1 suffix (http://localhost:8000/v1); Ollama wants its root
	// (http://127.0.0.1:11434); Anthropic's includes /v1; Google's is the
	// root (https://generativelanguage.googleapis.com).
	BaseURL string
	// APIKeyEnv is the NAME of the environment variable holding the key,
	// never the key. Empty means OPENAI_API_KEY, ANTHROPIC_API_KEY or
	// GOOGLE_API_KEY by provider, and no key for Ollama.
	APIKeyEnv string
	// EmbeddingModel, when set, enables Embed (not offered by Anthropic).
	EmbeddingModel string
	// Timeout bounds each HTTP attempt, reply body included; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a failed attempt is retried; zero means
	// DefaultMaxRetries and a negative value means never.
	MaxRetries int
}

// provider is what ken knows of each provider.
type provider struct {
	baseURL string // the public endpoint
	keyEnv  string // default APIKeyEnv; "" for none
	embeds  bool   // has an embeddings API
}

var providers = map[string]provider{
	OpenAI:    {baseURL: "https://api.openai.com/v1", keyEnv: "OPENAI_API_KEY", embeds: true},
	Ollama:    {baseURL: "http://127.0.0.1:11434", embeds: true},
	Anthropic: {baseURL: "https://api.anthropic.com/v1", keyEnv: "ANTHROPIC_API_KEY"},
	Google:    {baseURL: "https://generativelanguage.googleapis.com", keyEnv: "GOOGLE_API_KEY", embeds: true},
}

// envName is the shape of an environment variable's name. A key has dashes
// or is far longer, so a key pasted into APIKeyEnv by mistake is caught.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// withDefaults returns c with zero fields filled in and Provider lowercased.
func (c Config) withDefaults() Config {
	c.Provider = strings.ToLower(strings.TrimSpace(c.Provider))
	c.Model = strings.TrimSpace(c.Model)
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	c.APIKeyEnv = strings.TrimSpace(c.APIKeyEnv)
	c.EmbeddingModel = strings.TrimSpace(c.EmbeddingModel)
	p, ok := providers[c.Provider]
	if ok && c.BaseURL == "" {
		c.BaseURL = p.baseURL
	}
	if ok && c.APIKeyEnv == "" {
		c.APIKeyEnv = p.keyEnv
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	return c
}

// Validate reports every problem with c, defaults applied, as a
// *ConfigError; nil means New can build a client. It reads the environment
// to check that the key's variable is set where a key is needed.
func (c Config) Validate() error {
	c = c.withDefaults()
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	p, ok := providers[c.Provider]
	if !ok {
		add("unknown provider %q; want one of %s", c.Provider, strings.Join(providerNames(), ", "))
	}
	if c.Model == "" {
		add("no model: set Model to the name the endpoint knows the model by")
	}
	if err := checkBaseURL(c.BaseURL); ok && err != "" {
		add("BaseURL %s", err)
	}
	if c.Timeout < 0 {
		add("Timeout %v is negative", c.Timeout)
	}
	if c.EmbeddingModel != "" && ok && !p.embeds {
		add("%s has no embeddings API; leave EmbeddingModel empty", c.Provider)
	}
	if c.APIKeyEnv != "" && !envName.MatchString(c.APIKeyEnv) {
		// Never echo the value: it may be the key itself.
		add("APIKeyEnv must be the name of an environment variable (letters, digits, underscores), not the key")
	} else if ok && c.needsKey() && os.Getenv(c.APIKeyEnv) == "" {
		add("$%s is unset or empty: put the %s key in it, or set APIKeyEnv to the variable that holds it", c.APIKeyEnv, c.Provider)
	}
	if len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

// needsKey reports whether the endpoint cannot work without a key. Local
// servers (llama.cpp, vLLM, LM Studio, Ollama) usually run without one, so
// only the public endpoints of the hosted providers insist.
func (c Config) needsKey() bool {
	switch c.Provider {
	case Anthropic, Google:
		return true
	case OpenAI:
		u, err := url.Parse(c.BaseURL)
		return err == nil && strings.EqualFold(u.Hostname(), "api.openai.com")
	}
	return false
}

// checkBaseURL returns what is wrong with an endpoint URL, or "".
func checkBaseURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a URL", cleanRaw(raw))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("%q must start with http:// or https://", cleanRaw(raw))
	case u.Host == "":
		return fmt.Sprintf("%q has no host", cleanRaw(raw))
	}
	return ""
}

// cleanRaw returns a URL for an error message without the parts where
// credentials travel, falling back to a placeholder when it does not parse.
func cleanRaw(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return cleanURL(u)
}

// providerNames returns the known providers, sorted.
func providerNames() []string {
	names := make([]string, 0, len(providers))
	for name := range providers {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
