// The ken extension: runs `ken lsp` as the language server for bpftrace
// files. Highlighting comes from the TextMate grammar in syntaxes/ and needs
// no code. Synthesis from comments is the server's code action, whose
// command (ken.synthesize) the language client registers and forwards to
// the server; ken.synthesizeFromComment only finds that action at the
// cursor, for the command palette and key bindings.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { findExecutable } from "./executable";

/** Settings the server reads only when it starts: a change restarts it. */
const restartSettings = ["ken.path", "ken.kernel", "ken.dialect", "ken.bpftrace"];

let output: vscode.OutputChannel;
let client: LanguageClient | undefined;
/** Runs starts and stops one after another, so that they never overlap. */
let queue: Promise<void> = Promise.resolve();

/** Creates the output channel and the commands, and starts the server. */
export function activate(context: vscode.ExtensionContext): void {
	output = vscode.window.createOutputChannel("ken");
	context.subscriptions.push(
		output,
		vscode.commands.registerCommand("ken.restartServer", () => enqueue(restart)),
		vscode.commands.registerCommand("ken.showOutput", () => output.show(true)),
		vscode.commands.registerCommand("ken.synthesizeFromComment", synthesizeFromComment),
		vscode.workspace.onDidChangeConfiguration((event) => {
			if (restartSettings.some((section) => event.affectsConfiguration(section))) {
				void enqueue(restart);
			}
		}),
	);
	void enqueue(start);
}

/** Stops the server when VS Code shuts the extension down. */
export function deactivate(): Promise<void> {
	return enqueue(stop);
}

/** Queues task after the ones already queued; its errors go to the output channel. */
function enqueue(task: () => Promise<void>): Promise<void> {
	queue = queue.then(task).catch((err) => output.appendLine(`ken: ${err instanceof Error ? err.message : String(err)}`));
	return queue;
}

/**
 * Returns the "ken" settings as plain JSON: the initializationOptions, in
 * the shape workspace/didChangeConfiguration sends them later.
 */
function settings(): object {
	const config = vscode.workspace.getConfiguration("ken");
	return {
		path: config.get<string>("path", "ken"),
		kernel: config.get<string>("kernel", ""),
		dialect: config.get<string>("dialect", ""),
		bpftrace: config.get<string>("bpftrace", "bpftrace"),
		trace: { server: config.get<string>("trace.server", "off") },
		inlayHints: { enable: config.get<boolean>("inlayHints.enable", true) },
		symbex: { enable: config.get<boolean>("symbex.enable", true) },
		compileOnSave: config.get<boolean>("compileOnSave", true),
		kernelVerifier: config.get<boolean>("kernelVerifier", true),
		// The key's variable name is sent, never the key: the server reads
		// the key from its own environment.
		synthesis: {
			provider: config.get<string>("synthesis.provider", ""),
			model: config.get<string>("synthesis.model", ""),
			baseURL: config.get<string>("synthesis.baseURL", ""),
			apiKeyEnv: config.get<string>("synthesis.apiKeyEnv", ""),
			embeddingModel: config.get<string>("synthesis.embeddingModel", ""),
			trials: config.get<number>("synthesis.trials", 3),
			autoRegenerate: config.get<boolean>("synthesis.autoRegenerate", false),
			store: config.get<boolean>("synthesis.store", true),
			sharedQdrant: config.get<string>("synthesis.sharedQdrant", ""),
			sharedCollection: config.get<string>("synthesis.sharedCollection", "ken-examples"),
		},
	};
}

/** Titles of the server's code actions that synthesize from the prompt comment. */
const synthesisTitles = ["Synthesize bpftrace from comment", "Regenerate bpftrace from comment"];

/**
 * Runs the server's synthesis code action for the prompt comment at the
 * cursor, or says why there is none.
 */
async function synthesizeFromComment(): Promise<void> {
	const editor = vscode.window.activeTextEditor;
	if (editor === undefined || editor.document.languageId !== "bpftrace") {
		void vscode.window.showInformationMessage("ken: put the cursor on a comment in a bpftrace file that describes what to trace.");
		return;
	}
	const found = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[] | undefined>(
		"vscode.executeCodeActionProvider",
		editor.document.uri,
		editor.selection,
	);
	// A CodeAction's command is an object; a bare Command's is a string.
	const action = (found ?? []).find((a): a is vscode.CodeAction => {
		const command = a.command;
		return typeof command === "object" && command.command === "ken.synthesize" && synthesisTitles.includes(a.title);
	});
	if (action === undefined || action.command === undefined) {
		void vscode.window.showInformationMessage(
			"ken: there is no prompt comment at the cursor. Describe what to trace in // comments on their own lines, outside any probe.",
		);
		return;
	}
	if (action.disabled !== undefined) {
		void vscode.window.showWarningMessage(`ken: ${action.disabled.reason}`);
		return;
	}
	await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Finds the ken binary and starts `ken lsp`, or explains why it cannot. */
async function start(): Promise<void> {
	const setting = vscode.workspace.getConfiguration("ken").get<string>("path", "ken");
	const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
	const command = findExecutable(setting, folder);
	if (command === undefined) {
		output.appendLine(`ken: cannot find the ken binary "${setting}" (ken.path)`);
		void showMissingBinary(setting);
		return;
	}
	output.appendLine(`ken: starting ${command} lsp`);
	// No transport: the client then talks over stdio without adding
	// --stdio to the arguments (ken lsp accepts it, older ken did not).
	const serverOptions: ServerOptions = { command, args: ["lsp"], options: { cwd: folder } };
	const clientOptions: LanguageClientOptions = {
		documentSelector: [{ language: "bpftrace" }],
		initializationOptions: settings(),
		synchronize: { configurationSection: "ken" },
		outputChannel: output,
		traceOutputChannel: output,
	};
	client = new LanguageClient("ken", "ken", serverOptions, clientOptions);
	// The client reports a failed start itself; the rejection needs no more.
	await client.start().catch(() => undefined);
}

/** Tells the user how to get a ken binary, with a button to the setting. */
async function showMissingBinary(setting: string): Promise<void> {
	const openSetting = "Open Setting";
	const choice = await vscode.window.showErrorMessage(
		`ken: cannot find the ken binary "${setting}". Build it with \`make build\` in the ken repository ` +
			"(it writes bin/ken), then put it on PATH or set ken.path to its path.",
		openSetting,
	);
	if (choice === openSetting) {
		await vscode.commands.executeCommand("workbench.action.openSettings", "ken.path");
	}
}

/** Stops the server, if one is running. */
async function stop(): Promise<void> {
	const running = client;
	client = undefined;
	if (running !== undefined) {
		await running.stop().catch((err) => output.appendLine(`ken: stopping the server: ${err}`));
	}
}

/** Stops the server and starts it again with the current settings. */
async function restart(): Promise<void> {
	await stop();
	await start();
}
