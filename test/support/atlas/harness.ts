import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { ManualClock } from "../../../lib/clock";
import { openDb, type Db } from "../../../lib/sqlite";
import { regionRecord } from "../../../lib/regions";
import { ConformanceRecorder } from "../openapi";
import { buildAtlasApp, type AtlasCredentials, type AtlasDeps } from "../../../sandbox/atlas/index";
import { closeAtEnd } from "../cleanup";
import { parseResponse, request } from "../fetch";
import { EVENT_ACCEPTED, FakeServer } from "../fake-server";

export const CREDS: AtlasCredentials = {
  clientId: "mdb_sa_id_0123456789abcdef",
  clientSecret: "mdb_sa_sk_s3cr3t-value-for-tests",
  publicKey: "pubkeyabc",
  privateKey: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
};

export const V1 = "application/vnd.atlas.2023-01-01+json";
export const V2024 = "application/vnd.atlas.2024-05-30+json";
/** 32 hexadecimal digits, as Atlas wants PagerDuty service keys. */
export const PD_KEY = "0123456789abcdef0123456789ab0022";
export const PD_KEY_2 = "fedcba9876543210fedcba9876541111";

export interface AtlasHarness {
  app: FastifyInstance;
  url: string;
  clock: ManualClock;
  db: Db;
  recorder: ConformanceRecorder;
  capture: FakeServer;
  groupId: string;
  /** Bearer-authenticated request (token fetched once). JSON body, versioned headers by default. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  token(): Promise<string>;
  conformance(): string[];
  close(): Promise<void>;
}

export interface AtlasHarnessOptions extends Partial<AtlasDeps> {
  dataDir?: string;
  /** Keep the fake PagerDuty and webhook receiver of a previous sandbox (restart tests). */
  capture?: FakeServer;
  clock?: ManualClock;
}

export const GROUP = "5f0000000000000000000001";

/** A real server on 127.0.0.1:0 with a fake server (test/support/fake-server.ts) recording PagerDuty (/us, /eu) and webhooks. */
export async function startAtlas(opts: AtlasHarnessOptions = {}): Promise<AtlasHarness> {
  const recorder = new ConformanceRecorder();
  const clock = opts.clock ?? new ManualClock("2026-03-01T10:00:00Z");
  const capture = opts.capture ?? (await FakeServer.start({ fallback: EVENT_ACCEPTED }));
  let db: Db | undefined;
  let app: FastifyInstance | undefined;
  // What this call started, closed once: by the test, or by the test environment if a step below throws.
  const close = closeAtEnd("Atlas sandbox", async () => {
    await app?.close();
    if (!opts.capture) await capture.close();
    if (!opts.db) db?.close();
  });
  try {
    db = opts.db ?? openDb(opts.dataDir);
    app = await listenAtlas(db, clock, capture, recorder, opts);
  } catch (err) {
    await close();
    throw err;
  }
  return sandboxHandle(app, db, clock, capture, recorder, close);
}

async function listenAtlas(
  db: Db,
  clock: ManualClock,
  capture: FakeServer,
  recorder: ConformanceRecorder,
  opts: AtlasHarnessOptions,
): Promise<FastifyInstance> {
  const app = buildAtlasApp({
    db,
    clock,
    credentials: CREDS,
    projects: [GROUP],
    pagerdutyEventsUrl: regionRecord((r) => `${capture.url}/${r.toLowerCase()}`),
    observe: recorder.observe,
    notifyRetry: { baseDelayMs: 1000, maxAttempts: 3 },
    ...opts,
  });
  try {
    await app.listen({ port: 0, host: "127.0.0.1" });
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}

function sandboxHandle(
  app: FastifyInstance,
  db: Db,
  clock: ManualClock,
  capture: FakeServer,
  recorder: ConformanceRecorder,
  close: () => Promise<void>,
): AtlasHarness {
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let token: string | undefined;
  const getToken = async () => {
    if (token) return token;
    const res = await fetch(`${url}/api/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${CREDS.clientId}:${CREDS.clientSecret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    token = (await parseResponse<{ access_token: string }>(res)).body.access_token;
    return token;
  };
  return {
    app,
    url,
    clock,
    db,
    recorder,
    capture,
    groupId: GROUP,
    token: getToken,
    async api(method, p, body, headers = {}) {
      const h: Record<string, string> = { accept: V1, authorization: `Bearer ${await getToken()}`, ...headers };
      if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === "content-type")) h["content-type"] = h.accept ?? V1;
      return request(url + p, { method, headers: h, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
    },
    conformance: () => recorder.errors(),
    close,
  };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "atlas-sandbox-"));
}
