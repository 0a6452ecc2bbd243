// Tests of package.json's contributions: the settings and commands the
// language server and the README rely on, and the files they point at.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const manifest = JSON.parse(readFileSync(root + "package.json", "utf8"));
const contributes = manifest.contributes;

test("every ken setting is contributed, with a default and a description", () => {
	const properties = contributes.configuration.properties;
	const want = {
		"ken.path": "ken",
		"ken.kernel": "",
		"ken.dialect": "",
		"ken.bpftrace": "bpftrace",
		"ken.trace.server": "off",
		"ken.inlayHints.enable": true,
		"ken.symbex.enable": true,
		"ken.compileOnSave": true,
		"ken.kernelVerifier": true,
		"ken.synthesis.provider": "",
		"ken.synthesis.model": "",
		"ken.synthesis.baseURL": "",
		"ken.synthesis.apiKeyEnv": "",
		"ken.synthesis.embeddingModel": "",
		"ken.synthesis.trials": 3,
		"ken.synthesis.autoRegenerate": false,
		"ken.synthesis.store": true,
		"ken.synthesis.sharedQdrant": "",
		"ken.synthesis.sharedCollection": "ken-examples",
	};
	assert.deepEqual(Object.keys(properties).sort(), Object.keys(want).sort());
	for (const [name, value] of Object.entries(want)) {
		const setting = properties[name];
		assert.equal(setting.default, value, `${name} default`);
		assert.equal(setting.type === "integer" ? "number" : setting.type, typeof value, `${name} type`);
		const description = setting.markdownDescription ?? setting.description;
		assert.ok(typeof description === "string" && description.length > 20, `${name} has no description`);
	}
	assert.deepEqual(properties["ken.trace.server"].enum, ["off", "messages", "verbose"]);
	assert.deepEqual(properties["ken.synthesis.provider"].enum, ["", "openai", "ollama", "anthropic", "google"]);
	assert.equal(properties["ken.synthesis.provider"].enumDescriptions.length, 5);
});

test("settings that decide where comments and keys go are not a workspace's to set when it is untrusted", () => {
	const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
	for (const name of ["ken.path", "ken.bpftrace", "ken.synthesis.provider", "ken.synthesis.baseURL", "ken.synthesis.apiKeyEnv", "ken.synthesis.sharedQdrant"]) {
		assert.ok(restricted.includes(name), `${name} is not restricted`);
	}
});

test("ken.synthesis.apiKeyEnv takes a variable's name, not a key", () => {
	const pattern = new RegExp(contributes.configuration.properties["ken.synthesis.apiKeyEnv"].pattern);
	for (const ok of ["", "OPENAI_API_KEY", "my_key2"]) {
		assert.ok(pattern.test(ok), ok);
	}
	for (const bad of ["sk-proj-abc123", "2KEY", "$OPENAI_API_KEY", "a b"]) {
		assert.ok(!pattern.test(bad), bad);
	}
});

test("the dialect pattern accepts versions and nothing else", () => {
	const pattern = new RegExp(contributes.configuration.properties["ken.dialect"].pattern);
	for (const ok of ["", "0.17", "0.23", "0.26"]) {
		assert.ok(pattern.test(ok), ok);
	}
	for (const bad of ["23", "v0.23", "0.23.1", "latest"]) {
		assert.ok(!pattern.test(bad), bad);
	}
});

test("the commands are contributed with titles", () => {
	const commands = Object.fromEntries(contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
	assert.deepEqual(commands, {
		"ken.restartServer": "ken: Restart Language Server",
		"ken.showOutput": "ken: Show Output",
		"ken.synthesizeFromComment": "ken: Synthesize bpftrace from comment",
	});
	const source = readFileSync(root + "src/extension.ts", "utf8");
	for (const command of Object.keys(commands)) {
		assert.ok(source.includes(`"${command}"`), `src/extension.ts does not register ${command}`);
	}
});

test("the language, grammar and entry point are wired up", () => {
	assert.equal(manifest.main, "./out/extension.js");
	assert.deepEqual(manifest.activationEvents, ["onLanguage:bpftrace"]);
	const [language] = contributes.languages;
	assert.equal(language.id, "bpftrace");
	assert.deepEqual(language.extensions, [".bt"]);
	assert.ok(new RegExp(language.firstLine).test("#!/usr/bin/env bpftrace"));
	assert.ok(!new RegExp(language.firstLine).test("#!/bin/sh"));
	const [grammar] = contributes.grammars;
	assert.equal(grammar.scopeName, "source.bpftrace");
	for (const file of [language.configuration, grammar.path, manifest.main]) {
		assert.ok(existsSync(root + file), `${file} is missing (run npm run build first)`);
	}
	const grammarJSON = JSON.parse(readFileSync(root + grammar.path, "utf8"));
	assert.equal(grammarJSON.scopeName, grammar.scopeName);
});

test("the word pattern keeps sigils with their names", () => {
	const config = JSON.parse(readFileSync(root + "language-configuration.json", "utf8"));
	const words = "@opens[$fd] = $1 + $# + @ + count(comm);".match(new RegExp(config.wordPattern, "g"));
	assert.deepEqual(words, ["@opens", "$fd", "$1", "$#", "@", "count", "comm"]);
});
