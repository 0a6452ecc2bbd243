// Tests of the extension's activation against a stand-in for the vscode
// module: the commands it registers and what it tells the user when the
// ken binary is missing. Starting a real server needs VS Code itself.

import assert from "node:assert/strict";
import Module, { createRequire } from "node:module";
import { test } from "node:test";

/** Returns a stand-in vscode API that records what the extension does. */
function fakeVSCode(settings, { editor, codeActions = [] } = {}) {
	const calls = { commands: [], handlers: {}, errors: [], infos: [], warnings: [], executed: [], output: [] };
	const api = {
		window: {
			createOutputChannel: (name) => ({
				name,
				appendLine: (line) => calls.output.push(line),
				show: () => calls.executed.push("show output"),
				dispose: () => {},
			}),
			showErrorMessage: async (message, ...items) => {
				calls.errors.push(message);
				return items[0];
			},
			showInformationMessage: async (message) => calls.infos.push(message),
			showWarningMessage: async (message) => calls.warnings.push(message),
			activeTextEditor: editor,
		},
		workspace: {
			workspaceFolders: undefined,
			getConfiguration: () => ({ get: (key, fallback) => settings[key] ?? fallback }),
			onDidChangeConfiguration: () => ({ dispose: () => {} }),
		},
		commands: {
			registerCommand: (id, run) => {
				calls.commands.push(id);
				calls.handlers[id] = run;
				return { dispose: () => {}, run };
			},
			executeCommand: async (...args) => {
				if (args[0] === "vscode.executeCodeActionProvider") {
					return codeActions;
				}
				calls.executed.push(args.map((a) => (typeof a === "object" ? JSON.stringify(a) : a)).join(" "));
			},
		},
	};
	// vscode-languageclient subclasses vscode classes when it is loaded.
	const vscode = new Proxy(api, {
		get: (target, key) => (key in target ? target[key] : /^[A-Z]/.test(String(key)) ? class {} : undefined),
	});
	return { vscode, calls };
}

/** Loads out/extension.js afresh with vscode resolving to the stand-in. */
function loadExtension(vscode) {
	const require = createRequire(import.meta.url);
	const load = Module._load;
	Module._load = function (request, ...rest) {
		return request === "vscode" ? vscode : load.call(this, request, ...rest);
	};
	try {
		const file = require.resolve("../out/extension.js");
		delete require.cache[file];
		return require(file);
	} finally {
		Module._load = load;
	}
}

test("a missing ken binary is explained, with a way to the setting", async () => {
	const { vscode, calls } = fakeVSCode({ path: "/nonexistent/ken" });
	const extension = loadExtension(vscode);
	const context = { subscriptions: [] };
	extension.activate(context);
	await extension.deactivate();
	assert.deepEqual(calls.commands, ["ken.restartServer", "ken.showOutput", "ken.synthesizeFromComment"]);
	assert.equal(calls.errors.length, 1);
	assert.match(calls.errors[0], /make build/);
	assert.match(calls.errors[0], /ken\.path/);
	assert.match(calls.errors[0], /\/nonexistent\/ken/);
	await new Promise((resolve) => setImmediate(resolve));
	assert.deepEqual(calls.executed, ["workbench.action.openSettings ken.path"]);
	assert.ok(calls.output.some((line) => line.includes("/nonexistent/ken")));
	assert.ok(context.subscriptions.length >= 3);
});

/** Runs ken.synthesizeFromComment in a stand-in editor with these code actions. */
async function synthesizeWith(editor, codeActions) {
	const { vscode, calls } = fakeVSCode({ path: "/nonexistent/ken" }, { editor, codeActions });
	const extension = loadExtension(vscode);
	extension.activate({ subscriptions: [] });
	await calls.handlers["ken.synthesizeFromComment"]();
	await extension.deactivate();
	return calls;
}

const bpftraceEditor = {
	document: { languageId: "bpftrace", uri: "file:///t.bt" },
	selection: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } },
};
const args = { uri: "file:///t.bt", version: 1, promptOffset: 0 };

test("synthesize from comment runs the server's action at the cursor", async () => {
	const calls = await synthesizeWith(bpftraceEditor, [
		{ title: "Change to 'filename'", edit: {} },
		{ title: "ken: something", command: "ken.other" },
		{ title: "Synthesize bpftrace from comment", command: { title: "Synthesize", command: "ken.synthesize", arguments: [args] } },
	]);
	assert.ok(calls.executed.includes(`ken.synthesize ${JSON.stringify(args)}`), calls.executed.join("\n"));
	assert.deepEqual(calls.infos, []);
});

test("synthesize from comment explains what is missing", async () => {
	let calls = await synthesizeWith(undefined, []);
	assert.match(calls.infos[0], /comment in a bpftrace file/);
	calls = await synthesizeWith(bpftraceEditor, [{ title: "Change to 'filename'", edit: {} }]);
	assert.match(calls.infos[0], /no prompt comment at the cursor/);
	calls = await synthesizeWith(bpftraceEditor, [{
		title: "Regenerate bpftrace from comment",
		disabled: { reason: "the generated code below this comment was edited by hand" },
		command: { title: "Regenerate", command: "ken.synthesize", arguments: [args] },
	}]);
	assert.match(calls.warnings[0], /edited by hand/);
	assert.ok(!calls.executed.some((c) => c.startsWith("ken.synthesize")));
});
