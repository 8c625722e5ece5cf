/**
 * Every server and child process the test support starts is registered here the moment it exists, so a
 * failing test or setup step cannot leave it running: the test environment (jest-environment.ts) closes
 * whatever is still open when the test file ends, after every afterAll, and says what it closed. Tests
 * still close what they start (in finally/afterAll); closing twice is harmless.
 */
export type Close = () => Promise<void> | void;

const OPEN = Symbol.for("pdac.test.open");

/** What is still open in this test file's global scope, by its idempotent close. */
export function openResources(scope: object = globalThis): Map<() => Promise<void>, string> {
  const s = scope as { [OPEN]?: Map<() => Promise<void>, string> };
  s[OPEN] ??= new Map();
  return s[OPEN];
}

/** Registers `close` for `what`; returns the one close to call (once; later calls wait for the first). */
export function closeAtEnd(what: string, close: Close): () => Promise<void> {
  const open = openResources();
  let closing: Promise<void> | undefined;
  const once = (): Promise<void> => {
    closing ??= (async () => {
      open.delete(once);
      await close();
    })();
    return closing;
  };
  open.set(once, what);
  return once;
}

/** Closes everything still open in `scope`, newest first; returns what it closed and what failed to close. */
export async function closeLeftovers(scope: object): Promise<{ closed: string[]; errors: string[] }> {
  const open = openResources(scope);
  const closed: string[] = [];
  const errors: string[] = [];
  for (const [close, what] of [...open].reverse()) {
    try {
      await close();
      closed.push(what);
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
    }
  }
  return { closed, errors };
}

/** Ends a child process: SIGTERM, then SIGKILL if it is still running after `graceMs`. */
export async function endChild(child: import("node:child_process").ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
