package llm

import (
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Classes of failure. Errors from Chat and Embed wrap one of these (or the
// context's own error when the caller cancelled), so that a caller can tell
// "fix the configuration" from "try again later" from "the model misbehaved".
var (
	// ErrConfig means the Config cannot work; *ConfigError says why.
	ErrConfig = errors.New("invalid model configuration")
	// ErrNoEmbeddings means the Client has no embedding model: the Config
	// names none, or the provider offers no embeddings API.
	ErrNoEmbeddings = errors.New("no embedding model configured")
	// ErrAuth means the endpoint refused the credentials (401 or 403).
	ErrAuth = errors.New("the endpoint refused the credentials")
	// ErrRejected means the endpoint refused the request itself (a 4xx
	// status other than 401, 403, 408 and 429), for example an unknown model.
	ErrRejected = errors.New("the endpoint rejected the request")
	// ErrRateLimited means the endpoint kept answering 429.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable means the endpoint could not be reached or kept failing
	// (5xx statuses, refused or dropped connections).
	ErrUnavailable = errors.New("the endpoint is unavailable")
	// ErrTimeout means an attempt got no complete reply within Config.Timeout.
	ErrTimeout = errors.New("no reply in time")
	// ErrBadReply means a reply arrived but holds nothing usable: not the
	// provider's JSON, truncated, empty, or without text.
	ErrBadReply = errors.New("unusable reply")
	// ErrNoProgram means Extract found no bpftrace program in a reply.
	ErrNoProgram = errors.New("no bpftrace program in the reply")
)

// Error is a failed request to a model endpoint. Its text never holds the
// key: every string field was redacted when the Error was made.
type Error struct {
	Provider string // Config.Provider
	URL      string // the endpoint of the last attempt, without query or user info
	Status   int    // HTTP status of the last reply; 0 when none arrived
	Attempts int    // requests sent, retries included; 0 when none was sent
	Msg      string // what went wrong and what to check
	Err      error  // one of the Err* classes above, or context.Canceled/DeadlineExceeded
}

// Error returns "llm: provider: Msg".
func (e *Error) Error() string {
	return "llm: " + e.Provider + ": " + e.Msg
}

// Unwrap returns the class of the failure.
func (e *Error) Unwrap() error { return e.Err }

// ConfigError lists what is wrong with a Config. It wraps ErrConfig.
type ConfigError struct {
	Problems []string // one sentence each, without the key
}

// Error returns the problems joined by "; ".
func (e *ConfigError) Error() string {
	return "llm: invalid model configuration: " + strings.Join(e.Problems, "; ")
}

// Unwrap returns ErrConfig.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// redactor removes a key from text. It lives behind a pointer so that
// printing a struct that holds one shows an address, not the key.
type redactor struct {
	secrets []string // the key and its escaped forms, longest first
}

// redactedText replaces a key wherever it appears.
const redactedText = "[redacted]"

// newRedactor returns a redactor for key; an empty key redacts nothing.
func newRedactor(key string) *redactor {
	r := &redactor{}
	if key == "" {
		return r
	}
	// The key may reach an error inside a URL, escaped.
	for _, s := range []string{key, url.QueryEscape(key), url.PathEscape(key)} {
		if !contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// redact returns s with every form of the key replaced.
func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redactedText)
	}
	return s
}

// redactError returns e with every string field redacted.
func (r *redactor) redactError(e *Error) *Error {
	e.URL = r.redact(e.URL)
	e.Msg = r.redact(e.Msg)
	return e
}

// cleanURL returns u without user info, query or fragment: the parts where
// credentials travel.
func cleanURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.ForceQuery = false
	c.Fragment = ""
	c.RawFragment = ""
	return c.String()
}

// maxServerMessage bounds how much of an endpoint's error text is quoted.
const maxServerMessage = 300

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// serverMessage returns what an endpoint said in an error body, shortened to
// one line: the message field of the JSON error shapes the providers use, the
// title of an HTML page, or the start of plain text.
func serverMessage(body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return ""
	}
	if msg := jsonErrorMessage(body); msg != "" {
		return oneLine(msg, maxServerMessage)
	}
	if looksLikeHTML(text) {
		if m := htmlTitle.FindStringSubmatch(text); m != nil && strings.TrimSpace(m[1]) != "" {
			return "an HTML page titled " + quote(oneLine(m[1], 80))
		}
		return "an HTML page"
	}
	return oneLine(text, maxServerMessage)
}

// jsonErrorMessage digs the message out of {"error":{"message":...}}
// (OpenAI, Anthropic, Google), {"error":"..."} (Ollama) and
// {"message":...} or {"detail":...} (vLLM, FastAPI servers).
func jsonErrorMessage(body []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message any             `json:"message"`
		Detail  any             `json:"detail"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(v.Error, &s) == nil && s != "" {
		return s
	}
	var nested struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(v.Error, &nested) == nil && nested.Message != "" {
		return nested.Message
	}
	for _, x := range []any{v.Message, v.Detail} {
		if s, ok := x.(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// looksLikeHTML reports whether text is an HTML page, as proxies and load
// balancers send when the model server behind them is down.
func looksLikeHTML(text string) bool {
	head := strings.ToLower(text[:min(len(text), 512)])
	return strings.HasPrefix(head, "<!doctype html") || strings.Contains(head, "<html")
}

// snippet returns the start of a reply body for an error message.
func snippet(body []byte) string {
	if len(strings.TrimSpace(string(body))) == 0 {
		return "an empty body"
	}
	return "a body starting " + quote(oneLine(string(body), 120))
}

// oneLine collapses whitespace and cuts s to at most n bytes of valid UTF-8.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// quote wraps s in double quotes without escaping non-ASCII text, which
// strconv.Quote would make unreadable.
func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
