// Package format is ken's formatter for bpftrace: the canonical layout of
// syntax.Printer applied to a whole file, comments kept. Like gofmt it
// refuses to format a file that does not parse, so that it never rewrites
// text it does not understand.
package format
