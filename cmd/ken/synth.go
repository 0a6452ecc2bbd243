package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/kenlsp/ken/pipeline"
	"github.com/kenlsp/ken/pipeline/compile"
	"github.com/kenlsp/ken/synth"
	"github.com/kenlsp/ken/synth/llm"
	"github.com/kenlsp/ken/synth/retrieve"
)

// modelOptions are the flags that choose a language model. They hold the
// NAME of the variable with the key, never a key: a key on a command line
// ends up in shell history and process listings.
type modelOptions struct {
	provider       string
	model          string
	baseURL        string
	apiKeyEnv      string
	embeddingModel string
}

// addModelFlags registers the model flags on fs, with their environment
// defaults.
func addModelFlags(fs *flag.FlagSet, o *modelOptions) {
	fs.StringVar(&o.provider, "provider", os.Getenv("KEN_PROVIDER"),
		"model `PROVIDER`: openai (or any OpenAI-compatible server), ollama, anthropic or google (default $KEN_PROVIDER; none answers offline from the verified examples)")
	fs.StringVar(&o.model, "model", os.Getenv("KEN_MODEL"), "chat model `NAME` as the endpoint knows it, such as gpt-4o (default $KEN_MODEL)")
	fs.StringVar(&o.baseURL, "base-url", os.Getenv("KEN_BASE_URL"),
		"endpoint `URL`, such as http://localhost:8000/v1 (default $KEN_BASE_URL, else the provider's public endpoint)")
	fs.StringVar(&o.apiKeyEnv, "api-key-env", os.Getenv("KEN_API_KEY_ENV"),
		"`NAME` of the environment variable holding the API key, never the key itself (default $KEN_API_KEY_ENV, else OPENAI_API_KEY, ANTHROPIC_API_KEY or GOOGLE_API_KEY by provider, none for ollama)")
	fs.StringVar(&o.embeddingModel, "embedding-model", "", "embedding model `NAME` that ranks the retrieved examples by meaning as well as by words (not with anthropic)")
}

// addStageFlags registers the flags that say what candidates are checked
// against and by which stages; they mean what they mean to ken check.
func addStageFlags(fs *flag.FlagSet, o *checkOptions) {
	fs.StringVar(&o.kernel, "kernel", os.Getenv("KEN_KERNEL"),
		"kernel snapshot `FILE` (from ken kernel snapshot) to check against; \"live\" for this machine's kernel, \"none\" for no kernel checks (default $KEN_KERNEL, else live)")
	fs.StringVar(&o.dialect, "dialect", os.Getenv("KEN_DIALECT"),
		"bpftrace `VERSION` to write for, such as 0.23 (default $KEN_DIALECT, else the version of --bpftrace)")
	fs.StringVar(&o.bpftrace, "bpftrace", os.Getenv("KEN_BPFTRACE"),
		"bpftrace `COMMAND` for --compile and the dialect (default $KEN_BPFTRACE, else bpftrace on PATH)")
	fs.BoolVar(&o.compile, "compile", false, "also compile each candidate with --bpftrace (--emit-elf; nothing is loaded or run)")
	fs.BoolVar(&o.load, "load", false,
		"also load what bpftrace compiled into this kernel's verifier, never attaching it (needs root or CAP_BPF+CAP_PERFMON; implies --compile)")
}

// synthOptions are the flags of ken synth.
type synthOptions struct {
	stages          checkOptions
	shared          sharedOptions
	model           modelOptions
	trials          int
	noRetrieval     bool
	noComprehension bool
	noStore         bool
	explain         bool
}

// synthFlags defines ken synth's flags and usage.
func (c *cli) synthFlags() (*flag.FlagSet, *synthOptions) {
	o := new(synthOptions)
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	addModelFlags(fs, &o.model)
	addStageFlags(fs, &o.stages)
	fs.BoolVar(&o.stages.noSymbex, "no-symbex", false, "leave out the symbolic verifier (byte order, units, //@ annotations) and the comprehension engine with it")
	fs.IntVar(&o.trials, "trials", synth.DefaultTrials, "at most `N` candidates the model writes before ken asks for more detail")
	fs.BoolVar(&o.noRetrieval, "no-retrieval", false, "show the model no verified examples")
	addSharedFlags(fs, &o.shared)
	fs.BoolVar(&o.noComprehension, "no-comprehension", false, "skip the model's //@ assume/assert annotations; only contracts and built-in checks apply")
	fs.BoolVar(&o.noStore, "no-store", false, "neither read nor write the learning store")
	fs.BoolVar(&o.explain, "explain", false, "print every trial on standard error: its program, the stage it failed and the feedback given to the next trial")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: ken synth [flags] PROMPT...

Synth turns an English PROMPT (the words are joined; "-" reads it from
standard input) into a bpftrace program that passes every configured
check, and prints that program, and nothing else, on standard output.
Which trial passed, and where the program came from, go to standard error.

With a model (--provider), ken asks it for a program, checks the answer
(syntax, semantics against the kernel, the symbolic verifier, and with
--compile and --load bpftrace and the kernel verifier) and feeds any failure,
with its counterexample, back into the next trial, up to --trials times.
Without one it answers from the closest verified examples, checked the
same way. Every verified model answer is added to the learning store
($KEN_CACHE_DIR/store.json, else ~/.cache/ken/store.json; see ken store),
which later syntheses retrieve from.

The exit status is 0 when a program passed every check, 1 when none did
(standard error then says what detail to add to the prompt), and 2 for
usage errors and for a model that cannot be used or reached.

`)
		fs.PrintDefaults()
	}
	return fs, o
}

// runSynth runs ken synth: only a verified program reaches stdout.
func (c *cli) runSynth(args []string) int {
	fs, o := c.synthFlags()
	words, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	prompt, err := c.synthPrompt(words)
	if err == nil && o.trials < 1 {
		err = fmt.Errorf("--trials %d: want at least 1", o.trials)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "ken synth: %v\n", err)
		return exitUsage
	}
	cfg, err := c.synthConfig(o)
	if err != nil {
		fmt.Fprintf(c.stderr, "ken synth: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := synth.Synthesize(ctx, synth.Request{Prompt: prompt}, cfg)
	if o.explain && res != nil {
		explainTrials(c.stderr, res, cfg.Trials)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "ken synth: %v\n", err)
		return exitUsage
	}
	summarize(c.stderr, res, cfg.Trials)
	if !res.Verified {
		return exitFindings
	}
	fmt.Fprintln(c.stdout, strings.TrimRight(res.Program, "\n"))
	return exitOK
}

// synthPrompt is the prompt the words make, or standard input for "-".
func (c *cli) synthPrompt(words []string) (string, error) {
	if len(words) == 1 && words[0] == "-" {
		text, err := io.ReadAll(c.stdin)
		if err != nil {
			return "", fmt.Errorf("read standard input: %w", err)
		}
		words = []string{string(text)}
	}
	prompt := strings.TrimSpace(strings.Join(words, " "))
	if prompt == "" {
		return "", errors.New("no prompt: say what to trace, such as ken synth \"count syscalls by process\"")
	}
	return prompt, nil
}

// synthConfig resolves the flags into a synthesis: the stages, the model
// (none means offline), the learning store and the retrieval index.
func (c *cli) synthConfig(o *synthOptions) (synth.Config, error) {
	p, err := c.stagesConfig(&o.stages)
	if err != nil {
		return synth.Config{}, err
	}
	model, err := newModel(o.model)
	if err != nil {
		return synth.Config{}, err
	}
	cfg := synth.Config{
		Pipeline: p, Trials: o.trials,
		NoRetrieval: o.noRetrieval, NoComprehension: o.noComprehension,
	}
	if model == nil {
		fmt.Fprintln(c.stderr, "ken synth: no model configured: answering from the verified examples")
	} else {
		cfg.Model, cfg.ModelName = model, modelName(o.model)
	}
	if !o.noStore {
		cfg.Store = c.openStore("ken synth")
	}
	if model != nil && o.model.embeddingModel != "" && !o.noRetrieval {
		if cfg.Examples, err = examplesIndex(cfg.Store, model, o.model.embeddingModel); err != nil {
			return cfg, err
		}
	}
	if o.shared.url != "" {
		cfg.Shared, err = newShared(o.shared, model, o.model.embeddingModel)
	}
	return cfg, err
}

// sharedOptions name a team's shared store of verified examples.
type sharedOptions struct {
	url, collection, apiKeyEnv string
}

func addSharedFlags(fs *flag.FlagSet, o *sharedOptions) {
	fs.StringVar(&o.url, "shared-qdrant", os.Getenv("KEN_SHARED_QDRANT"),
		"`URL` of a Qdrant server holding a team's verified examples, searched and added to (needs --provider and --embedding-model; default $KEN_SHARED_QDRANT)")
	fs.StringVar(&o.collection, "shared-collection", "ken-examples", "Qdrant `COLLECTION` of the shared store (created beforehand, cosine distance)")
	fs.StringVar(&o.apiKeyEnv, "shared-api-key-env", "", "`NAME` of the environment variable holding the Qdrant API key, if it needs one")
}

// newShared connects to a team's Qdrant store; its vectors come from the
// model's embeddings.
func newShared(o sharedOptions, model *llm.Client, embeddingModel string) (*retrieve.Shared, error) {
	if model == nil || embeddingModel == "" {
		return nil, errors.New("--shared-qdrant needs --provider and --embedding-model: the shared store is searched by embeddings")
	}
	var key string
	if o.apiKeyEnv != "" {
		key = os.Getenv(o.apiKeyEnv)
	}
	return retrieve.NewQdrant(o.url, o.collection, model, key)
}

// stagesConfig is the pipeline the flags ask for, as ken check builds it.
func (c *cli) stagesConfig(o *checkOptions) (pipeline.Config, error) {
	acfg, err := c.checkConfig(o)
	if err != nil {
		return pipeline.Config{}, err
	}
	p := pipeline.Config{Analysis: acfg, Symbex: !o.noSymbex}
	if o.compile || o.load {
		p.Compiler = &compile.Compiler{Argv: bpftraceArgv(o)}
		p.KernelVerifier = o.load
	}
	return p, nil
}

// newModel builds the client the flags describe, or returns nil when no
// provider is configured. Its errors never hold the key: llm redacts it,
// and the flags only ever name the variable.
func newModel(o modelOptions) (*llm.Client, error) {
	if strings.TrimSpace(o.provider) == "" {
		if o.model != "" || o.baseURL != "" || o.embeddingModel != "" {
			return nil, errors.New("a model, endpoint or embedding model is set but no provider: add --provider (or $KEN_PROVIDER)")
		}
		return nil, nil
	}
	return llm.New(llm.Config{
		Provider: o.provider, Model: o.model, BaseURL: o.baseURL,
		APIKeyEnv: o.apiKeyEnv, EmbeddingModel: o.embeddingModel,
	})
}

// modelName labels what the model wrote, as "gpt-4o via openai".
func modelName(o modelOptions) string {
	return fmt.Sprintf("%s via %s", o.model, strings.ToLower(strings.TrimSpace(o.provider)))
}

// examplesIndex is the dataset and the learned docs (when there is a
// store) ranked by embeddings as well as words. Without an embedding
// model synthesis builds its own lexical index.
func examplesIndex(store *retrieve.Store, e retrieve.Embedder, model string) (*retrieve.Index, error) {
	docs, err := synth.DatasetDocs()
	if err != nil {
		return nil, err
	}
	if store != nil {
		return store.Index(docs, retrieve.WithEmbedder(e, model)), nil
	}
	return retrieve.NewIndex(docs, retrieve.WithEmbedder(e, model)), nil
}

// openStore opens the learning store, or returns nil when it cannot be
// used: the store only helps, so synthesis goes on without it. A corrupt
// file has been moved aside by Open, which the warning says.
func (c *cli) openStore(cmd string) *retrieve.Store {
	s, err := retrieve.Open("")
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: warning: %v\n", cmd, err)
	}
	return s
}

// summarize says on w how the synthesis ended: the stages passed, the
// trials, the origin, and what to add to the prompt when nothing passed.
func summarize(w io.Writer, res *synth.Result, trials int) {
	elapsed := res.Elapsed.Round(time.Millisecond)
	if res.Verified {
		fmt.Fprintf(w, "ken synth: verified (%s) on %s in %v\n", strings.Join(res.Checked, ", "), trialCount(res, trials), elapsed)
	} else {
		fmt.Fprintf(w, "ken synth: not verified after %s in %v\n", trialCount(res, trials), elapsed)
	}
	if res.Origin != "" {
		fmt.Fprintf(w, "ken synth: origin: %s\n", res.Origin)
		if res.Match != "" {
			fmt.Fprintf(w, "ken synth: the closest verified example matched %s; check that it does what you asked\n", res.Match)
		}
	}
	if len(res.Trials) > 1 || !res.Verified {
		fmt.Fprintf(w, "ken synth: trials: %s\n", trialStages(res.Trials))
	}
	for _, a := range res.Annotations {
		fmt.Fprintf(w, "ken synth: proved: %s\n", strings.TrimSpace(a))
	}
	if res.NeedMore != "" {
		fmt.Fprintf(w, "ken synth: %s\n", res.NeedMore)
	}
}

// trialCount is "trial 2 of 3" for a model, "example 2" offline, or the
// count of candidates when none passed.
func trialCount(res *synth.Result, trials int) string {
	n := len(res.Trials)
	switch {
	case !res.FromModel && res.Verified:
		return fmt.Sprintf("example %d", n)
	case !res.FromModel:
		return fmt.Sprintf("%d examples", n)
	case res.Verified:
		return fmt.Sprintf("trial %d of %d", n, trials)
	}
	return fmt.Sprintf("%d trials", n)
}

// trialStages lists each trial's verdict: "1 symbolic, 2 passed".
func trialStages(ts []synth.Trial) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%d %s", t.N, cmp.Or(t.Stage, "passed"))
	}
	return strings.Join(parts, ", ")
}

// explainTrials prints every trial: its program, the stage it failed, and
// the feedback the next trial was given (offline, the findings on each
// example tried). What ken asks for when nothing passed follows in the
// summary, which is printed either way.
func explainTrials(w io.Writer, res *synth.Result, trials int) {
	label := "trial"
	if !res.FromModel {
		label = "example"
	}
	for i, t := range res.Trials {
		verdict := "passed every check"
		if t.Stage != "" {
			verdict = "failed the " + t.Stage + " stage"
		}
		of := ""
		if res.FromModel {
			of = fmt.Sprintf(" of %d", trials)
		}
		fmt.Fprintf(w, "--- %s %d%s (%v): %s\n", label, t.N, of, t.Elapsed.Round(time.Millisecond), verdict)
		fmt.Fprint(w, indent(cmp.Or(strings.TrimRight(t.Program, "\n"), "(no program in the reply)")))
		if t.Stage == "" {
			continue
		}
		switch {
		case res.FromModel && i+1 < len(res.Trials):
			fmt.Fprintf(w, "  feedback to trial %d:\n", t.N+1)
		default:
			fmt.Fprintln(w, "  findings:")
		}
		fmt.Fprint(w, indent(t.Feedback))
	}
}

// indent prefixes every non-empty line of s with four spaces and ends it
// with a newline.
func indent(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
