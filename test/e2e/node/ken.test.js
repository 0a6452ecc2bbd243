'use strict';
// ken.test.js: ken lsp end to end, as an editor drives it. Run with
// "npm test" after building bin/ken (or with KEN_BIN set); see README.md.

const assert = require('node:assert/strict');
const { describe, test, before, after } = require('node:test');
const {
	CancellationTokenSource,
	ResponseError,
	LSPErrorCodes,
	Trace,
} = require('vscode-languageserver-protocol/node');
const { KenClient, applyEdits, editsFor, hoverText, settings } = require('./client');

// gated lists capabilities whose tests are skipped (with a note) while the
// server does not advertise them; a capability missing from this set is
// required, and its test fails when the server does not advertise it.
const gated = new Set();

// errorProgram reads retval in a kprobe: ken/builtin-probe-kind at 2:16.
const errorProgram = 'kprobe:vfs_read\n{\n\tprintf("%d\\n", retval);\n}\n';
const retval = { line: 2, character: 16 };

// fieldProgram misspells a tracepoint field; the quick fix renames it.
const fieldProgram = 'tracepoint:syscalls:sys_enter_openat { printf("%s\\n", str(args->filname)); }\n';

describe('ken lsp', { timeout: 60000 }, () => {
	let ken;
	let stopped = false;

	before(async () => {
		ken = await KenClient.start();
	});

	after(() => {
		if (!stopped && ken) ken.kill();
	});

	// needs reports whether the server advertises capability; for a
	// gated capability it skips the test when not, otherwise it fails.
	function needs(t, capability) {
		if (ken.capabilities[capability]) return true;
		if (gated.has(capability)) {
			t.skip(`${capability} is not advertised yet (gated)`);
			return false;
		}
		assert.fail(`the server does not advertise ${capability}; it has ${Object.keys(ken.capabilities).join(', ')}`);
	}

	// analysed waits for the diagnostics of version 1 of uri, which means
	// that the document has been analysed.
	function analysed(uri) {
		return ken.diagnostics(uri, (p) => p.version === 1, 'diagnostics for version 1');
	}

	test('initialize advertises incremental sync, code actions and formatting', () => {
		const caps = ken.capabilities;
		assert.equal(ken.serverInfo && ken.serverInfo.name, 'ken');
		assert.equal(caps.textDocumentSync.openClose, true);
		assert.equal(caps.textDocumentSync.change, 2, 'incremental sync');
		assert.ok(caps.codeActionProvider, 'codeActionProvider');
		assert.ok(caps.documentFormattingProvider, 'documentFormattingProvider');
	});

	test('diagnostics are published for version 1 and cleared by an incremental fix at version 2', async () => {
		const uri = ken.open('diagnostics.bt', errorProgram);
		const first = await ken.diagnostics(uri, (p) => p.version === 1, 'diagnostics for version 1');
		assert.equal(first.diagnostics.length, 1, JSON.stringify(first.diagnostics));
		const d = first.diagnostics[0];
		assert.equal(d.code, 'ken/builtin-probe-kind');
		assert.equal(d.severity, 1, 'error');
		assert.deepEqual(d.range, { start: retval, end: { line: 2, character: 22 } });
		assert.match(d.message, /retval/);

		const v2 = ken.change(uri, [{
			range: { start: retval, end: { line: 2, character: 22 } },
			rangeLength: 6,
			text: 'arg2',
		}]);
		assert.equal(v2, 2);
		const second = await ken.diagnostics(uri, (p) => p.version === 2, 'diagnostics for version 2');
		assert.deepEqual(second.diagnostics, []);
		ken.close(uri);
	});

	test('the ken/unknown-field quick fix is a versioned edit that clears the error', async () => {
		const uri = ken.open('fix.bt', fieldProgram);
		const pub = await analysed(uri);
		const d = pub.diagnostics.find((x) => x.code === 'ken/unknown-field');
		assert.ok(d, `no ken/unknown-field in ${JSON.stringify(pub.diagnostics)}`);

		const actions = await ken.request('textDocument/codeAction', {
			textDocument: { uri },
			range: d.range,
			context: { diagnostics: [d], only: ['quickfix'] },
		});
		assert.ok(Array.isArray(actions), JSON.stringify(actions));
		const fix = actions.find((a) => a.title === "Change to 'filename'");
		assert.ok(fix, `no "Change to 'filename'" among ${JSON.stringify(actions.map((a) => a.title))}`);
		assert.equal(fix.kind, 'quickfix');
		assert.ok(fix.edit && fix.edit.documentChanges, `the fix has no documentChanges: ${JSON.stringify(fix)}`);
		const { edits, version } = editsFor(fix.edit, uri);
		assert.equal(version, 1, 'the edit is for the version the diagnostics came from');
		const fixed = applyEdits(fieldProgram, edits);
		assert.match(fixed, /str\(args->filename\)/);

		ken.change(uri, edits.map((e) => ({ range: e.range, text: e.newText })));
		const after = await ken.diagnostics(uri, (p) => p.version === 2, 'diagnostics for version 2');
		assert.deepEqual(after.diagnostics, []);
		ken.close(uri);
	});

	test('hover on retval and printf', async (t) => {
		if (!needs(t, 'hoverProvider')) return;
		const uri = ken.open('hover.bt', errorProgram);
		await analysed(uri);
		for (const [word, position] of [['retval', { line: 2, character: 18 }], ['printf', { line: 2, character: 3 }]]) {
			const hover = await ken.request('textDocument/hover', { textDocument: { uri }, position });
			assert.ok(hover, `no hover on ${word}`);
			const text = hoverText(hover);
			assert.match(text, new RegExp(word), `the hover on ${word} says: ${text}`);
			if (hover.range) {
				assert.equal(hover.range.start.line, 2);
				assert.ok(hover.range.start.character <= position.character && position.character < hover.range.end.character,
					`hover range ${JSON.stringify(hover.range)} does not cover ${word}`);
			}
			t.diagnostic(`hover on ${word}: ${JSON.stringify(text)}`);
		}
		ken.close(uri);
	});

	test('completion after kprobe:tcp_ offers tcp_connect', async (t) => {
		if (!needs(t, 'completionProvider')) return;
		const text = 'kprobe:tcp_\n{\n}\n';
		const uri = ken.open('completion.bt', text);
		await analysed(uri);
		const result = await ken.request('textDocument/completion', {
			textDocument: { uri },
			position: { line: 0, character: 11 },
			context: { triggerKind: 1 },
		});
		assert.ok(result, 'no completion result');
		const items = Array.isArray(result) ? result : result.items;
		const labels = items.map((i) => i.label);
		const item = items.find((i) => /(^|:)tcp_connect$/.test(i.label));
		assert.ok(item, `no tcp_connect among ${labels.length} items: ${labels.slice(0, 20).join(', ')}`);
		if (item.textEdit) {
			const edit = item.textEdit.range ? item.textEdit : { range: item.textEdit.replace, newText: item.textEdit.newText };
			assert.match(applyEdits(text, [edit]).split('\n')[0], /^kprobe:tcp_connect$/);
		}
		ken.close(uri);
	});

	test('rename of a map used twice edits both uses', async (t) => {
		if (!needs(t, 'renameProvider')) return;
		const text = 'kprobe:vfs_read\n{\n\t@reads = count();\n}\n\ninterval:s:1\n{\n\tprint(@reads);\n}\n';
		const uri = ken.open('rename.bt', text);
		await analysed(uri);
		const position = { line: 2, character: 3 };
		// The new name has the sigil when the renamed range has it.
		let newName = '@bytes';
		if (ken.capabilities.renameProvider.prepareProvider) {
			const prep = await ken.request('textDocument/prepareRename', { textDocument: { uri }, position });
			assert.ok(prep, 'prepareRename refused the map');
			const range = prep.range || prep;
			const old = applyEdits(text, [{ range: { start: { line: 0, character: 0 }, end: range.start }, newText: '' }])
				.slice(0, range.end.character - range.start.character);
			assert.match(old, /^@?reads$/, `prepareRename range ${JSON.stringify(prep)}`);
			if (!old.startsWith('@')) newName = 'bytes';
			t.diagnostic(`prepareRename: ${JSON.stringify(prep)}`);
		}
		const edit = await ken.request('textDocument/rename', { textDocument: { uri }, position, newName });
		assert.ok(edit, 'no rename edit');
		const { edits } = editsFor(edit, uri);
		assert.equal(edits.length, 2, JSON.stringify(edit));
		assert.equal(applyEdits(text, edits), text.replaceAll('@reads', '@bytes'));
		ken.close(uri);
	});

	test('a request cancelled with its numeric id gets a result or RequestCancelled, and the server keeps answering', async (t) => {
		const uri = ken.open('cancel.bt', fieldProgram);
		const pub = await analysed(uri);
		const params = {
			textDocument: { uri },
			range: pub.diagnostics.length ? pub.diagnostics[0].range : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
			context: { diagnostics: pub.diagnostics },
		};

		// Whether a cancel arrives before the reply is a race, so several
		// requests are cancelled: about half reach the server in time.
		const requests = [];
		for (let i = 0; i < 10; i++) requests.push(['textDocument/codeAction', params]);
		if (ken.capabilities.completionProvider) {
			const completion = { textDocument: { uri }, position: { line: 0, character: 11 } };
			for (let i = 0; i < 10; i++) requests.push(['textDocument/completion', completion]);
		}

		// Record what the connection sends, to see the $/cancelRequest.
		const sent = [];
		await ken.conn.trace(Trace.Verbose, { log: (message, data) => sent.push(`${message} ${data || ''}`) });
		const outcomes = {};
		const failures = [];
		try {
			for (const [method, p] of requests) {
				const source = new CancellationTokenSource();
				const reply = ken.request(method, p, source.token);
				source.cancel();
				let outcome;
				try {
					await reply;
					outcome = `${method}: result`;
				} catch (err) {
					outcome = `${method}: error ${err.code} ${JSON.stringify(err.message)}`;
					if (!(err instanceof ResponseError) || err.code !== LSPErrorCodes.RequestCancelled) failures.push(outcome);
				}
				outcomes[outcome] = (outcomes[outcome] || 0) + 1;
			}
		} finally {
			await ken.conn.trace(Trace.Off, { log: () => {} });
		}
		t.diagnostic(`replies to cancelled requests: ${JSON.stringify(outcomes)}`);
		assert.deepEqual(failures, [], `cancelled requests must get a result or RequestCancelled (${LSPErrorCodes.RequestCancelled}); replies: ${JSON.stringify(outcomes)}`);
		const cancels = sent.filter((x) => x.includes("'$/cancelRequest'"));
		assert.equal(cancels.length, requests.length, `cancel notifications sent: ${cancels.length}\n${sent.join('\n')}`);
		for (const c of cancels) assert.match(c, /"id": \d+/, c);

		const actions = await ken.request('textDocument/codeAction', params);
		assert.ok(actions.some((a) => a.title === "Change to 'filename'"), JSON.stringify(actions));
		assert.equal(await ken.request('ken/configured', null), true);
		ken.close(uri);
	});

	test('shutdown and exit end the process with status 0', async () => {
		const end = await ken.stop();
		stopped = true;
		assert.deepEqual(end, { code: 0, signal: null }, `ken lsp stderr:\n${ken.stderr}`);
	});
});


// prompt is a comment the offline synthesis answers with a verified example
// from the dataset.
const prompt = '// count TCP retransmits per remote address every 5 seconds\n';

describe('synthesis from comments', { timeout: 60000 }, () => {
	let ken;

	// No model is configured, and no bpftrace runs, so the result does not
	// depend on the machine: the offline synthesis's example, checked by
	// ken's own stages against the snapshot kernel.
	before(async () => {
		ken = await KenClient.start({ ...settings, compileOnSave: false });
	});

	after(async () => {
		if (ken) await ken.stop();
	});

	test('the code action on a prompt comment runs ken.synthesize, which applies a versioned edit', async (t) => {
		const commands = (ken.capabilities.executeCommandProvider || {}).commands || [];
		assert.ok(commands.includes('ken.synthesize'), `executeCommandProvider: ${JSON.stringify(ken.capabilities.executeCommandProvider)}`);
		const uri = ken.open('synth.bt', prompt);
		await ken.diagnostics(uri, (p) => p.version === 1, 'diagnostics for version 1');

		const cursor = { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } };
		const actions = await ken.request('textDocument/codeAction', { textDocument: { uri }, range: cursor, context: { diagnostics: [] } });
		const action = actions.find((a) => a.title === 'Synthesize bpftrace from comment');
		assert.ok(action, `no synthesis action among ${JSON.stringify(actions.map((a) => a.title))}`);
		assert.equal(action.kind, 'quickfix');
		assert.equal(action.command.command, 'ken.synthesize');
		assert.deepEqual(action.command.arguments, [{ uri, version: 1, promptOffset: 0 }]);

		// The server applies the edit before it answers the command.
		const outcome = await ken.request('workspace/executeCommand', { command: action.command.command, arguments: action.command.arguments });
		assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
		assert.equal(outcome.version, 1);
		assert.equal(ken.applied.length, 1, JSON.stringify(ken.applied));
		const { edits, version } = editsFor(ken.applied[0].edit, uri);
		assert.equal(version, 1, 'the edit is for the version the synthesis read');
		const text = applyEdits(prompt, edits);
		t.diagnostic(text);
		assert.ok(text.startsWith(prompt + '// ken: generated sha='), text);
		assert.match(text, /from examples \([^)]*no model used\); checked: parse, semantic, symbolic\n/);
		assert.match(text, /retransmit/);
		assert.ok(text.endsWith('// ken: end of generated code\n'), text);
		assert.ok(ken.messages.some((m) => m.startsWith('showMessage(3): ken: no model was used')), ken.messages.join('\n'));

		// Applied as an editor would, the program is clean, and the action
		// on the prompt becomes Regenerate.
		ken.change(uri, edits.map((e) => ({ range: e.range, text: e.newText })));
		const after = await ken.diagnostics(uri, (p) => p.version === 2, 'diagnostics for version 2');
		assert.deepEqual(after.diagnostics.filter((d) => d.severity <= 2), []);
		const again = await ken.request('textDocument/codeAction', { textDocument: { uri }, range: cursor, context: { diagnostics: [] } });
		assert.ok(again.some((a) => a.title === 'Regenerate bpftrace from comment' && !a.disabled), JSON.stringify(again.map((a) => a.title)));
		ken.close(uri);
	});
});
