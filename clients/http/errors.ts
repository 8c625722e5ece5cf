/**
 * The one error type every upstream call throws. Stable `code`s let callers
 * branch (NOT_FOUND → resource gone, CONFLICT → already exists, ...) while
 * `message` stays human and actionable. Secrets never reach an UpstreamError:
 * every message and detail goes through `scrubSecrets` first.
 *
 * Serialized by Pulumi's closure serializer: no `#private` fields, no
 * module-level state, and no class field initializers (the serializer turns
 * classes into functions and drops them). It also turns `super(message)` into
 * `Error.call(this, message)`, which sets nothing: the constructor assigns
 * `message`, `name` and the stack itself.
 */

export type UpstreamErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "TIMEOUT"
  | "NETWORK";

export interface UpstreamErrorInit {
  code: UpstreamErrorCode;
  /** The caller's stable id of the upstream service ("atlas", "pagerduty-events", ...). */
  service: string;
  status?: number;
  method: string;
  /** Request path without the query string. */
  path: string;
  upstreamCode?: string;
  detail?: string;
  attempts: number;
  /** Text scrubbed from the message and the detail. */
  secrets?: readonly string[];
}

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  readonly service: string;
  readonly status?: number;
  readonly method: string;
  readonly path: string;
  readonly upstreamCode?: string;
  readonly detail?: string;
  readonly attempts: number;

  constructor(message: string, init: UpstreamErrorInit) {
    const secrets = init.secrets ?? [];
    const text = scrubSecrets(message, secrets);
    super(text);
    this.message = text;
    this.name = "UpstreamError";
    Error.captureStackTrace?.(this, UpstreamError);
    this.code = init.code;
    this.service = init.service;
    if (init.status !== undefined) this.status = init.status;
    this.method = init.method;
    this.path = scrubSecrets(stripQuery(init.path), secrets);
    if (init.upstreamCode !== undefined) this.upstreamCode = scrubSecrets(init.upstreamCode, secrets);
    if (init.detail !== undefined) this.detail = scrubSecrets(init.detail, secrets);
    this.attempts = init.attempts;
  }

  /** True for failures after which the request may or may not have been applied upstream. */
  get ambiguous(): boolean {
    return this.code === "UNAVAILABLE" || this.code === "TIMEOUT" || this.code === "NETWORK";
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      service: this.service,
      status: this.status,
      method: this.method,
      path: this.path,
      upstreamCode: this.upstreamCode,
      detail: this.detail,
      attempts: this.attempts,
    };
  }
}

export function isUpstreamError(e: unknown, code?: UpstreamErrorCode): e is UpstreamError {
  return e instanceof UpstreamError && (code === undefined || e.code === code);
}

/** Maps an HTTP status that is not an expected one to the stable code. */
export function codeForStatus(status: number): UpstreamErrorCode {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 402 || status === 403) return "FORBIDDEN";
  if (status === 404 || status === 410) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "UNAVAILABLE";
  if (status >= 400) return "BAD_REQUEST";
  // 1xx/2xx/3xx that the caller did not expect: the upstream did not do what we asked.
  return "UNAVAILABLE";
}

export const REDACTED = "[REDACTED]";

/**
 * Scrubs every known secret (and its URL-encoded and base64 forms) plus the
 * values of Basic/Bearer/Digest/Token authorization schemes from `text`.
 * Secrets shorter than 4 characters are ignored (they would shred the text).
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  return secretScrubber(secrets)(text);
}

/**
 * `scrubSecrets` with the secrets' forms worked out once: for a logger that scrubs every line
 * against the same secrets (encoding and sorting them per call was most of a log line's cost).
 */
export function secretScrubber(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < 4) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(Buffer.from(s, "utf8").toString("base64").replace(/=+$/, ""));
  }
  // Longest first so a secret containing another is scrubbed whole.
  const sorted = [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => scrubKnown(String(text), sorted);
}

function scrubKnown(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(REDACTED);
  out = out
    .replace(/\b(Basic|Bearer)(\s+)(?!\[REDACTED\])(?!realm=)[A-Za-z0-9._~+/=-]+/gi, `$1$2${REDACTED}`)
    .replace(/\bToken(\s+)token=(?!\[REDACTED\])("?)[^\s,"]+"?/gi, `Token$1token=${REDACTED}`)
    .replace(/\bDigest(\s+)(?!\[REDACTED\])(?=[a-z]+=)[^\r\n]*/gi, `Digest$1${REDACTED}`);
  return out;
}

function stripQuery(path: string): string {
  const i = path.indexOf("?");
  return i >= 0 ? path.slice(0, i) : path;
}
