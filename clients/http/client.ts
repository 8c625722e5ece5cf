/**
 * The one HTTP client (provider and relay): undici `request`, JSON in and out, one
 * explicit retry policy, pluggable authentication, and errors that are
 * `UpstreamError`s with secrets scrubbed. It knows no service: each caller
 * passes its label, error-body parser and hints (`UpstreamApi`), so a new
 * upstream is added without editing this file.
 *
 * Pulumi serializes this code with its closure serializer and loads it in
 * another process: third-party packages are required inside methods, nothing
 * is cached at module level, no `#private` fields.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request, type Dispatcher } from "undici";
import { UpstreamError, codeForStatus, scrubSecrets } from "./errors";
import type { UpstreamErrorCode } from "./errors";
import { defaultRetryPolicy, isIdempotent, isRetryable, nextDelay, parseRetryAfter, RETRY_DEFAULTS } from "./retry";
import type { AttemptOutcome, RetryPolicy } from "./retry";

export type Headers = Record<string, string | string[] | undefined>;

/** What an authenticator sees of the request it signs. */
export interface AuthRequest {
  method: string;
  /** Absolute URL, query included. */
  url: string;
  /** Request target as sent on the wire: pathname plus query string. */
  target: string;
  /** Per-request scratch space shared by `headers` and `onUnauthorized` (for example the nonce a Digest answer used). */
  scratch: Record<string, unknown>;
}

export interface AuthResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Adds credentials to requests. `onUnauthorized` is called on a 401 (at most
 * once per request); answering true re-sends the request with fresh headers
 * (Digest answers the challenge, OAuth drops its cached token).
 */
export interface Authenticator {
  headers(req: AuthRequest): Promise<Record<string, string>>;
  onUnauthorized?(res: AuthResponse, req: AuthRequest): Promise<boolean>;
  /** Secrets known right now (tokens change), scrubbed from every error. */
  secrets?(): string[];
}

/** What an upstream's error body says: its own error code and a human detail. */
export interface ErrorBodyInfo {
  upstreamCode?: string;
  detail?: string;
}

/** Reads a service's error body (and headers). Text bodies without a detail are summarized by the client. */
export type ErrorBodyParser = (body: unknown, headers: Headers) => ErrorBodyInfo;

/** A sentence per error code telling the user what to do, appended to error messages. */
export type ErrorHints = Partial<Record<UpstreamErrorCode, string>>;

/** How one upstream service is named and explained in errors; each service's client module defines its own. */
export interface UpstreamApi {
  /** Stable id carried by `UpstreamError.service` ("atlas"). */
  service: string;
  /** Name in messages ("Atlas Administration API"). Default: `service`. */
  label?: string;
  parseError?: ErrorBodyParser;
  /** Override the generic hints (rate limited, unavailable) code by code. */
  hints?: ErrorHints;
}

export interface HttpClientOptions extends UpstreamApi {
  baseUrl: string;
  /** Per attempt: connect + headers + body. Default 10000. */
  timeoutMs?: number;
  /** Merged over defaultRetryPolicy(). */
  retry?: Partial<RetryPolicy>;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** Scrubbed from every error message and detail. */
  secrets?: string[];
  /** Injected in tests to record waits instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  auth?: Authenticator;
  /** Jitter source, injectable for deterministic tests. Default Math.random. */
  random?: () => number;
  /** Response headers read as Retry-After, in order. Default ["retry-after"]. */
  retryAfterHeaders?: string[];
  /** undici Dispatcher (Agent, Pool, ProxyAgent, an interceptor chain...). Default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
}

export type QueryValue = string | number | boolean | undefined | readonly (string | number | boolean)[];
export type Query = Record<string, QueryValue>;

/** Result of reading back a non-idempotent request whose outcome is unknown. */
export type ReadBack<T> = { landed: true; body: T; status?: number } | { landed: false };

export interface HttpRequest<T = unknown> {
  method: string;
  /** Path below baseUrl, starting with "/". */
  path: string;
  query?: Query;
  /** JSON-encoded unless a string/Buffer, or a record with a form content type. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the method's idempotency (PagerDuty events are idempotent by dedup key). */
  idempotent?: boolean;
  /** Statuses that count as success. Default: any 2xx. */
  expect?: number[];
  accept?: string;
  contentType?: string;
  timeoutMs?: number;
  /** Words for error messages, e.g. "the event" or "creating the PAGER_DUTY integration". Default "METHOD path". */
  action?: string;
  /**
   * For a non-idempotent request: after a 5xx, timeout or network failure (or a
   * 409 following one), find out whether the request landed. Landed → its body
   * is returned; not landed → the request is retried per the policy. Without
   * it, such failures are not retried.
   */
  readBack?: () => Promise<ReadBack<T>>;
  /** Extra secrets carried by this request (keys in the body), scrubbed from its errors. */
  secrets?: (string | undefined)[];
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  /** Number of HTTP exchanges made (retries and auth round trips included). */
  attempts: number;
  /** True when the body came from `readBack` after an ambiguous failure. */
  readBack?: boolean;
}

type Sent = { kind: "response"; status: number; headers: Headers; text: string } | { kind: "error"; code: UpstreamErrorCode; notSent: boolean; detail: string };

export class HttpClient {
  readonly service: string;
  readonly label: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly defaultHeaders: Record<string, string>;
  private readonly secretList: string[];
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly auth?: Authenticator;
  private readonly random: () => number;
  private readonly retryAfterHeaders: string[];
  private readonly parseError?: ErrorBodyParser;
  private readonly hints: ErrorHints;
  private readonly dispatcher?: Dispatcher;

  constructor(opts: HttpClientOptions) {
    this.service = opts.service;
    this.label = opts.label ?? opts.service;
    if (opts.parseError) this.parseError = opts.parseError;
    this.hints = { ...GENERIC_HINTS, ...(opts.hints ?? {}) };
    if (opts.dispatcher) this.dispatcher = opts.dispatcher;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = opts.timeoutMs ?? RETRY_DEFAULTS.timeoutMs;
    this.retry = { ...defaultRetryPolicy(), ...definedOnly(opts.retry ?? {}) };
    this.defaultHeaders = { ...(opts.headers ?? {}) };
    this.secretList = [...(opts.secrets ?? [])];
    this.sleepFn = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    if (opts.auth) this.auth = opts.auth;
    this.random = opts.random ?? Math.random;
    this.retryAfterHeaders = (opts.retryAfterHeaders ?? ["retry-after"]).map((h) => h.toLowerCase());
  }

  /** Every secret this client knows of, for callers building their own messages. */
  secrets(): string[] {
    return [...this.secretList, ...(this.auth?.secrets?.() ?? [])];
  }

  scrubSecrets(text: string): string {
    return scrubSecrets(text, this.secrets());
  }

  private secretsFor(req: HttpRequest<any>): string[] {
    return [...this.secrets(), ...(req.secrets ?? []).filter((s): s is string => typeof s === "string")];
  }

  sleep(ms: number): Promise<void> {
    return this.sleepFn(ms);
  }

  url(path: string, query?: Query): string {
    let url = this.baseUrl + (path.startsWith("/") ? path : `/${path}`);
    const qs = encodeQuery(query);
    if (qs) url += (url.includes("?") ? "&" : "?") + qs;
    return url;
  }

  async request<T = unknown>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    const method = req.method.toUpperCase();
    const url = this.url(req.path, req.query);
    const parsed = new URL(url);
    const authReq: AuthRequest = { method, url, target: parsed.pathname + parsed.search, scratch: {} };
    const idempotent = isIdempotent(method, req.idempotent);
    const expect = req.expect;
    const ok = (s: number) => (expect ? expect.includes(s) : s >= 200 && s < 300);
    const policy = this.retry;
    const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));

    let attempt = 0; // attempts counted against the policy
    let exchanges = 0; // every HTTP exchange, auth round trips included
    let authRetried = false;
    let hadAmbiguous = false;

    for (;;) {
      attempt++;
      exchanges++;
      const sent = await this.sendOnce(method, url, authReq, req);
      let failure: UpstreamError;
      let outcome: AttemptOutcome;
      let retryAfter: string | string[] | undefined;

      if (sent.kind === "response") {
        if (ok(sent.status)) {
          return { status: sent.status, headers: sent.headers, body: decodeBody(sent.text, sent.headers) as T, attempts: exchanges };
        }
        const body = decodeBody(sent.text, sent.headers);
        if (sent.status === 401 && this.auth?.onUnauthorized && !authRetried) {
          authRetried = true;
          if (await this.auth.onUnauthorized({ status: 401, headers: sent.headers, body }, authReq)) {
            attempt--; // an auth round trip is not a failed attempt
            continue;
          }
        }
        if (sent.status === 409 && hadAmbiguous && req.readBack) {
          const rb = await this.tryReadBack(req, method, parsed.pathname, exchanges, undefined);
          if (rb) return rb;
        }
        retryAfter = this.retryAfterOf(sent.headers);
        outcome = sent.status;
        failure = this.statusError(method, parsed.pathname, req, sent.status, sent.headers, body, exchanges);
      } else {
        outcome = { code: sent.code, notSent: sent.notSent };
        failure = this.transportError(method, parsed.pathname, parsed.origin, req, sent, exchanges);
      }

      let retryable: boolean;
      const status = typeof outcome === "number" ? outcome : undefined;
      const ambiguous = !idempotent && failure.ambiguous && !(typeof outcome !== "number" && outcome.notSent) && status !== 429;
      if (ambiguous && req.readBack) {
        hadAmbiguous = true;
        const rb = await this.tryReadBack(req, method, parsed.pathname, exchanges, failure);
        if (rb) return rb;
        // Provably not applied: as safe to retry as an idempotent request.
        retryable = isRetryable(method, true, outcome, policy);
      } else {
        retryable = isRetryable(method, idempotent, outcome, policy);
      }

      if (!retryable || attempt >= maxAttempts) {
        if (ambiguous && !req.readBack) throw this.withNote(req, failure, NOT_RETRIED_NOTE);
        throw failure;
      }
      const delay = nextDelay(policy, attempt, retryAfter, this.random);
      if (delay === undefined) {
        const asked = parseRetryAfter(retryAfter) ?? 0;
        throw this.withNote(
          req,
          failure,
          `It asked to wait ${Math.ceil(asked / 1000)} s before retrying, longer than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s this client waits; try again later.`,
        );
      }
      await this.sleepFn(delay);
    }
  }

  private retryAfterOf(headers: Headers): string | string[] | undefined {
    for (const h of this.retryAfterHeaders) {
      const v = headers[h];
      if (v !== undefined && v !== "") return v;
    }
    return undefined;
  }

  private async tryReadBack<T>(
    req: HttpRequest<T>,
    method: string,
    path: string,
    exchanges: number,
    failure: UpstreamError | undefined,
  ): Promise<HttpResponse<T> | undefined> {
    let rb: ReadBack<T>;
    try {
      rb = await req.readBack!();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const first = failure ? `${failure.message} ` : "";
      throw new UpstreamError(
        `${first}Could not check whether ${describeAction(req, method, path)} was applied anyway (${why}); it may or may not have been. Check the upstream state before retrying.`,
        {
          code: failure?.code ?? "UNAVAILABLE",
          service: this.service,
          status: failure?.status,
          method,
          path,
          upstreamCode: failure?.upstreamCode,
          detail: failure?.detail,
          attempts: exchanges,
          secrets: this.secretsFor(req),
        },
      );
    }
    if (rb.landed) return { status: rb.status ?? 200, headers: {}, body: rb.body, attempts: exchanges, readBack: true };
    return undefined;
  }

  private withNote(req: HttpRequest<any>, e: UpstreamError, note: string): UpstreamError {
    return new UpstreamError(`${e.message} ${note}`, {
      code: e.code,
      service: e.service,
      status: e.status,
      method: e.method,
      path: e.path,
      upstreamCode: e.upstreamCode,
      detail: e.detail,
      attempts: e.attempts,
      secrets: this.secretsFor(req),
    });
  }

  private async sendOnce<T>(method: string, url: string, authReq: AuthRequest, req: HttpRequest<T>): Promise<Sent> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = {
      accept: req.accept ?? "application/json",
      "user-agent": "pagerduty-as-code",
    };
    for (const [k, v] of Object.entries(this.defaultHeaders)) headers[k.toLowerCase()] = v;
    let body: string | Buffer | undefined;
    if (req.body !== undefined) {
      const contentType = req.contentType ?? headers["content-type"] ?? "application/json";
      headers["content-type"] = contentType;
      body = encodeBody(req.body, contentType);
    }
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    try {
      if (this.auth) for (const [k, v] of Object.entries(await this.auth.headers(authReq))) headers[k.toLowerCase()] = v;
    } catch (e) {
      if (e instanceof UpstreamError) throw e;
      throw e instanceof Error ? new Error(scrubSecrets(e.message, this.secretsFor(req))) : e;
    }

    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await request(url, {
        method: method as "GET",
        headers,
        body: body ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
      const text = await res.body.text();
      return { kind: "response", status: res.statusCode, headers: res.headers as IncomingHttpHeaders, text };
    } catch (e) {
      return classifyTransportError(e, signal.aborted);
    }
  }

  private statusError(method: string, path: string, req: HttpRequest<any>, status: number, headers: Headers, body: unknown, attempts: number): UpstreamError {
    const code = codeForStatus(status);
    const parsed = describeErrorBody(body, headers, this.parseError);
    const label = this.label;
    const action = describeAction(req, method, path);
    const tag = parsed.upstreamCode ? `${status} ${parsed.upstreamCode}` : `${status}`;
    const detail = parsed.detail ?? (status < 400 ? `unexpected status ${status}` : undefined);
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    let message: string;
    switch (code) {
      case "RATE_LIMITED":
        message = `${label} rate-limited ${action} (${tag})${tries}`;
        break;
      case "UNAVAILABLE":
        message = `${label} failed ${action} (${tag})${tries}`;
        break;
      default:
        message = `${label} rejected ${action} (${tag})`;
    }
    if (detail) message += `: ${detail}`;
    const hint = this.hints[code];
    if (hint) message += `${/[.!?]$/.test(message) ? "" : "."} ${hint}`;
    return new UpstreamError(message, {
      code,
      service: this.service,
      status,
      method,
      path,
      upstreamCode: parsed.upstreamCode,
      detail,
      attempts,
      secrets: this.secretsFor(req),
    });
  }

  private transportError(
    method: string,
    path: string,
    origin: string,
    req: HttpRequest<any>,
    sent: Extract<Sent, { kind: "error" }>,
    attempts: number,
  ): UpstreamError {
    const label = this.label;
    const action = describeAction(req, method, path);
    const tries = attempts > 1 ? ` (${attempts} attempts)` : "";
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const message =
      sent.code === "TIMEOUT"
        ? `${label} did not answer ${action} within ${timeoutMs} ms${tries}. Check connectivity to ${origin}, or raise timeoutMs.`
        : `Could not reach ${label} at ${origin} for ${action}${tries}: ${sent.detail}. Check the base URL and network access.`;
    return new UpstreamError(message, {
      code: sent.code,
      service: this.service,
      method,
      path,
      detail: sent.detail,
      attempts,
      secrets: this.secretsFor(req),
    });
  }
}

const NOT_RETRIED_NOTE =
  "It was not retried because it is not idempotent, and it may or may not have been applied: check the upstream state before trying again.";

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describeAction(req: HttpRequest<any>, method: string, path: string): string {
  return req.action ?? `${method} ${path}`;
}

/** Hints that hold for any service; a service's own `hints` override them. */
const GENERIC_HINTS: ErrorHints = {
  RATE_LIMITED: "Slow down or try again later.",
  UNAVAILABLE: "The service may be degraded.",
};

export function encodeQuery(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.append(k, String(v));
  }
  return params.toString();
}

function encodeBody(body: unknown, contentType: string): string | Buffer {
  if (typeof body === "string" || Buffer.isBuffer(body)) return body;
  if (/x-www-form-urlencoded/i.test(contentType) && body && typeof body === "object") {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (v !== undefined) params.append(k, String(v));
    return params.toString();
  }
  return JSON.stringify(body);
}

/** JSON when it looks like JSON (any +json media type), text otherwise, undefined when empty. */
export function decodeBody(text: string, headers: Headers): unknown {
  if (text === "") return undefined;
  const type = String(headers["content-type"] ?? "");
  const trimmed = text.trimStart();
  if (/json/i.test(type) || trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** The service's reading of an error body; a text body (an HTML error page) gives its text. Details are capped. */
export function describeErrorBody(body: unknown, headers: Headers = {}, parse?: ErrorBodyParser): ErrorBodyInfo {
  const out: ErrorBodyInfo = { ...(parse?.(body, headers) ?? {}) };
  if (out.detail === undefined && typeof body === "string" && body.trim()) {
    const text = body
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    out.detail = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }
  if (out.detail && out.detail.length > 1000) out.detail = `${out.detail.slice(0, 1000)}…`;
  return out;
}

/** A non-blank string, else undefined: for error-body parsers. */
export function nonBlank(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function classifyTransportError(e: unknown, aborted: boolean): Extract<Sent, { kind: "error" }> {
  const err = e as { code?: string; name?: string; message?: string; errors?: { code?: string }[] } | undefined;
  const code = err?.code ?? err?.errors?.find((x) => x?.code)?.code;
  const name = err?.name;
  if (
    aborted ||
    name === "TimeoutError" ||
    name === "AbortError" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "ETIMEDOUT"
  ) {
    return { kind: "error", code: "TIMEOUT", notSent: code === "UND_ERR_CONNECT_TIMEOUT", detail: code ?? name ?? "timeout" };
  }
  const notSent = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"].includes(code ?? "");
  const message = err?.message && err.message !== code ? err.message : "";
  const detail = [code, message].filter(Boolean).join(": ") || String(e);
  return { kind: "error", code: "NETWORK", notSent, detail };
}
