import type { DiffResult } from "@pulumi/pulumi/dynamic";

/** Helpers shared by both resources' check and diff. */

/**
 * A diff with the names of the properties that differ: the dynamic-provider
 * host ignores `diffs`, the plugin sends them as the detailed diff, so a
 * preview names exactly what `up` changes.
 */
export interface NamedDiff extends DiffResult {
  diffs: string[];
}

/** The engine's placeholder for a value not known until apply (`pulumi preview` of a dependent resource). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** True when `v` or anything inside it is unknown. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

export const PROJECT_ID = /^[0-9a-f]{24}$/;

export function isRedacted(value: string): boolean {
  return value.includes("*");
}

/**
 * Whether a redacted value read back from the project API can be `secret`:
 * same length, and every character it still shows (the last 4 for keys; none
 * for a fully masked secret) equal to ours.
 */
export function matchesRedacted(secret: string, redacted: string): boolean {
  if (secret.length !== redacted.length) return false;
  for (let i = 0; i < secret.length; i++) {
    if (redacted[i] !== "*" && redacted[i] !== secret[i]) return false;
  }
  return true;
}

/** Structural equality for JSON-like values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).filter((k) => (a as any)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as any)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
  }
  return false;
}

/**
 * Turns zod issues into Pulumi check failures (`{property, reason}`) with
 * dotted paths. zod reports an unknown property at its parent; the failure
 * names the property itself.
 */
export function issuesToFailures(issues: ReadonlyArray<any>, resource: string): Array<{ property: string; reason: string }> {
  return issues.map((issue) => {
    const unknownKey = issue.code === "unrecognized_keys" ? [issue.keys[0]] : [];
    const path: PropertyKey[] = [...issue.path, ...unknownKey];
    const dotted = path
      .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
      .join(".")
      .replace(/\.\[/g, "[");
    const reason = unknownKey.length
      ? `unknown property ${dotted}: remove it (check the spelling against the ${resource} arguments)`
      : /^Invalid input/.test(String(issue.message))
        ? `${dotted || "the arguments"} ${issue.expected ? `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}` : "is not valid"}: check it against the ${resource} arguments`
        : issue.message;
    return { property: dotted, reason };
  });
}

/**
 * The inputs to validate: engine-internal (`__provider`) and unset values
 * dropped, unknown values (outputs of other resources during preview)
 * replaced by a valid stand-in so the rest is still checked.
 */
export function validationCandidate(
  news: Record<string, unknown>,
  unknowns: string[],
  placeholder: (key: string) => unknown,
  skip: string[] = [],
): Record<string, unknown> {
  const candidate: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news)) {
    // `schemaVersion` is the provider's own stamp (provider/state.ts), in state and so in what an import reads back.
    if (k.startsWith("__") || k === "schemaVersion" || skip.includes(k) || v === undefined || v === null) continue;
    candidate[k] = unknowns.includes(k) ? placeholder(k) : v;
  }
  return candidate;
}
