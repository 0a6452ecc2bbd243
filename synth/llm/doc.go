// Package llm is ken's access to language models, through langchaingo, and
// the extraction of a bpftrace program from a model's reply.
//
// # Providers
//
// A Config names one of four providers: "openai" (api.openai.com or any
// OpenAI-compatible server: vLLM, llama.cpp server, LM Studio, Ollama's /v1),
// "ollama" (Ollama's native API), "anthropic" and "google" (the Gemini API).
// New builds the provider's langchaingo client and hands it an *http.Client
// whose transport is this package's, so every provider shares one policy for
// retries, timeouts and credentials. None of langchaingo's own clients for
// these providers retries, except Google's, which retries 503 replies; the
// transport never passes a failed reply up, so that retry never fires and
// requests are never retried twice over.
//
// # Retries and timeouts
//
// A request is retried, up to Config.MaxRetries times, when the endpoint
// answers 408, 429 or a 5xx status other than 501, or when the connection
// drops (reset, EOF before or during the reply). The wait doubles from
// 500 ms up to 8 s, with jitter; a Retry-After (or retry-after-ms) header
// replaces it, unless it asks for more than 30 s, in which case the request
// fails at once rather than stall the editor. Other statuses (400, 401, 403,
// 404, ...) fail at once with an *Error that says what to check. Each attempt
// has Config.Timeout to deliver the whole reply; a timed-out attempt is not
// retried, since a model that is too slow once is usually too slow again.
// Cancelling the context aborts the attempt in flight and any wait.
//
// # Keys
//
// A key is read once, in New, from the environment variable that
// Config.APIKeyEnv names; Config itself never holds it. Every error this
// package returns has the key (and its URL-escaped form) replaced by
// "[redacted]", including the text of errors that come from langchaingo or
// from the endpoint, and String never mentions it. Error messages name the
// variable instead, so that a person knows where to look.
//
// # Extraction
//
// Extract finds the program in a reply, whatever its shape: fenced blocks,
// shell one-liners (`bpftrace -e '...'`), programs in prose, reasoning in
// <think> blocks. See Extract for the rules.
package llm
