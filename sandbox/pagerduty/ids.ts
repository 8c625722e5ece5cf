import { randomBytes, randomInt, randomUUID } from "node:crypto";

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function randomChars(alphabet: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** PagerDuty object ids: "P" and six upper-case alphanumerics (`PIJ90N7`). */
export function pdId(): string {
  return `P${randomChars(UPPER_ALNUM, 6)}`;
}

/** Alert and log-entry ids are longer in PagerDuty (`Q02JTSNZWHSEKV`). */
export function longId(): string {
  return `Q${randomChars(UPPER_ALNUM, 13)}`;
}

/** Events API v2 integration key: 32 lower-case hex characters, like the real ones. */
export function integrationKey(): string {
  return randomBytes(16).toString("hex");
}

/** The dedup key PagerDuty invents for a trigger without one (a UUID without dashes). */
export function generatedDedupKey(): string {
  return randomUUID().replace(/-/g, "");
}

/** Webhook v3 event ids look like ULIDs (`01BZYIL05THJDFF2Y08X9SVMTU`): time-ordered, 26 chars. */
export function webhookEventId(nowMs: number): string {
  return nowMs.toString(36).toUpperCase().padStart(10, "0") + randomChars(UPPER_ALNUM, 16);
}

/** Webhook signing secret: 64 alphanumerics, returned once on create. */
export function webhookSecret(): string {
  return randomChars(ALNUM, 64);
}

/** A stable PagerDuty-style user id for a `From` e-mail, so the same responder is the same user. */
export function userIdForEmail(email: string): string {
  let h = 2166136261;
  for (const c of email.toLowerCase()) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  let id = "";
  for (let i = 0; i < 6; i++) {
    id += UPPER_ALNUM[h % UPPER_ALNUM.length];
    h = Math.floor(h / UPPER_ALNUM.length) + i * 7919;
  }
  return `P${id}`;
}

/** Last four characters, for showing a key or secret without revealing it. */
export function last4(value: string): string {
  return value.length <= 4 ? "****" : value.slice(-4);
}
