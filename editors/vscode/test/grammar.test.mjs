// Tests of the TextMate grammar: golden token dumps of test/fixtures/*.bt,
// targeted scope assertions, and a pass over ken's corpus of valid programs.
// UPDATE_GOLDEN=1 npm test rewrites the golden files.

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { formatTokens, tokenize } from "./tokenize.mjs";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const corpus = fileURLToPath(new URL("../../../analysis/testdata/valid/", import.meta.url));
const goldenHeader =
	"# line:start-end \"token\"  scopes below source.bpftrace (1-based columns, end exclusive)\n";

for (const name of readdirSync(fixtures).filter((f) => f.endsWith(".bt")).sort()) {
	test(`golden ${name}`, async () => {
		const { tokens, depth } = await tokenize(readFileSync(fixtures + name, "utf8"));
		assert.equal(depth, 1, "a begin/end rule is still open at the end of the file");
		const got = goldenHeader + formatTokens(tokens);
		const golden = fixtures + name + ".golden";
		if (process.env.UPDATE_GOLDEN) {
			writeFileSync(golden, got);
		}
		assert.ok(existsSync(golden), `${golden} is missing: run UPDATE_GOLDEN=1 npm test`);
		assert.equal(got, readFileSync(golden, "utf8"), `${name} tokenizes differently: review, then UPDATE_GOLDEN=1 npm test`);
	});
}

/** Returns the scopes of each token of code whose text is exactly text, in order. */
async function scopesOf(code, text) {
	const { tokens } = await tokenize(code);
	const found = tokens.filter((t) => t.text === text).map((t) => t.scopes);
	assert.ok(found.length > 0, `no token ${JSON.stringify(text)} in ${JSON.stringify(code)}; tokens: ${formatTokens(tokens)}`);
	return found;
}

/** Asserts that the first token spelled text in code has scope (or a scope below it). */
async function assertScope(code, text, scope) {
	const [scopes] = await scopesOf(code, text);
	assert.ok(
		scopes.some((s) => s === scope || s.startsWith(scope + ".")),
		`${JSON.stringify(text)} has scopes [${scopes.join(" ")}], want ${scope}`,
	);
}

const probe = (body) => `kprobe:do_sys_open\n{\n\t${body}\n}\n`;

const cases = [
	["a map", probe("@opens[comm] = count();"), "@opens", "variable.other.map.bpftrace"],
	["the anonymous map", probe("@ = count();"), "@", "variable.other.map.bpftrace"],
	["a scratch variable", probe("$fd = 1;"), "$fd", "variable.other.scratch.bpftrace"],
	["a positional parameter", probe("$n = $1 + $#;"), "$1", "variable.parameter.positional.bpftrace"],
	["the parameter count", probe("$n = $1 + $#;"), "$#", "variable.parameter.positional.bpftrace"],
	["a probe provider", probe(""), "kprobe", "support.type.probe.bpftrace"],
	["a probe alias", "kr:vfs_read { }", "kr", "support.type.probe.bpftrace"],
	["lowercase begin", "begin { }", "begin", "support.type.probe.bpftrace"],
	["a probed function", probe(""), "do_sys_open", "entity.name.function.probe.bpftrace"],
	["a tracepoint category", "tracepoint:sched:sched_switch { }", "sched", "entity.name.namespace.probe.bpftrace"],
	["a wildcard", "tracepoint:syscalls:sys_enter_* { }", "*", "keyword.operator.wildcard.bpftrace"],
	["a uprobe path", "uprobe:/bin/bash:readline { }", "/bin/bash", "string.unquoted.path.bpftrace"],
	["a quoted C++ symbol", 'uprobe:/bin/x:cpp:"ns::f" { }', '"ns::f"', "string.quoted.double.bpftrace"],
	["a probe offset", "kprobe:f+0x10 { }", "0x10", "constant.numeric.integer.bpftrace"],
	["a probe label", "opens=kprobe:f { }", "opens", "entity.name.label.bpftrace"],
	["an interval unit", "interval:s:1 { }", "s", "keyword.other.unit.bpftrace"],
	["a predicate", "kprobe:f /pid == 1/ { }", "/", "punctuation.definition.predicate.begin.bpftrace"],
	["a printf placeholder", probe('printf("%-10s %d\\n", comm, pid);'), "%-10s", "constant.other.placeholder.bpftrace"],
	["a buffer placeholder", probe('printf("%rx", buf(arg0, 4));'), "%rx", "constant.other.placeholder.bpftrace"],
	["a strftime conversion", probe('printf("%s", strftime("%H:%M", nsecs));'), "%H", "constant.other.placeholder.bpftrace"],
	["an escape", probe('printf("\\x1b[0m\\n");'), "\\x1b", "constant.character.escape.bpftrace"],
	["a bad escape", probe('printf("\\q");'), "\\q", "invalid.illegal.unknown-escape.bpftrace"],
	["a line comment", "// counts opens\nBEGIN { }", " counts opens", "comment.line.double-slash.bpftrace"],
	["a block comment", "/* x */ BEGIN { }", " x ", "comment.block.bpftrace"],
	["an annotation's verb", probe("//@ reached whenever $ms > 10\n@x = 1;"), "reached whenever", "keyword.other.annotation.bpftrace"],
	["an annotation's expression", probe("//@ assert $ms > 10\n@x = 1;"), "$ms", "variable.other.scratch.bpftrace"],
	["a shebang", "#!/usr/bin/env bpftrace\nBEGIN { }", "/usr/bin/env bpftrace", "comment.line.shebang.bpftrace"],
	["an include", "#include <linux/sched.h>\nBEGIN { }", "<linux/sched.h>", "string.quoted.other.lt-gt.include.bpftrace"],
	["a define", "#define LEN 16\nBEGIN { }", "LEN", "entity.name.constant.preprocessor.bpftrace"],
	["a builtin variable", "kretprobe:f { @r = retval; }", "retval", "variable.language.builtin.bpftrace"],
	["argN", probe("@a = arg0;"), "arg0", "variable.language.builtin.bpftrace"],
	["a field, not a builtin", probe("@c = args.comm;"), "comm", "variable.other.member.bpftrace"],
	["a field through a pointer", probe("@c = $t->pid;"), "pid", "variable.other.member.bpftrace"],
	["a builtin function", probe("exit();"), "exit", "support.function.builtin.bpftrace"],
	["a user function call", probe("@x = clamp(1);"), "clamp", "entity.name.function.bpftrace"],
	["a keyword", probe("if (pid > 1) { return; }"), "if", "keyword.control.conditional.bpftrace"],
	["a loop keyword", probe("unroll (2) { }"), "unroll", "keyword.control.loop.bpftrace"],
	["let", probe("let $x: uint64 = 1;"), "let", "storage.type.let.bpftrace"],
	["a type annotation", probe("let $x: uint64 = 1;"), "uint64", "storage.type.builtin.bpftrace"],
	["sizeof", probe("@s = sizeof(struct task_struct);"), "sizeof", "keyword.operator.sizeof.bpftrace"],
	["a struct in a cast", probe("$t = (struct task_struct *)curtask;"), "task_struct", "entity.name.type.struct.bpftrace"],
	["a pointer in a cast", probe("$t = (struct task_struct *)curtask;"), "*", "storage.modifier.pointer.bpftrace"],
	["an array cast", probe("$a = (int8[4])arg0;"), "int8", "storage.type.builtin.bpftrace"],
	["a decimal", probe("@x = 1_000;"), "1_000", "constant.numeric.integer.decimal.bpftrace"],
	["a hex number", probe("@x = 0x1f;"), "0x1f", "constant.numeric.integer.hexadecimal.bpftrace"],
	["an octal number", probe("@x = 017;"), "017", "constant.numeric.integer.octal.bpftrace"],
	["a duration", probe("@x = 10ms;"), "10", "constant.numeric.integer.decimal.bpftrace"],
	["a duration's unit", probe("@x = 10ms;"), "ms", "constant.numeric.integer.decimal.bpftrace"],
	["a range", probe("for ($i : 0..4) { }"), "..", "keyword.operator.range.bpftrace"],
	["a compound assignment", probe("$x <<= 2;"), "<<=", "keyword.operator.assignment.compound.bpftrace"],
	["a C struct name", "struct hdr { int magic; };\nBEGIN { }", "hdr", "entity.name.type.struct.bpftrace"],
	["a C struct field", "struct hdr { int magic; };\nBEGIN { }", "magic", "variable.other.member.bpftrace"],
	["an enum member", "enum s { RUNNING = 0 };\nBEGIN { }", "RUNNING", "variable.other.enummember.bpftrace"],
	["config", "config = { max_map_keys = 10 }\nBEGIN { }", "max_map_keys", "variable.other.property.bpftrace"],
	["a map declaration", "let @m = lruhash(10);\nBEGIN { }", "lruhash", "support.type.map.bpftrace"],
	["a macro", "macro twice(x) { x * 2 }\nBEGIN { }", "twice", "entity.name.function.macro.bpftrace"],
	["import", 'import "lib.bt";\nBEGIN { }', "import", "keyword.control.import.bpftrace"],
];

for (const [what, code, text, scope] of cases) {
	test(`scope of ${what}`, () => assertScope(code, text, scope));
}

test("a header on the line after a block comment is a probe", () =>
	assertScope("/* renameat2(2) */ tracepoint:syscalls:sys_enter_renameat2\n{ }", "tracepoint", "support.type.probe.bpftrace"));

test("division inside a predicate does not close it", async () => {
	const { tokens } = await tokenize("kprobe:f\n/ nsecs / 1000 > 5 /\n{ }");
	const slashes = tokens.filter((t) => t.text === "/").map((t) => t.scopes.at(-1));
	assert.deepEqual(slashes, [
		"punctuation.definition.predicate.begin.bpftrace",
		"keyword.operator.arithmetic.bpftrace",
		"punctuation.definition.predicate.end.bpftrace",
	]);
});

test("a probe in column one ends a block left open", async () => {
	const { tokens, depth } = await tokenize("kprobe:f\n{\n\t@x = 1;\n\nkprobe:g\n{\n}\nEND { }\n");
	const providers = tokens.filter((t) => t.scopes.includes("support.type.probe.bpftrace")).map((t) => t.text);
	assert.deepEqual(providers, ["kprobe", "kprobe", "END"]);
	assert.equal(depth, 1);
});

// Every program in ken's corpus must leave no begin/end rule open, have no
// invalid scopes, and have its probe headers recognised.
const providers = new Set(
	("kprobe kretprobe uprobe uretprobe usdt tracepoint rawtracepoint profile interval software hardware watchpoint " +
		"asyncwatchpoint fentry fexit kfunc kretfunc iter BEGIN END begin end self test bench " +
		"k kr u ur U t rt p i s h w aw f fr it").split(" "),
);
const corpusFiles = existsSync(corpus) ? readdirSync(corpus).filter((f) => f.endsWith(".bt")).sort() : [];

test("corpus of valid programs", { skip: corpusFiles.length === 0 && "analysis/testdata/valid is not here" }, async () => {
	for (const name of corpusFiles) {
		const text = readFileSync(corpus + name, "utf8");
		const { tokens, depth } = await tokenize(text);
		assert.equal(depth, 1, `${name}: a begin/end rule is still open at the end`);
		const invalid = tokens.find((t) => t.scopes.some((s) => s.startsWith("invalid")));
		assert.equal(invalid, undefined, `${name}: invalid token ${JSON.stringify(invalid)}`);
		text.split("\n").forEach((line, i) => {
			const provider = /^([A-Za-z_]+)(?=[:,{\s]|$)/.exec(line)?.[1];
			if (provider === undefined || !providers.has(provider)) {
				return;
			}
			const first = tokens.find((t) => t.line === i + 1);
			assert.ok(
				first.scopes.includes("support.type.probe.bpftrace"),
				`${name}:${i + 1}: ${JSON.stringify(first.text)} has scopes [${first.scopes.join(" ")}]`,
			);
		});
	}
});
