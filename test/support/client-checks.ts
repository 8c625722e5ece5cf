/**
 * Checks for the HTTP clients' tests: the waits a retry asked for, the error a call rejects with,
 * and secrets that leak into an error as it would be logged or stored.
 */
import { UpstreamError } from "../../clients/http/errors";

/** A sleep that records the asked delays and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

/** Asserts that no secret appears anywhere in an error as it would be logged or stored. */
export function leakedSecrets(err: unknown, secrets: string[]): string[] {
  const e = err as Record<string, unknown>;
  const views = [String(err), JSON.stringify(err), String(e?.message), String(e?.detail), String(e?.stack), String(e?.path)];
  const b64 = (s: string) => Buffer.from(s).toString("base64").replace(/=+$/, "");
  return secrets.filter((s) => views.some((v) => v.includes(s) || v.includes(b64(s))));
}

/** The UpstreamError `p` rejects with (fails the test if it resolves or throws anything else). */
export async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UpstreamError);
    return e as UpstreamError;
  }
  throw new Error("expected a rejection");
}
