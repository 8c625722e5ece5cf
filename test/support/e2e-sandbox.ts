import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { ConformanceRecorder } from "./openapi";

export interface SandboxPerFile {
  sb: Sandbox;
  /** Every exchange with the sandbox, validated against the specs (`recorder.errors()`). */
  recorder: ConformanceRecorder;
  /** A temporary directory outside the repository, for programs and their state. */
  work: string;
  /** The requests since exchange number `before` that change something: all but reads, the sandbox's own API and service-account tokens. */
  writesSince(before: number): string[];
}

/**
 * What an end-to-end test file of the plugin starts once: a sandbox whose exchanges are recorded
 * and a work directory, closed and removed when the file ends. Its fields are set in beforeAll:
 * read them inside tests.
 */
export function sandboxPerFile(prefix: string): SandboxPerFile {
  const ctx = {
    writesSince(before: number): string[] {
      return ctx.recorder.exchanges
        .slice(before)
        .filter((e) => e.method !== "GET" && e.service !== "sandbox" && e.path !== "/api/oauth/token")
        .map((e) => `${e.method} ${e.path}`);
    },
  } as SandboxPerFile;
  beforeAll(async () => {
    ctx.recorder = new ConformanceRecorder();
    ctx.sb = await startSandbox({ observe: ctx.recorder.observe });
    ctx.work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await ctx.sb?.close();
    if (ctx.work) fs.rmSync(ctx.work, { recursive: true, force: true });
  });
  return ctx;
}
