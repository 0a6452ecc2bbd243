// Tests of the extension's activation against a stand-in for the vscode
// module: the commands it registers and what it tells the user when the
// ken binary is missing. Starting a real server needs VS Code itself.

import assert from "node:assert/strict";
import Module, { createRequire } from "node:module";
import { test } from "node:test";

/** Returns a stand-in vscode API that records what the extension does. */
function fakeVSCode(settings) {
	const calls = { commands: [], errors: [], executed: [], output: [] };
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
		},
		workspace: {
			workspaceFolders: undefined,
			getConfiguration: () => ({ get: (key, fallback) => settings[key] ?? fallback }),
			onDidChangeConfiguration: () => ({ dispose: () => {} }),
		},
		commands: {
			registerCommand: (id, run) => {
				calls.commands.push(id);
				return { dispose: () => {}, run };
			},
			executeCommand: async (...args) => calls.executed.push(args.join(" ")),
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
	assert.deepEqual(calls.commands, ["ken.restartServer", "ken.showOutput"]);
	assert.equal(calls.errors.length, 1);
	assert.match(calls.errors[0], /make build/);
	assert.match(calls.errors[0], /ken\.path/);
	assert.match(calls.errors[0], /\/nonexistent\/ken/);
	await new Promise((resolve) => setImmediate(resolve));
	assert.deepEqual(calls.executed, ["workbench.action.openSettings ken.path"]);
	assert.ok(calls.output.some((line) => line.includes("/nonexistent/ken")));
	assert.ok(context.subscriptions.length >= 3);
});
