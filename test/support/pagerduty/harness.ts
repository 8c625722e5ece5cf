import { closeAtEnd } from "../cleanup";
import { FakeServer, type RecordedRequest } from "../fake-server";
import { request, type Res } from "../fetch";

export type { Res };
import type { FastifyInstance } from "fastify";
import type { ConformanceRecorder } from "../openapi";
import { DEFAULT_REGION } from "../../../lib/regions";
import { openDb, type Db } from "../../../lib/sqlite";
import { buildPagerDutyApp } from "../../../sandbox/pagerduty/app";
import type { PagerDutyDeps } from "../../../sandbox/pagerduty/deps";

/** Test-only helpers: real sockets on 127.0.0.1, every exchange recorded for spec validation. */

export const TOKEN = "sandbox-rest-token-0123456789abcdef";
export const PD_ACCEPT = "application/vnd.pagerduty+json;version=2";
/** What sandbox controls (/sandbox/*) and the dashboard need, like the REST API. */
export const SANDBOX_AUTH = { authorization: `Token token=${TOKEN}` };

export interface PagerDutyHarness {
  app: FastifyInstance;
  url: string;
  db: Db;
  close(): Promise<void>;
}

export async function startPagerDuty(recorder: ConformanceRecorder, deps: Partial<PagerDutyDeps> = {}): Promise<PagerDutyHarness> {
  const db = deps.db ?? openDb();
  const app = buildPagerDutyApp({
    region: DEFAULT_REGION,
    restToken: TOKEN,
    observe: recorder.observe,
    webhookRetry: { baseDelayMs: 20, maxAttempts: 4, timeoutMs: 500 },
    ...deps,
    db,
  });
  const close = closeAtEnd("PagerDuty sandbox", () => app.close());
  try {
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    return { app, url, db, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * fetch, parsed. Sandbox controls and the dashboard need the REST token: it is
 * added for those paths unless the caller sets its own Authorization (tests of
 * the refusal call fetch directly).
 */
export async function call<T = any>(url: string, init: RequestInit = {}): Promise<Res<T>> {
  const path = new URL(url).pathname;
  const headers = new Headers(init.headers);
  if ((path === "/" || path.startsWith("/sandbox/")) && !headers.has("authorization")) headers.set("authorization", `Token token=${TOKEN}`);
  return request<T>(url, { ...init, headers });
}

export function sendEvent(base: string, event: unknown, path = "/v2/enqueue"): Promise<Res> {
  return call(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
}

/** A REST client as PagerDuty integrations use it: token auth and the v2 Accept header. */
export function restClient(base: string, token = TOKEN) {
  const headers = (extra: Record<string, string> = {}, body = false) => ({
    authorization: `Token token=${token}`,
    accept: PD_ACCEPT,
    ...(body ? { "content-type": "application/json" } : {}),
    ...extra,
  });
  return {
    get: (path: string, extra?: Record<string, string>) => call(base + path, { headers: headers(extra) }),
    post: (path: string, body?: unknown, extra?: Record<string, string>) =>
      call(base + path, { method: "POST", headers: headers(extra, body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) }),
    put: (path: string, body: unknown, extra?: Record<string, string>) =>
      call(base + path, { method: "PUT", headers: headers(extra, true), body: JSON.stringify(body) }),
    del: (path: string) => call(base + path, { method: "DELETE", headers: headers() }),
  };
}

export type RestClient = ReturnType<typeof restClient>;

let serviceCounter = 0;

/** A service with an Events API v2 integration, created through the public REST API. */
export async function serviceWithKey(rest: RestClient, name = `svc-${++serviceCounter}-${Date.now()}`) {
  const svc = await rest.post("/services", { service: { name } });
  if (svc.status !== 201) throw new Error(`create service: ${svc.status} ${svc.text}`);
  const integ = await rest.post(`/services/${svc.body.service.id}/integrations`, { integration: { type: "events_api_v2_inbound_integration", name: "relay" } });
  if (integ.status !== 201) throw new Error(`create integration: ${integ.status} ${integ.text}`);
  return {
    serviceId: svc.body.service.id as string,
    integrationId: integ.body.integration.id as string,
    key: integ.body.integration.integration_key as string,
  };
}

export function trigger(routingKey: string, summary = "Disk full on db-1", extra: Record<string, unknown> = {}) {
  return { routing_key: routingKey, event_action: "trigger", payload: { summary, source: "db-1", severity: "critical" }, ...extra };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 3_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A webhook receiver: the fake server answering each delivery with `status(req, index)` (0: never answers, the sender must time out). */
export function webhookReceiver(status: (req: RecordedRequest, index: number) => number | Promise<number> = () => 200): Promise<FakeServer> {
  return FakeServer.start({
    fallback: async (req, index) => {
      const s = await status(req, index);
      return s === 0 ? { hang: true } : { status: s, body: {} };
    },
  });
}
