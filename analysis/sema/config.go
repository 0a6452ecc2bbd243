package sema

import (
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/syntax"
)

// configKeys023 are the config block keys of bpftrace 0.21 to 0.23.
var configKeys023 = []string{
	"cache_user_symbols", "cpp_demangle", "lazy_symbolication", "log_size", "max_bpf_progs",
	"max_cat_bytes", "max_map_keys", "max_probes", "max_strlen", "max_type_res_iterations",
	"on_stack_limit", "perf_rb_pages", "probe_inline", "stack_mode", "str_trunc_trailer",
	"symbol_source", "missing_probes", "print_maps_on_exit", "use_blazesym",
}

// configKeys026 are the keys of bpftrace 0.26, which also accepts any
// "unstable_" feature switch.
var configKeys026 = []string{
	"cache_user_symbols", "cpp_demangle", "lazy_symbolication", "license", "log_size", "max_bpf_progs",
	"max_cat_bytes", "max_map_keys", "max_probes", "max_strlen", "on_stack_limit", "perf_rb_pages",
	"stack_mode", "str_trunc_trailer", "missing_probes", "print_maps_on_exit", "use_blazesym", "show_debug_info",
}

// renamedConfigKeys maps old spellings to the keys that replaced them.
var renamedConfigKeys = map[string]string{
	"strlen": "max_strlen", "no_cpp_demangle": "cpp_demangle", "cat_bytes_max": "max_cat_bytes", "map_keys_max": "max_map_keys",
}

func (c *checker) checkConfig(cfg *syntax.Config) {
	keys := configKeys023
	if c.dialect.AtLeast(dialect.V(0, 24)) {
		keys = configKeys026
	}
	for _, e := range cfg.Entries {
		if e.Key == nil {
			continue
		}
		name := strings.TrimPrefix(strings.ToLower(e.Key.Name), "bpftrace_")
		if slices.Contains(keys, name) || (strings.HasPrefix(name, "unstable_") && c.dialect.AtLeast(dialect.V(0, 24))) {
			continue
		}
		c.unknownConfig(e.Key, name, keys)
	}
}

func (c *checker) unknownConfig(key *syntax.Ident, name string, keys []string) {
	d := newDiag(diag.Error, span(key), CodeUnknownConfig, "bpftrace %s has no config option '%s'", c.dialect, key.Name)
	best := renamedConfigKeys[name]
	if best == "" {
		best = closest(name, keys)
	}
	if best != "" {
		d.Message += "; did you mean '" + best + "'?"
		d.Fixes = []diag.Fix{{Title: "Change to '" + best + "'", Edits: []diag.Edit{{Span: span(key), NewText: best}}}}
	}
	c.report(d)
}
