package main

import (
	"math/rand/v2"
	"regexp"
	"slices"

	"github.com/kenlsp/ken/analysis/syntax"
)

// providerKinds maps every spelling of a probe provider, aliases included,
// to one name, so that k:f and kprobe:f are the same kind.
var providerKinds = map[string]string{
	"k": "kprobe", "kprobe": "kprobe",
	"kr": "kretprobe", "kretprobe": "kretprobe",
	"u": "uprobe", "uprobe": "uprobe",
	"ur": "uretprobe", "uretprobe": "uretprobe",
	"t": "tracepoint", "tracepoint": "tracepoint",
	"rt": "rawtracepoint", "rawtracepoint": "rawtracepoint",
	"f": "fentry", "fentry": "fentry", "kfunc": "fentry",
	"fr": "fexit", "fexit": "fexit", "kretfunc": "fexit",
	"U": "usdt", "usdt": "usdt",
}

// kind returns the provider of ap under one name, or its provider as
// written when it has no alias (BEGIN, interval, ...).
func kind(ap *syntax.AttachPoint) string {
	if k, ok := providerKinds[ap.Provider]; ok {
		return k
	}
	return ap.Provider
}

// probeIs reports whether every attach point of pr has one of kinds, so
// that a mutation fitting one probe type is not made where another one
// shares the body.
func probeIs(pr *syntax.Probe, kinds ...string) bool {
	if pr == nil || len(pr.AttachPoints) == 0 {
		return false
	}
	for _, ap := range pr.AttachPoints {
		if !slices.Contains(kinds, kind(ap)) {
			return false
		}
	}
	return true
}

// typo returns name with one slip of the keyboard: a letter dropped,
// doubled, or swapped with the next one. It returns "" when name is too
// short for a slip that still looks like the word.
func typo(name string, r *rand.Rand) string {
	if len(name) < 3 {
		return ""
	}
	slips := []func(string, *rand.Rand) string{dropLetter, doubleLetter, swapLetters}
	start := r.IntN(len(slips))
	for i := range slips {
		if t := slips[(start+i)%len(slips)](name, r); t != "" && t != name {
			return t
		}
	}
	return ""
}

// dropLetter removes one letter other than the first, which people rarely
// get wrong.
func dropLetter(s string, r *rand.Rand) string {
	i := 1 + r.IntN(len(s)-1)
	return s[:i] + s[i+1:]
}

// doubleLetter repeats one letter.
func doubleLetter(s string, r *rand.Rand) string {
	i := r.IntN(len(s))
	return s[:i+1] + s[i:]
}

// swapLetters swaps two neighbouring letters that differ, the first kept.
func swapLetters(s string, r *rand.Rand) string {
	var at []int
	for i := 1; i+1 < len(s); i++ {
		if s[i] != s[i+1] {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return ""
	}
	i := at[r.IntN(len(at))]
	return s[:i] + string(s[i+1]) + string(s[i]) + s[i+2:]
}

// printfVerb matches one conversion of a format string: flags, width,
// precision, a length modifier and the conversion letter (group 1 starts at
// the length modifier). %% is matched too, so that it is skipped whole.
var printfVerb = regexp.MustCompile(`%[-+ 0#]*[0-9]*(?:\.[0-9]+)?((?:hh|h|ll|l|z|j|t)?[a-zA-Z%])`)

// verb is one conversion of a format string literal: where its length
// modifier and letter are in the literal, and the letter.
type verb struct {
	start, end int // of the length modifier and letter, in the raw literal
	conv       byte
}

// verbs returns the conversions of a raw format literal that take an
// argument, in order.
func verbs(raw string) []verb {
	var out []verb
	for _, m := range printfVerb.FindAllStringSubmatchIndex(raw, -1) {
		conv := raw[m[3]-1]
		if conv == '%' {
			continue
		}
		out = append(out, verb{m[2], m[3], conv})
	}
	return out
}

// swappedVerb returns the conversion people write by mistake for conv: an
// integer verb for a string and a string verb for anything else, or "" when
// there is no such slip.
func swappedVerb(conv byte) string {
	switch conv {
	case 's':
		return "d"
	case 'd', 'i', 'u', 'x', 'X', 'o', 'c', 'p':
		return "s"
	}
	return ""
}

// builtinFuncs are bpftrace 0.23's builtin functions, whose arity is fixed.
var builtinFuncs = []string{
	"avg", "buf", "cat", "cgroupid", "clear", "count", "delete", "exit",
	"hist", "join", "kaddr", "ksym", "kstack", "lhist", "macaddr", "max",
	"min", "ntop", "path", "print", "reg", "signal", "stats", "str",
	"strftime", "strncmp", "sum", "system", "time", "uaddr", "ustack",
	"usym", "zero",
}

// aggregations are the builtins whose value only a map can hold.
var aggregations = []string{"count", "sum", "avg", "min", "max", "stats", "hist", "lhist"}

// funcSlips are misspellings of builtin functions that people and language
// models write: names from other tools and languages, plurals, shortenings.
var funcSlips = map[string]string{
	"count": "cnt", "hist": "histogram", "lhist": "linhist", "sum": "total",
	"avg": "mean", "min": "minimum", "max": "maximum", "stats": "stat",
	"ksym": "ksyms", "usym": "usyms", "kstack": "kstacks", "ustack": "ustacks",
	"ntop": "inet_ntop", "printf": "printk", "delete": "del", "clear": "reset",
	"time": "now", "strftime": "strtime", "buf": "buffer", "exit": "quit",
	"signal": "kill", "system": "exec", "cat": "readfile", "print": "println",
	"join": "strjoin", "zero": "zeros", "str": "tostr", "strncmp": "strcmp",
	"cgroupid": "cgroup_id", "macaddr": "mac", "kaddr": "addr", "path": "d_path",
}

// varSlips are misspellings of builtin variables.
var varSlips = map[string]string{
	"comm": "cmm", "pid": "pdi", "tid": "thread", "nsecs": "nsec",
	"uid": "user_id", "gid": "group", "elapsed": "elapse", "curtask": "current",
	"username": "user", "cpu": "cpuid", "retval": "ret", "func": "function",
	"probe": "probename", "cgroup": "cgrp", "args": "arg", "kstack": "kstak",
	"ustack": "ustak", "jiffies": "jiffy", "rand": "random",
}

// numericBuiltins are builtin variables holding integers, which
// retval-in-entry replaces.
var numericBuiltins = []string{"pid", "tid", "nsecs", "cpu", "uid", "gid", "elapsed", "cgroup"}

// isArgN reports whether name is one of the builtins arg0, arg1, ...
func isArgN(name string) bool {
	return len(name) == 4 && name[:3] == "arg" && name[3] >= '0' && name[3] <= '9'
}

// paramNames are plausible names of tracepoint fields, used when an argN is
// turned into a field of args.
var paramNames = []string{"fd", "buf", "count", "flags", "filename", "size"}
