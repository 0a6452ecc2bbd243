// Command ken checks, verifies, formats and synthesizes bpftrace programs,
// and serves editors as a language server.
//
// Usage:
//
//	ken check [--format text|json|sarif] [--kernel FILE|live|none] [--dialect VERSION] [--no-symbex] FILE...
//	ken verify [--kernel FILE|live|none] [--dialect VERSION] FILE...
//	ken fmt [-w] [-l] [-d] FILE...
//	ken kernel snapshot -o FILE | ken kernel info [--kernel FILE]
//	ken contracts generate [-o FILE] [--kernel FILE] | ken contracts check FILE
//	ken synth [--provider P --model M] [--trials N] [--explain] [--kernel FILE] [--compile] [--load] PROMPT...
//	ken eval [--provider P --model M] [--configs LIST] [--limit N] [--prompts IDS] [--json FILE]
//	ken store info | ken store reset
//	ken lsp
//	ken version
//	ken help [COMMAND]
//
// A FILE of "-" means standard input, reported as "<stdin>". Flags may come
// before or after the files; "--" ends the flags.
//
// # Check
//
// ken check runs the analysis pipeline over each file and prints its
// diagnostics, sorted by file name and then by position.
//
// The kernel checked against is this machine's (--kernel live, the
// default), a snapshot made by "ken kernel snapshot" (--kernel FILE), or
// none (--kernel none: kernel-dependent checks are skipped); $KEN_KERNEL
// sets the default. Only the live kernel enables checks of files on this
// machine (uprobe binaries, #include files). The bpftrace version is
// --dialect, else $KEN_DIALECT, else the version printed by
// "bpftrace --version" (--bpftrace CMD or $KEN_BPFTRACE, else bpftrace on
// PATH), else the newest version ken models.
//
// The text format prints one line per diagnostic, followed by one indented
// line per related location:
//
//	file:line:col: severity: message [code]
//		file:line:col: related message
//
// Lines and columns are 1-based; columns count bytes.
//
// The json format prints one array (empty when there is nothing to report)
// of objects with these fields, all always present:
//
//	file      the file name as given ("<stdin>" for standard input)
//	range     {"start": POS, "end": POS}, end exclusive, where POS is
//	          {"line": N, "column": N, "offset": N}: 1-based line, 1-based
//	          byte column, 0-based byte offset
//	severity  "error", "warning", "info" or "hint"
//	code      the stable diagnostic code, such as "ken/syntax" ("" if none)
//	source    the stage that found it, such as "ken" or "bpftrace"
//	message   the text for people
//	related   [{"file", "range", "message"}], other locations in the file
//	fixes     [{"title", "edits": [{"range", "newText"}]}], suggested changes
//	          to the same file
//
// The sarif format prints a SARIF 2.1.0 log with one run. Its rules are the
// codes that occur; levels are error, warning and note (for info and hint).
// Regions use 1-based lines and 1-based columns counted in UTF-16 code units
// (run.columnKind "utf16CodeUnits", the SARIF default); endColumn is
// exclusive. Relative file names become relative URIs with uriBaseId
// "%SRCROOT%", so run ken from the repository root for code scanning;
// absolute names become file URIs.
//
// # Fmt
//
// ken fmt prints the canonical formatting of each file. With -l it lists the
// files whose formatting differs, with -d it prints a unified diff, and with
// -w it rewrites the files in place (through a temporary file and a rename,
// keeping the file mode). A file with syntax errors is never changed: its
// diagnostics are printed on standard error in the text format.
//
// # Synthesis
//
// ken synth turns an English prompt into a bpftrace program that passes
// every configured stage and prints only that program on standard output;
// the trials, the program's origin and, when nothing passed, what detail to
// add go to standard error (--explain adds every trial's program, failing
// stage and the feedback given to the next). The model comes from
// --provider, --model, --base-url and --api-key-env, or $KEN_PROVIDER,
// $KEN_MODEL, $KEN_BASE_URL and $KEN_API_KEY_ENV; --api-key-env names the
// variable holding the key, never the key, and no output ever contains it.
// With no provider, synth answers from the closest verified examples.
// Verified model answers are learned into the store that ken store shows and
// resets ($KEN_CACHE_DIR/store.json, else ~/.cache/ken/store.json); --no-store
// leaves it alone. Exit status: 0 verified, 1 not verified, 2 usage or model
// errors.
//
// ken eval runs the evaluation set (datasets/eval) under the KEN paper's
// configurations (one-shot, feedback, symbex, retrieval) and prints per
// configuration the accuracy, false positives and false negatives, then each
// prompt's outcome and time; --json FILE writes all of it. A program is
// correct when it passes ken's analysis (and --compile, --load) without
// errors and meets the prompt's expectations. Offline, only retrieval runs.
//
// # Exit status
//
// For check, verify and fmt: 0 when no file has an error diagnostic, 1
// when one has, 2 for usage errors and for files that cannot be read or
// written; the other files are still processed. Synth and eval say theirs
// above.
package main
