// Tokenizes bpftrace text with the extension's TextMate grammar, the way
// VS Code does: vscode-textmate driven by the Oniguruma WASM build.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";

const require = createRequire(import.meta.url);
const grammarPath = fileURLToPath(new URL("../syntaxes/bpftrace.tmLanguage.json", import.meta.url));
const rootScope = "source.bpftrace";

let grammarPromise;

/** Loads the grammar once. */
function loadGrammar() {
	grammarPromise ??= (async () => {
		const wasm = await readFile(require.resolve("vscode-oniguruma/release/onig.wasm"));
		await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
		const registry = new textmate.Registry({
			onigLib: Promise.resolve({
				createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
				createOnigString: (text) => new oniguruma.OnigString(text),
			}),
			loadGrammar: async (scopeName) =>
				scopeName === rootScope ? textmate.parseRawGrammar(await readFile(grammarPath, "utf8"), grammarPath) : null,
		});
		return registry.loadGrammar(rootScope);
	})();
	return grammarPromise;
}

/**
 * Tokenizes text and returns its tokens, one per scope change, with 1-based
 * line and column numbers (end exclusive) and the scopes below the root, and
 * the rule stack depth at the end (1 when every begin/end rule was closed).
 */
export async function tokenize(text) {
	const grammar = await loadGrammar();
	const tokens = [];
	let stack = textmate.INITIAL;
	text.split(/\r?\n/).forEach((line, i) => {
		const result = grammar.tokenizeLine(line, stack);
		for (const t of result.tokens) {
			const end = Math.min(t.endIndex, line.length);
			if (end > t.startIndex) {
				tokens.push({
					line: i + 1,
					start: t.startIndex + 1,
					end: end + 1,
					text: line.slice(t.startIndex, end),
					scopes: t.scopes.filter((s) => s !== rootScope),
				});
			}
		}
		stack = result.ruleStack;
	});
	return { tokens, depth: stack.depth };
}

/** Formats tokens as the golden files hold them: one token a line, blank tokens left out. */
export function formatTokens(tokens) {
	return tokens
		.filter((t) => t.text.trim() !== "")
		.map((t) => `${t.line}:${t.start}-${t.end} ${JSON.stringify(t.text)}  ${t.scopes.join(" ")}`.trimEnd() + "\n")
		.join("");
}
