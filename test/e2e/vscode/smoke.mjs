// test/e2e/vscode/smoke.mjs: drives the code-server that run.sh started, in
// headless Chromium, through the ken extension's features as a person would
// use them. run.sh sets KEN_E2E_URL (the workbench), KEN_E2E_SHOTS (where the
// screenshots go) and KEN_E2E_TMP (for a trace on failure).
//
// Checks, each fatal:
//   1. mistakes.bt: ken's error about retval in a kprobe reaches the editor
//      (a squiggle) and the Problems panel.
//   2. demo.bt: "ken: Synthesize bpftrace from comment" on the prompt comment
//      inserts a generated program, between ken's markers, whose probe is
//      about TCP retransmits.
//   3. ken.compileOnSave false: the settings reach the server, and saving
//      runs no bpftrace stage.
// Checks reported but not fatal: a hover from ken, inlay hints.

import { chromium } from "playwright-core";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

const url = process.env.KEN_E2E_URL;
const shots = process.env.KEN_E2E_SHOTS ?? "/tmp";
if (!url) {
	console.error("smoke.mjs: KEN_E2E_URL is not set; run test/e2e/vscode/run.sh");
	process.exit(2);
}

const log = (msg) => console.error(`test/e2e/vscode: ${msg}`);
/** A failed check: its message is what run.sh prints. */
class CheckFailed extends Error {}

const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: [
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
	],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
const consoleErrors = [];
page.on("console", (m) => {
	if (m.type() === "error") consoleErrors.push(m.text());
});

/** The text of the editor's visible lines, with Monaco's spaces made plain. */
async function editorText() {
	return (await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().innerText()).replace(/\u00a0/g, " ");
}

/** The text of the notifications on screen, to explain a failure. */
async function notifications() {
	const toasts = await page.locator(".notifications-toasts .notification-list-item-message").allInnerTexts();
	return toasts.length ? toasts.join(" | ") : "(none)";
}

/** Waits until cond() is true, polling; fails with what() otherwise. */
async function waitFor(cond, timeoutMs, what) {
	const started = Date.now();
	const deadline = started + timeoutMs;
	const waited = () => `${Math.round((Date.now() - started) / 1000)}s`;
	let last;
	while (Date.now() < deadline) {
		try {
			if (await cond()) return;
		} catch (err) {
			last = err;
		}
		// The language client's own errors end the wait at once.
		const toasts = await notifications();
		if (/Client ken:|ken server crashed/.test(toasts)) {
			throw new CheckFailed(`${await what()} (after ${waited()}, when the ken extension reported an error)`);
		}
		await page.waitForTimeout(250);
	}
	throw new CheckFailed(`${await what()} (after ${waited()})${last ? ` (last error: ${last.message})` : ""}`);
}

/** Opens a workspace file by name with Quick Open (Ctrl+P). */
async function openFile(name) {
	await page.keyboard.press("Control+P");
	const input = page.locator(".quick-input-widget input[type=text], .quick-input-widget .quick-input-box input").first();
	await input.waitFor({ state: "visible", timeout: 15000 });
	await input.fill(name);
	await page
		.locator(".quick-input-list .monaco-list-row", { hasText: name })
		.first()
		.waitFor({ state: "visible", timeout: 15000 });
	await page.keyboard.press("Enter");
	await page
		.locator(".tabs-container .tab.active", { hasText: name })
		.waitFor({ state: "visible", timeout: 15000 });
	// The cursor is in the editor once the text shows.
	await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().waitFor({ state: "visible", timeout: 15000 });
}

/** Runs a command by its palette title, as "Category: Title". */
async function runCommand(title) {
	await page.keyboard.press("F1");
	const input = page.locator(".quick-input-widget .quick-input-box input").first();
	await input.waitFor({ state: "visible", timeout: 15000 });
	await input.fill(`>${title}`);
	const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
	await row.waitFor({ state: "visible", timeout: 15000 }).catch(async () => {
		const rows = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
		throw new CheckFailed(`the command palette has no "${title}"; it shows: ${rows.join(" | ") || "(nothing)"}`);
	});
	await page.keyboard.press("Enter");
}

/** The files of the ken output channel in code-server's logs. */
async function kenTraceFiles() {
	const logs = path.join(process.env.KEN_E2E_TMP ?? "", "data", "logs");
	const entries = await readdir(logs, { recursive: true }).catch(() => []);
	return entries.filter((f) => /(^|\/)\d+-ken\.log$/.test(f)).map((f) => path.join(logs, f));
}

/** The text of the ken output channel: the client's trace and the server's log. */
async function kenTrace() {
	const texts = await Promise.all((await kenTraceFiles()).map((f) => readFile(f, "utf8")));
	return texts.join("\n");
}

let status = 0;
const optional = [];
try {
	log(`opening ${url}`);
	await page.goto(url, { waitUntil: "domcontentloaded" });
	await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 60000 });
	// The explorer shows the workspace once the folder is open.
	await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "mistakes.bt" }).waitFor({ timeout: 30000 });
	log("workbench ready");

	// 1. Diagnostics.
	await openFile("mistakes.bt");
	log("opened mistakes.bt; waiting for ken's diagnostic");
	await waitFor(
		async () => (await page.locator(".editor-group-container.active .monaco-editor .squiggly-error").count()) > 0,
		60000,
		async () => `no error squiggle in mistakes.bt; notifications: ${await notifications()}`,
	);
	await page.keyboard.press("Control+Shift+M");
	const markers = page.locator(".markers-panel").first();
	await markers.waitFor({ state: "visible", timeout: 15000 });
	const wanted = "'retval' is not available in kprobe probes";
	await waitFor(
		async () => (await markers.innerText()).includes(wanted),
		15000,
		async () => `the Problems panel does not show "${wanted}"; it shows: ${JSON.stringify(await markers.innerText())}`,
	);
	const problems = (await markers.innerText()).replace(/\s+/g, " ").trim();
	log(`Problems panel: ${problems}`);
	if (!/ken/.test(problems)) {
		throw new CheckFailed(`the Problems panel entry does not name ken as its source: ${problems}`);
	}

	// Optional: ken's hover on the kernel function.
	try {
		// Monaco draws each token in a span of its own.
		const word = page.locator(".editor-group-container.active .view-lines span").filter({ hasText: /^tcp_connect$/ }).first();
		const box = await word.boundingBox();
		if (box) {
			// The cursor on the word and Show Hover (Ctrl+K Ctrl+I), which
			// is steadier than a mouse hover.
			await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
			await page.keyboard.press("Control+K");
			await page.keyboard.press("Control+I");
			const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover .hover-contents").first();
			await hover.waitFor({ state: "visible", timeout: 8000 });
			const text = (await hover.innerText()).replace(/\s+/g, " ").trim();
			optional.push(`hover on tcp_connect: ${text.slice(0, 200)}`);
		} else {
			optional.push("hover: tcp_connect not on screen");
		}
	} catch (err) {
		optional.push(`hover: none shown (${err.message.split("\n")[0]})`);
	}
	await page.screenshot({ path: path.join(shots, "ken-vscode-diagnostics.png") });
	log(`screenshot ${path.join(shots, "ken-vscode-diagnostics.png")}`);

	// 2. Synthesis from the prompt comment. The cursor of a newly opened file
	// is on its first line, the comment.
	await openFile("demo.bt");
	await page.keyboard.press("Control+Home");
	log("opened demo.bt; synthesizing from the comment");
	await runCommand("ken: Synthesize bpftrace from comment");
	await waitFor(
		async () => {
			// The prompt comment and the marker line name retransmits
			// themselves: look at the code between the markers.
			const text = await editorText();
			const start = text.indexOf("// ken: generated");
			const end = text.indexOf("// ken: end of generated code");
			if (start < 0 || end < start) return false;
			const code = text.slice(text.indexOf("\n", start) + 1, end);
			return /^\s*(tracepoint|kprobe|kfunc|fentry|rawtracepoint)\S*retransmit/m.test(code);
		},
		60000,
		async () =>
			`demo.bt has no program between "// ken: generated" and "// ken: end of generated code" with a retransmit probe; it reads:\n${await editorText()}\nnotifications: ${await notifications()}`,
	);
	const synthesized = await editorText();
	log(`demo.bt after synthesis:\n${synthesized}`);

	// Optional: inlay hints in the synthesized program.
	try {
		await page.waitForTimeout(2000);
		const hints = await page.locator(".editor-group-container.active .view-lines span[class*='dyn-rule'], .editor-group-container.active .view-lines .inlay-hint, .editor-group-container.active .view-lines span[class*='inlay']").allInnerTexts();
		optional.push(`inlay hints in demo.bt: ${hints.length ? hints.map((h) => JSON.stringify(h.replace(/\u00a0/g, " "))).join(" ") : "none seen"}`);
	} catch (err) {
		optional.push(`inlay hints: ${err.message}`);
	}
	await page.screenshot({ path: path.join(shots, "ken-vscode-synth.png") });
	log(`screenshot ${path.join(shots, "ken-vscode-synth.png")}`);

	// 3. ken.compileOnSave is false: saving runs no bpftrace stage. The
	// trace of the ken output channel (ken.trace.server is "verbose") shows
	// the settings sent and any progress the server begins.
	await page.keyboard.press("Control+S");
	await page.locator(".tabs-container .tab.active.dirty").waitFor({ state: "detached", timeout: 15000 });
	let trace = "";
	await waitFor(
		async () => {
			trace = await kenTrace();
			return trace.includes("textDocument/didSave");
		},
		15000,
		async () => `the ken trace shows no textDocument/didSave after saving demo.bt (trace files: ${(await kenTraceFiles()).join(", ") || "none"})`,
	);
	await page.waitForTimeout(3000);
	trace = await kenTrace();
	const init = trace.slice(trace.indexOf("Sending request 'initialize"), trace.indexOf("Received response 'initialize"));
	for (const want of ['"compileOnSave": false', '"dialect": "0.23"', `"kernel": ${JSON.stringify(process.env.KEN_E2E_KERNEL ?? "")}`]) {
		if (!init.includes(want)) {
			throw new CheckFailed(`the initialize request does not carry ${want}:\n${init.slice(0, 3000)}`);
		}
	}
	const afterSave = trace.slice(trace.indexOf("textDocument/didSave"));
	if (afterSave.includes("bpftrace and the kernel verifier")) {
		throw new CheckFailed(`saving ran bpftrace's stages although ken.compileOnSave is false:\n${afterSave.slice(0, 3000)}`);
	}
	log("compileOnSave false: saving demo.bt ran no bpftrace stage");

	for (const line of optional) log(`(optional) ${line}`);
	log("diagnostics, synthesis and settings: ok");
} catch (err) {
	status = 1;
	const shot = path.join(shots, "ken-vscode-failure.png");
	await page.screenshot({ path: shot }).catch(() => undefined);
	log(`FAIL: ${err instanceof CheckFailed ? err.message : err.stack ?? err}`);
	log(`screenshot of the failure: ${shot}`);
	for (const line of optional) log(`(optional) ${line}`);
	if (consoleErrors.length) log(`browser console errors:\n  ${consoleErrors.slice(-15).join("\n  ")}`);
} finally {
	await browser.close();
}
process.exit(status);
