package eval

import (
	"fmt"
	"strings"

	"github.com/kenlsp/ken/analysis/catalog"
	"github.com/kenlsp/ken/analysis/syntax"
)

// normalizeAttach returns an attach point as probe patterns are compared
// with it: the provider's canonical name (k becomes kprobe, t tracepoint,
// BEGIN begin), then the parts without their quotes, joined by ':'. A
// kprobe's explicit vmlinux module is dropped, since it is the default.
func normalizeAttach(ap *syntax.AttachPoint) string {
	return joinAttach(ap.Provider, ap.Parts)
}

// joinAttach normalises a provider and its parts.
func joinAttach(provider string, parts []string) string {
	kind := catalog.CanonicalKind(provider)
	if kind == "" {
		kind = provider
	}
	out := []string{kind}
	for _, p := range parts {
		out = append(out, strings.ReplaceAll(p, `"`, ""))
	}
	if (kind == "kprobe" || kind == "kretprobe") && len(out) == 3 && out[1] == "vmlinux" {
		out = append(out[:1], out[2])
	}
	return strings.Join(out, ":")
}

// normalizePattern checks an attach-point pattern of prompts.json and
// normalises it like an attach point.
func normalizePattern(s string) (string, error) {
	if s == "" || strings.TrimSpace(s) != s {
		return "", fmt.Errorf("%q is not an attach-point pattern", s)
	}
	provider, rest, _ := strings.Cut(s, ":")
	if catalog.CanonicalKind(provider) == "" {
		return "", fmt.Errorf("%q: unknown provider %q", s, provider)
	}
	var parts []string
	if rest != "" {
		parts = strings.Split(rest, ":")
	}
	for _, p := range parts {
		if p == "" {
			return "", fmt.Errorf("%q has an empty part", s)
		}
	}
	if strings.Contains(s, ":") && len(parts) == 0 {
		return "", fmt.Errorf("%q has an empty part", s)
	}
	return joinAttach(provider, parts), nil
}

// attachMatches reports whether a normalised pattern matches a normalised
// attach point: the pattern's '*' match any run of characters; and an
// attach point that is itself a wildcard matches a pattern without one
// that it covers (tracepoint:syscalls:sys_enter_open* covers
// tracepoint:syscalls:sys_enter_openat).
func attachMatches(pattern, point string) bool {
	if glob(pattern, point) {
		return true
	}
	return !strings.Contains(pattern, "*") && strings.Contains(point, "*") && glob(point, pattern)
}

// glob reports whether s matches pattern, where '*' matches any run of
// characters (':' and '/' included) and every other byte itself. It runs in
// O(len(pattern)*len(s)) at worst.
func glob(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
