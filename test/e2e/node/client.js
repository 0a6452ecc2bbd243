'use strict';
// client.js: a small LSP client for the end-to-end tests. It runs ken lsp
// as a child process and talks to it over stdio with the
// vscode-languageserver-protocol connection that VS Code's client uses.

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const {
	createProtocolConnection,
	StreamMessageReader,
	StreamMessageWriter,
} = require('vscode-languageserver-protocol/node');

const repoRoot = path.resolve(__dirname, '..', '..', '..');

// kenBin is the binary under test: $KEN_BIN, else bin/ken of this
// repository. The tests never build it.
const kenBin = path.resolve(process.env.KEN_BIN || path.join(repoRoot, 'bin', 'ken'));

// settings make the tests independent of this machine: a checked-in kernel
// snapshot and a fixed bpftrace version.
const settings = {
	kernel: path.join(repoRoot, 'analysis', 'kernel', 'testdata', 'vmlinux-snapshot.ken'),
	dialect: '0.23',
	inlayHints: true,
};

// timeoutMs bounds every wait, so that a silent server fails a test instead
// of hanging it.
const timeoutMs = 10000;

// withTimeout rejects with what was awaited when promise takes too long.
function withTimeout(promise, what, ms = timeoutMs) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const clientCapabilities = {
	general: { positionEncodings: ['utf-16'] },
	workspace: {
		configuration: true,
		didChangeConfiguration: { dynamicRegistration: false },
		workspaceEdit: { documentChanges: true },
	},
	textDocument: {
		synchronization: { dynamicRegistration: false, didSave: false },
		publishDiagnostics: { versionSupport: true, relatedInformation: true, codeDescriptionSupport: true },
		hover: { contentFormat: ['markdown', 'plaintext'] },
		completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
		codeAction: {
			codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
			isPreferredSupport: true,
		},
		rename: { prepareSupport: true },
		definition: {},
		references: {},
		documentSymbol: { hierarchicalDocumentSymbolSupport: true },
		foldingRange: {},
		formatting: {},
		inlayHint: {},
	},
};

// KenClient is one running ken lsp and the connection to it.
class KenClient {
	constructor(proc, conn, dir) {
		this.proc = proc;
		this.conn = conn;
		this.dir = dir;
		this.stderr = '';
		this.messages = []; // window/showMessage and window/logMessage texts
		this.published = []; // every textDocument/publishDiagnostics, in order
		this.applied = []; // every workspace/applyEdit's params, in order
		this.waiters = new Set();
		this.versions = new Map(); // uri -> version last sent
		this.exited = new Promise((resolve) => {
			proc.on('exit', (code, signal) => resolve({ code, signal }));
		});
	}

	// start runs ken lsp, initializes it with settings and waits until it
	// answers ken/configured with true.
	static async start(initSettings = settings) {
		if (!fs.existsSync(kenBin)) {
			throw new Error(`${kenBin} does not exist: build it first (go build -o bin/ken ./cmd/ken) or set KEN_BIN`);
		}
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ken-e2e-'));
		// The learning store goes to the test's directory, not the user's cache.
		const env = { ...process.env, KEN_CACHE_DIR: path.join(dir, 'cache') };
		// --stdio, as VS Code's language client adds it.
		const proc = childProcess.spawn(kenBin, ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
		const conn = createProtocolConnection(
			new StreamMessageReader(proc.stdout),
			new StreamMessageWriter(proc.stdin),
		);
		const c = new KenClient(proc, conn, dir);
		proc.stderr.on('data', (d) => { c.stderr += d; });
		proc.on('error', (err) => { c.stderr += `spawn: ${err}\n`; });
		conn.onNotification('textDocument/publishDiagnostics', (p) => {
			c.published.push(p);
			for (const w of c.waiters) w(p);
		});
		conn.onNotification('window/showMessage', (p) => c.messages.push(`showMessage(${p.type}): ${p.message}`));
		conn.onNotification('window/logMessage', (p) => c.messages.push(`logMessage(${p.type}): ${p.message}`));
		// Requests from the server: workspace/configuration gets the
		// settings; registrations and progress tokens are accepted; edits
		// are recorded and reported applied (the test applies them to its
		// text and sends the change, as an editor would).
		conn.onRequest((method, params) => {
			if (method === 'workspace/configuration') {
				return (params.items || []).map((it) => (it.section === 'ken' ? initSettings : { ken: initSettings }));
			}
			if (method === 'workspace/applyEdit') {
				c.applied.push(params);
				return { applied: true };
			}
			return null;
		});
		conn.listen();

		const init = await withTimeout(conn.sendRequest('initialize', {
			processId: process.pid,
			clientInfo: { name: 'ken-e2e-node' },
			rootUri: pathToFileURL(dir).href,
			workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'e2e' }],
			capabilities: clientCapabilities,
			initializationOptions: initSettings,
		}), 'the initialize result');
		c.capabilities = init.capabilities;
		c.serverInfo = init.serverInfo;
		conn.sendNotification('initialized', {});
		await c.waitConfigured();
		return c;
	}

	// waitConfigured polls ken/configured until it answers true.
	async waitConfigured() {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const ok = await withTimeout(this.conn.sendRequest('ken/configured', null), 'ken/configured');
			if (ok === true) return;
			if (Date.now() > deadline) {
				throw new Error(`ken/configured still answers ${JSON.stringify(ok)} after ${timeoutMs} ms; server messages: ${this.messages.join('; ')}`);
			}
			await new Promise((r) => setTimeout(r, 20));
		}
	}

	uri(name) {
		return pathToFileURL(path.join(this.dir, name)).href;
	}

	// open sends didOpen for a new document at version 1 and returns its URI.
	open(name, text) {
		const uri = this.uri(name);
		this.versions.set(uri, 1);
		this.conn.sendNotification('textDocument/didOpen', {
			textDocument: { uri, languageId: 'bpftrace', version: 1, text },
		});
		return uri;
	}

	// change sends incremental changes and returns the new version.
	change(uri, contentChanges) {
		const version = this.versions.get(uri) + 1;
		this.versions.set(uri, version);
		this.conn.sendNotification('textDocument/didChange', {
			textDocument: { uri, version },
			contentChanges,
		});
		return version;
	}

	close(uri) {
		this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
	}

	// diagnostics resolves with the first publishDiagnostics for uri, seen
	// already or still to come, for which accept returns true.
	diagnostics(uri, accept, what) {
		const seen = this.published.find((p) => p.uri === uri && accept(p));
		if (seen) return Promise.resolve(seen);
		let waiter;
		const p = new Promise((resolve) => {
			waiter = (q) => {
				if (q.uri === uri && accept(q)) resolve(q);
			};
			this.waiters.add(waiter);
		});
		const got = () => this.published.filter((q) => q.uri === uri).map((q) => JSON.stringify(q)).join('\n  ');
		return withTimeout(p, `${what} (received for ${uri}:\n  ${got() || 'nothing'})`)
			.finally(() => this.waiters.delete(waiter));
	}

	// request sends a request. A token must be passed only when there is
	// one: vscode-jsonrpc sends (params, undefined) as an array of two.
	request(method, params, token) {
		const reply = token ? this.conn.sendRequest(method, params, token) : this.conn.sendRequest(method, params);
		return withTimeout(reply, `the reply to ${method}`);
	}

	// stop sends shutdown and exit and resolves with how the process ended.
	async stop() {
		await this.request('shutdown', null);
		this.conn.sendNotification('exit');
		const end = await withTimeout(this.exited, 'ken lsp to exit after exit');
		this.conn.dispose();
		fs.rmSync(this.dir, { recursive: true, force: true });
		return end;
	}

	// kill ends the process when a test failed before stop.
	kill() {
		if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
		this.conn.dispose();
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

// applyEdits applies LSP TextEdits (UTF-16 positions) to text.
function applyEdits(text, edits) {
	const lineStarts = [0];
	for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
	const offset = (pos) => {
		if (pos.line >= lineStarts.length) return text.length;
		return Math.min(lineStarts[pos.line] + pos.character, text.length);
	};
	const sorted = edits
		.map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), newText: e.newText }))
		.sort((a, b) => b.start - a.start || b.end - a.end);
	for (const e of sorted) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
	return text;
}

// editsFor returns the TextEdits a WorkspaceEdit makes to uri, and the
// document version they are for (undefined without documentChanges).
function editsFor(edit, uri) {
	const edits = [];
	let version;
	for (const dc of edit.documentChanges || []) {
		if (dc.textDocument && dc.textDocument.uri === uri) {
			edits.push(...dc.edits);
			version = dc.textDocument.version;
		}
	}
	if (edit.changes && edit.changes[uri]) edits.push(...edit.changes[uri]);
	return { edits, version };
}

// hoverText flattens a Hover's contents to text.
function hoverText(hover) {
	const one = (c) => (typeof c === 'string' ? c : c.value);
	const c = hover.contents;
	return Array.isArray(c) ? c.map(one).join('\n') : one(c);
}

module.exports = { KenClient, applyEdits, editsFor, hoverText, kenBin, settings, timeoutMs };
