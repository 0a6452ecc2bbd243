package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kenlsp/ken/analysis"
	"github.com/kenlsp/ken/analysis/dialect"
	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
)

// Settings are what a client configures, in initializationOptions or in
// the "ken" section of workspace/didChangeConfiguration.
type Settings struct {
	// Kernel is a snapshot file from "ken kernel snapshot", "" or "live"
	// for this machine's kernel, "none" for no kernel checks.
	Kernel string `json:"kernel"`
	// Dialect is the bpftrace version the files are written for, such as
	// "0.23"; "" detects it from Bpftrace.
	Dialect string `json:"dialect"`
	// Bpftrace is the bpftrace command whose version is the dialect; ""
	// looks for bpftrace on PATH.
	Bpftrace string `json:"bpftrace"`
	// InlayHints turns the server's inlay hints on or off (default on).
	// Clients send it as a boolean or, as VS Code does for the setting
	// ken.inlayHints.enable, as {"enable": boolean}.
	InlayHints *bool `json:"inlayHints"`
	// Symbex turns the symbolic verifier on or off (default on).
	Symbex *bool `json:"symbex"`
	// CompileOnSave runs bpftrace's compiler (--emit-elf, never loading or
	// running anything) on each saved file ken accepts (default on).
	CompileOnSave *bool `json:"compileOnSave"`
	// KernelVerifier loads what bpftrace compiled into the running
	// kernel's verifier on save, never attaching it (default on; it needs
	// root or CAP_BPF and CAP_PERFMON, and bpftrace 0.20-0.23).
	KernelVerifier *bool `json:"kernelVerifier"`
	// Synthesis configures synthesis from comments: the model, if any,
	// and how it is used.
	Synthesis SynthesisSettings `json:"synthesis"`
}

// UnmarshalJSON decodes settings field by field, so that one malformed
// value is dropped instead of resetting the others.
func (s *Settings) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	var bad []string
	for name, dst := range map[string]*string{"kernel": &s.Kernel, "dialect": &s.Dialect, "bpftrace": &s.Bpftrace} {
		if raw, ok := fields[name]; ok && json.Unmarshal(raw, dst) != nil {
			bad = append(bad, name)
		}
	}
	switches := map[string]**bool{"inlayHints": &s.InlayHints, "symbex": &s.Symbex,
		"compileOnSave": &s.CompileOnSave, "kernelVerifier": &s.KernelVerifier}
	for name, dst := range switches {
		if raw, ok := fields[name]; ok {
			if on, ok := switchValue(raw); ok {
				*dst = &on
			} else {
				bad = append(bad, name)
			}
		}
	}
	if raw, ok := fields["synthesis"]; ok {
		bad = append(bad, s.Synthesis.decode(raw)...)
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("ignoring malformed settings: %s", strings.Join(bad, ", "))
	}
	return nil
}

// switchValue reads true/false or {"enable": true/false}.
func switchValue(raw json.RawMessage) (bool, bool) {
	var on bool
	if json.Unmarshal(raw, &on) == nil {
		return on, true
	}
	var obj struct {
		Enable *bool `json:"enable"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Enable != nil {
		return *obj.Enable, true
	}
	return false, false
}

// parseSettings reads settings from either shape clients send: the
// settings object itself, or an object with a "ken" member.
func parseSettings(raw json.RawMessage) (Settings, error) {
	var s Settings
	if len(raw) == 0 || string(raw) == "null" {
		return s, nil
	}
	var wrapped struct {
		Ken      json.RawMessage `json:"ken"`
		Settings json.RawMessage `json:"settings"`
	}
	if err := json.Unmarshal(raw, &wrapped); err == nil {
		if len(wrapped.Ken) > 0 {
			return parseSettings(wrapped.Ken)
		}
		if len(wrapped.Settings) > 0 {
			return parseSettings(wrapped.Settings)
		}
	}
	// A malformed field is reported but the rest are kept.
	err := json.Unmarshal(raw, &s)
	return s, err
}

// settingsState holds the configuration analyses run with. Loading a
// kernel takes milliseconds to tens of milliseconds, so it happens off the
// message loop and the new configuration replaces the old one when ready.
type settingsState struct {
	mu         sync.Mutex
	configured bool // the latest settings have been applied
	generation int  // counts configure calls, so an older load cannot win
	settings   Settings
	cfg        analysis.Config
	notes      []string // what could not be configured, for the log and hovers
	// compiler runs the configured bpftrace; it remembers a missing one,
	// so that saving never retries it in a loop.
	compiler *compile.Compiler
	// synth is what synthesis runs with: the model client and the
	// learning store, made from settings.Synthesis.
	synth synthSetup
}

func newSettingsState() *settingsState {
	return &settingsState{cfg: analysis.Config{Dialect: dialect.Newest}}
}

// config returns the configuration for the next analysis.
func (st *settingsState) config() analysis.Config {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.cfg
}

// inlayHints reports whether inlay hints are on.
func (st *settingsState) inlayHints() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.settings.InlayHints == nil || *st.settings.InlayHints
}

// symbex reports whether the symbolic verifier runs.
func (st *settingsState) symbex() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.settings.Symbex == nil || *st.settings.Symbex
}

// stages returns the configuration of the on-save stages, and false when
// bpftrace's compiler is turned off.
func (st *settingsState) stages() (pipeline.Config, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	on := func(b *bool) bool { return b == nil || *b }
	if !on(st.settings.CompileOnSave) {
		return pipeline.Config{}, false
	}
	if st.compiler == nil {
		st.compiler = &compile.Compiler{Argv: bpftraceArgv(st.settings)}
	}
	return pipeline.Config{Analysis: st.cfg, Symbex: on(st.settings.Symbex), Compiler: st.compiler,
		KernelVerifier: on(st.settings.KernelVerifier)}, true
}

// synthesis returns what synthesis runs with.
func (st *settingsState) synthesis() synthSetup {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.synth
}

// bpftraceArgv is the configured bpftrace command, else bpftrace on PATH.
func bpftraceArgv(s Settings) []string {
	if argv := strings.Fields(s.Bpftrace); len(argv) > 0 {
		return argv
	}
	if path, err := exec.LookPath("bpftrace"); err == nil {
		return []string{path}
	}
	return []string{"bpftrace"}
}

// resolve builds the analysis configuration for settings: it loads the
// kernel and finds the dialect, and explains what it could not do.
func resolve(ctx context.Context, s Settings) (analysis.Config, []string) {
	var cfg analysis.Config
	var notes []string
	switch s.Kernel {
	case "none":
	case "", "live":
		k, err := kernel.Live()
		if err != nil {
			notes = append(notes, fmt.Sprintf("no kernel knowledge (%v): probes, kernel types and fields are not checked; set ken.kernel to a snapshot made by ken kernel snapshot", err))
			break
		}
		cfg.Kernel, cfg.HostFiles = k, true
	default:
		k, err := kernel.ReadSnapshot(s.Kernel)
		if err != nil {
			notes = append(notes, fmt.Sprintf("kernel snapshot %s: %v", s.Kernel, err))
			break
		}
		cfg.Kernel = k
	}
	v, note := resolveDialect(ctx, s)
	cfg.Dialect = v
	if note != "" {
		notes = append(notes, note)
	}
	return cfg, notes
}

// resolveDialect picks the bpftrace version to check for.
func resolveDialect(ctx context.Context, s Settings) (dialect.Version, string) {
	if s.Dialect != "" {
		v, err := dialect.Parse(s.Dialect)
		if err != nil {
			return dialect.Newest, fmt.Sprintf("ken.dialect: %v; checking as bpftrace %s", err, dialect.Newest)
		}
		return v.Clamp(), ""
	}
	argv := strings.Fields(s.Bpftrace)
	if len(argv) == 0 {
		path, err := exec.LookPath("bpftrace")
		if err != nil {
			return dialect.Newest, ""
		}
		argv = []string{path}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	v, err := dialect.Detect(ctx, argv)
	if err != nil {
		return dialect.Newest, fmt.Sprintf("%v; checking as bpftrace %s", err, dialect.Newest)
	}
	return v.Clamp(), ""
}

func init() {
	// ken/configured answers whether the latest settings are in effect (the
	// kernel loaded): editors may show it, tests wait for it.
	handleRequest("ken/configured", func(s *Server, _ context.Context, _ json.RawMessage) (any, error) {
		s.settings.mu.Lock()
		defer s.settings.mu.Unlock()
		return s.settings.configured, nil
	})
}

// configure applies new settings in the background and then re-analyses
// every open document with them.
func (s *Server) configure(ctx context.Context, settings Settings) {
	s.settings.mu.Lock()
	if s.settings.generation > 0 && reflect.DeepEqual(s.settings.settings, settings) {
		// VS Code sends the initializationOptions again as its first
		// configuration change: loading the kernel twice is waste.
		s.settings.mu.Unlock()
		return
	}
	s.settings.settings = settings
	s.settings.compiler = nil // the bpftrace setting may have changed
	s.settings.configured = false
	s.settings.generation++
	gen := s.settings.generation
	s.settings.mu.Unlock()
	go func() {
		ctx := context.WithoutCancel(ctx)
		var cfg analysis.Config
		var notes []string
		s.withProgress(ctx, "ken: loading kernel knowledge", func() string {
			cfg, notes = resolve(ctx, settings)
			if cfg.Kernel != nil {
				cfg.Kernel.Preload() // so that the first completion is not the one to pay for it
			}
			if cfg.Kernel == nil {
				return "no kernel: kernel checks are off"
			}
			return "kernel " + cfg.Kernel.Info().Release
		})
		setup, synthNotes := newSynthSetup(settings.Synthesis)
		notes = append(notes, synthNotes...)
		s.settings.mu.Lock()
		if gen != s.settings.generation {
			s.settings.mu.Unlock()
			return // newer settings arrived while this kernel loaded
		}
		s.settings.cfg, s.settings.notes, s.settings.synth = cfg, notes, setup
		s.settings.configured = true
		s.settings.mu.Unlock()
		s.logf("%s", setup.describe())
		for _, n := range notes {
			fmt.Fprintf(s.log, "ken lsp: %s\n", n)
			s.showMessage(ctx, n)
		}
		s.reanalyzeAll(ctx)
	}()
}
