// Package synth will hold ken's synthesis of bpftrace programs from English
// prompts: a prompter, model access through langchaingo (OpenAI-compatible
// endpoints, Ollama, Anthropic, Google), retrieval of similar verified
// prompt/program pairs from datasets, a comprehension step that writes
// assume/assert contracts, and a bounded feedback loop that runs every check
// of the analysis and symbex packages on each candidate and feeds failures
// back. With no model configured it works offline from retrieved examples
// and says so. It is not written yet.
package synth
