/*
 * Redaction as Atlas does it on every read. The caller keeps the real values;
 * a redacted value sent back is refused (see looksRedacted).
 */

/** Keys (serviceKey, apiKey...): same length, all but the last 4 characters replaced by `*`. */
export function redactKey(value: string): string {
  if (value.length <= 4) return "*".repeat(value.length);
  return "*".repeat(value.length - 4) + value.slice(-4);
}

/** Secrets (webhook secret, passwords, templates): "completely redacted" per the spec, same length. */
export function redactSecret(value: string): string {
  return "*".repeat(value.length);
}

/** URLs: scheme and host kept, the rest replaced by `****` and the last 4 characters (`https://host/****2101`). */
export function redactUrl(value: string): string {
  let origin = "";
  try {
    origin = new URL(value).origin;
  } catch {
    return redactKey(value);
  }
  return `${origin}/****${value.slice(-4)}`;
}

/** A value that came back from a read: it has a run of asterisks where the real key was. */
export function looksRedacted(value: string): boolean {
  return /\*{4}/.test(value);
}

import type { Redaction } from "../../catalog/notifications";

export type { Redaction };

/** A field's value as Atlas shows it on read, by the field's kind of redaction. */
export function redactValue(kind: Redaction, value: string): string {
  return kind === "key" ? redactKey(value) : kind === "secret" ? redactSecret(value) : redactUrl(value);
}
