import * as crypto from "node:crypto";
import pino from "pino";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { parseConfig, type RawConfig, type RelayConfig } from "../../relay/config";
import { startRelay, type Relay, type RelayTuning, type StartOptions } from "../../relay/main";
import { mmsSignature } from "../../lib/signatures";
import { parseResponse, request } from "./fetch";
import { freePort } from "../../scripts/lib/free-port";
import { startPostgres, type PostgresServer } from "./postgres";

/**
 * The store relay tests run on: SQLite by default; RELAY_TEST_STORE=postgres (npm run test:pg)
 * runs the same tests on PostgreSQL, one server per test file and a fresh database per relay.
 */
export const TEST_STORE = process.env.RELAY_TEST_STORE === "postgres" ? "postgres" : "sqlite";
let pgServer: Promise<PostgresServer> | undefined;
let pgDatabases = 0;
export async function testStoreUrl(): Promise<string | undefined> {
  if (TEST_STORE !== "postgres") return undefined;
  pgServer ??= startPostgres();
  return (await pgServer).database(`relay_${++pgDatabases}`);
}

/**
 * One sandbox (project API + PagerDuty), one PagerDuty service with a key, one project, and a
 * relay with one route for them: the setup of every relay test. Real sockets on 127.0.0.1.
 */
export const FAST_TUNING: Partial<RelayTuning> = {
  backoff: { baseMs: 50, maxMs: 500 },
  rateLimitBlock: { baseMs: 200, maxMs: 1_000 },
  idleMs: 100,
  leaseMs: 5_000,
  httpTimeoutMs: 2_000,
  drainMs: 2_000,
};

export interface RelayWorld {
  sandbox: Sandbox;
  relay: Relay;
  projectId: string;
  routeId: string;
  routingKey: string;
  serviceId: string;
  secret: string;
  env: Record<string, string>;
  rawConfig: RawConfig;
  atlas: ReturnType<typeof atlasApi>;
  pd: ReturnType<typeof pagerDutyApi>;
  /** A WEBHOOK alert configuration in the project that targets the relay route. */
  alertConfig(body?: Record<string, unknown>): Promise<any>;
  /** Starts the relay again (close the running one first), with `config` changing the raw config if given. */
  restart(opts?: StartOptions, config?: (c: RawConfig) => RawConfig): Promise<Relay>;
  close(): Promise<void>;
}

export interface WorldOptions {
  sandbox?: SandboxOptions;
  config?: (c: RawConfig) => RawConfig;
  /** Changes the parsed config (tests that need what validation refuses, e.g. a key PagerDuty rejects). */
  mutate?: (c: RelayConfig) => void;
  /** Listen on a fixed free port with publicUrl set, so the relay creates its PagerDuty webhook subscription. */
  subscribe?: boolean;
  /** Extra environment for secret references. */
  env?: Record<string, string>;
  start?: StartOptions;
  dataDir?: string;
  /** The PagerDuty service's acknowledgement timeout: an acknowledged incident turns back to triggered (incident.unacknowledged). */
  acknowledgementTimeoutSeconds?: number;
}

export async function startWorld(opts: WorldOptions = {}): Promise<RelayWorld> {
  const sandbox = await startSandbox({ retry: { baseDelayMs: 20, maxAttempts: 5, timeoutMs: 2_000 }, ...opts.sandbox });
  let relay: Relay | undefined;
  try {
    const atlas = atlasApi(sandbox);
    const pd = pagerDutyApi(sandbox);
    const projectId = crypto.randomBytes(12).toString("hex");
    await atlas.createProject(projectId);
    const svc = opts.acknowledgementTimeoutSeconds
      ? await serviceWithTimeout(pd, `relay-${projectId.slice(0, 6)}`, opts.acknowledgementTimeoutSeconds)
      : await pd.serviceWithKey(`relay-${projectId.slice(0, 6)}`);
    const secret = crypto.randomBytes(16).toString("hex");
    const storeUrl = await testStoreUrl();
    // A relay process a test starts from the CLI gets its own database (RELAY_STORE), as it would its own data dir.
    const cliStore = await testStoreUrl();
    const env: Record<string, string> = {
      ...(cliStore ? { RELAY_STORE: cliStore } : {}),
      ATLAS_ID: sandbox.credentials.clientId,
      ATLAS_SECRET: sandbox.credentials.clientSecret,
      PD_TOKEN: sandbox.pagerdutyToken,
      ROUTE_KEY: svc.key,
      ROUTE_SECRET: secret,
      STATUS_PASSWORD: "status-password-1",
      ...opts.env,
    };
    let rawConfig: RawConfig = {
      listen: { host: "127.0.0.1", port: 0 },
      dataDir: opts.dataDir ?? "memory",
      atlas: { baseUrl: sandbox.atlasUrl, clientId: { env: "ATLAS_ID" }, clientSecret: { env: "ATLAS_SECRET" } },
      pagerduty: {
        eventsUrl: { ...sandbox.pagerdutyUrl },
        restUrl: { ...sandbox.pagerdutyUrl },
        restToken: { env: "PD_TOKEN" },
      },
      reconcile: { intervalSeconds: 0 },
      statusPage: { username: "ops", password: { env: "STATUS_PASSWORD" } },
      routes: [{ id: "orders", projectId, routingKey: { env: "ROUTE_KEY" }, webhookSecret: { env: "ROUTE_SECRET" }, defaultSeverity: "warning" }],
    };
    if (opts.subscribe) {
      const port = await freePort();
      rawConfig = { ...rawConfig, listen: { host: "127.0.0.1", port }, publicUrl: `http://127.0.0.1:${port}` };
    }
    if (opts.config) rawConfig = opts.config(rawConfig);
    const config = parseConfig(rawConfig, { env });
    opts.mutate?.(config);
    const logger = pino({ level: process.env.RELAY_TEST_LOG ?? "silent" });
    const start = (o: StartOptions = {}, c: RelayConfig = config) =>
      startRelay(c, { logger, ...(storeUrl ? { storeUrl } : {}), ...opts.start, ...o, tuning: { ...FAST_TUNING, ...opts.start?.tuning, ...o.tuning } });
    relay = await start();
    const world: RelayWorld = {
      sandbox,
      relay,
      projectId,
      routeId: "orders",
      routingKey: svc.key,
      serviceId: svc.serviceId,
      secret,
      env,
      rawConfig,
      atlas,
      pd,
      alertConfig: async (body = {}) => {
        const res = await atlas.call("POST", `/api/atlas/v2/groups/${projectId}/alertConfigs`, {
          eventTypeName: "NO_PRIMARY",
          enabled: true,
          severityOverride: "CRITICAL",
          notifications: [{ typeName: "WEBHOOK", webhookUrl: `${world.relay.url}/atlas/orders`, webhookSecret: secret, delayMin: 0 }],
          ...body,
        });
        const r = await parseResponse(res);
        if (r.status >= 300) throw new Error(`alert config: ${r.status} ${r.text}`);
        return r.body;
      },
      restart: async (o?: StartOptions, change?: (c: RawConfig) => RawConfig) => {
        let c = config;
        if (change) {
          c = parseConfig(change(rawConfig), { env });
          opts.mutate?.(c);
        }
        world.relay = await start(o, c);
        return world.relay;
      },
      close: async () => {
        await world.relay.close().catch(() => undefined);
        await sandbox.close();
      },
    };
    return world;
  } catch (err) {
    await relay?.close().catch(() => undefined);
    await sandbox.close();
    throw err;
  }
}

async function serviceWithTimeout(pd: ReturnType<typeof pagerDutyApi>, name: string, seconds: number) {
  const svc = (await (await pd.call("POST", "/services", { service: { type: "service", name, acknowledgement_timeout: seconds } })).json()) as any;
  const integ = (await (
    await pd.call("POST", `/services/${svc.service.id}/integrations`, { integration: { type: "events_api_v2_inbound_integration", name: "MongoDB Atlas" } })
  ).json()) as any;
  return { serviceId: String(svc.service.id), key: String(integ.integration.integration_key) };
}

/** An Atlas-shaped alert webhook body. */
export function alertBody(projectId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    id: crypto.randomBytes(12).toString("hex"),
    groupId: projectId,
    alertConfigId: crypto.randomBytes(12).toString("hex"),
    eventTypeName: "NO_PRIMARY",
    status: "OPEN",
    created: now,
    updated: now,
    clusterName: "Cluster0",
    humanReadable: "No primary in replica set atlas-rs0",
    ...over,
  };
}

/** POSTs a webhook to the relay as Atlas would, signed with `secret` (unsigned when undefined). */
export async function postAtlas(
  url: string,
  event: string,
  body: unknown,
  secret: string | undefined,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json", "x-mms-event": event, ...extra };
  if (secret !== undefined) headers["x-mms-signature"] = mmsSignature(secret, raw);
  const { status, body: parsed } = await request(url, { method: "POST", headers, body: raw });
  return { status, body: parsed };
}

/** The sandbox's record of Events API calls for a dedup key, oldest first (read from its database). */
export function eventsFor(sb: Sandbox, dedupKey: string): Array<{ event_action: string; outcome: string; received_at: string }> {
  return sb.db.prepare("SELECT event_action, outcome, received_at FROM pd_events WHERE dedup_key = ? ORDER BY seq").all(dedupKey) as any[];
}

/** Every Events API call the sandbox received, oldest first. */
export function allEvents(sb: Sandbox): Array<{ event_action: string; outcome: string; dedup_key: string | null; key_last4: string; received_at: string }> {
  return sb.db.prepare("SELECT event_action, outcome, dedup_key, key_last4, received_at FROM pd_events ORDER BY seq").all() as any[];
}

export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ""}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function dedupKey(projectId: string, alertId: string): string {
  return `mongodb-atlas/${projectId}/${alertId}`;
}

export { freePort };

/** Starts a PagerDuty outage in the sandbox: every Events API request answers `status` for `seconds`. */
export async function outage(sb: Sandbox, seconds: number, status: 429 | 500 | 502 | 503, path: "events" | "rest" | "all" = "events"): Promise<void> {
  const res = await fetch(`${sb.pagerdutyUrl.US}/sandbox/faults/outage`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Token token=${sb.pagerdutyToken}` },
    body: JSON.stringify({ seconds, status, path }),
  });
  if (res.status !== 201) throw new Error(`outage: ${res.status} ${await res.text()}`);
}
