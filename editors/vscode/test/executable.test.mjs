// Tests of findExecutable, which resolves the ken.path setting.

import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

const { findExecutable } = createRequire(import.meta.url)("../out/executable.js");

const dir = mkdtempSync(path.join(tmpdir(), "ken-vscode-"));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, "bin"));
const ken = path.join(dir, "bin", "ken");
writeFileSync(ken, "#!/bin/sh\n");
chmodSync(ken, 0o755);
const plain = path.join(dir, "bin", "notes");
writeFileSync(plain, "not a program\n");
chmodSync(plain, 0o644);

test("an absolute path", () => {
	assert.equal(findExecutable(ken, undefined), ken);
	assert.equal(findExecutable(path.join(dir, "missing"), undefined), undefined);
});

test("a file without an execute bit", () => {
	assert.equal(findExecutable(plain, undefined), undefined);
});

test("a directory is not a program", () => {
	assert.equal(findExecutable(path.join(dir, "bin"), undefined), undefined);
});

test("a relative path is relative to the workspace folder", () => {
	assert.equal(findExecutable("bin/ken", dir), ken);
	assert.equal(findExecutable("./bin/ken", dir), ken);
	assert.equal(findExecutable("bin/ken", undefined), undefined);
});

test("a bare name is looked up on PATH", () => {
	const env = { PATH: ["/nonexistent", path.join(dir, "bin")].join(path.delimiter) };
	assert.equal(findExecutable("ken", dir, env), ken);
	assert.equal(findExecutable("ken", dir, { PATH: "/nonexistent" }), undefined);
	assert.equal(findExecutable("ken", dir, {}), undefined);
});

test("an empty setting", () => {
	assert.equal(findExecutable("  ", dir), undefined);
});
