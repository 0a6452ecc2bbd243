// Finding the ken binary named by the ken.path setting. This module does not
// import vscode, so that the tests can run it under plain Node.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Returns the absolute path of the executable that `setting` names, or
 * undefined when there is none. The setting is an absolute path, a path
 * with a slash in it (relative to `cwd`, or to the home directory after
 * `~/`), or a bare name looked up in the PATH of `env`.
 */
export function findExecutable(setting: string, cwd: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
	const name = setting.trim();
	if (name === "") {
		return undefined;
	}
	if (name === "~" || name.startsWith("~/")) {
		return executableFile(path.join(os.homedir(), name.slice(1)));
	}
	if (path.isAbsolute(name)) {
		return executableFile(name);
	}
	if (name.includes("/") || name.includes(path.sep)) {
		return cwd === undefined ? undefined : executableFile(path.resolve(cwd, name));
	}
	for (const dir of (env.PATH ?? "").split(path.delimiter)) {
		const found = dir === "" ? undefined : executableFile(path.join(dir, name));
		if (found !== undefined) {
			return found;
		}
	}
	return undefined;
}

/** Returns file when it is a regular file we may execute, else undefined. */
function executableFile(file: string): string | undefined {
	const candidates = process.platform === "win32" ? [file, file + ".exe"] : [file];
	for (const candidate of candidates) {
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) {
				return candidate;
			}
		} catch {
			// Missing or not executable: try the next candidate.
		}
	}
	return undefined;
}
