import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/provider-host";

export { repoRoot };

/** The Python of the venv scripts/setup-sdk-tools.sh makes (PyPI's pulumi installed). */
export const VENV_PYTHON = path.join(repoRoot, ".tools/python/bin/python");

/** Go on PATH, else where its installer puts it (as the setup scripts look). */
export function goBinary(): string {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/go/bin"]) {
    const go = path.join(dir, "go");
    if (dir && fs.existsSync(go)) return go;
  }
  throw new Error("no go on PATH or in /usr/local/go/bin: npm run test:sdks needs Go to build the SDK generator and test the Go SDK");
}

/**
 * Runs a command to the end (killed after `timeoutMs`), and returns its output; a non-zero exit
 * throws with the command and everything it printed, which is what a failing SDK test shows.
 */
export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: "utf8", timeout: opts.timeoutMs ?? 540_000 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.error || r.status !== 0) {
    throw new Error(`${[cmd, ...args].join(" ")} (in ${opts.cwd}) ${r.error ? r.error.message : `exited ${r.status ?? r.signal}`}:\n${output}`);
  }
  return output;
}

/** A new directory outside the repository (as a user's machine has), removed when the test file ends. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
