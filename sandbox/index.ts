import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { FastifyInstance } from "fastify";
import { buildAtlasApp, type AtlasCredentials } from "./atlas";
import { buildPagerDutyApp } from "./pagerduty";
import { openDb, type Db } from "../lib/sqlite";
import { systemClock, type Clock } from "../lib/clock";
import { pagerDutyUrlSettings, REGION_NAMES, type Region, regionRecord } from "../lib/regions";
import type { ExchangeObserver } from "./http/exchange";
import { loadOrCreateSecrets } from "./secrets";
import { ensureCertificate } from "./tls";

export { ManualClock, systemClock, type Clock } from "../lib/clock";
export type { Exchange, ExchangeObserver } from "./http/exchange";
export type { AtlasCredentials } from "./atlas";

/** How to start the sandbox; every field has a default that suits a laptop. */
export interface SandboxOptions {
  /** Where SQLite keeps state; undefined keeps everything in memory (tests). */
  dataDir?: string;
  host?: string;
  /** 0 (or leaving it out) picks a free port. */
  atlasPort?: number;
  /** The PagerDuty server of each region (lib/regions.ts). */
  pagerdutyPorts?: Partial<Record<Region, number>>;
  /**
   * HTTPS listeners for PagerDuty regions besides the plain ones, with a
   * self-signed certificate made into the data directory (`tls/cert.pem`);
   * a region left out: no TLS. 0 picks a free port.
   */
  pagerdutyTlsPorts?: Partial<Record<Region, number>>;
  /** Fixed credentials; missing ones are generated once and kept in the data directory. */
  credentials?: Partial<AtlasCredentials>;
  pagerdutyToken?: string;
  /** Project ids created at start. */
  projects?: string[];
  /** New projects get Atlas's default alert configurations (default true, as on real Atlas). */
  defaultAlertConfigs?: boolean;
  atlasRateLimit?: { capacity: number; refillPerSecond: number };
  eventsPerMinutePerKey?: number;
  /** PagerDuty events log retention (default 7 days, 200,000 events). */
  eventsRetention?: { maxAgeDays?: number; maxEvents?: number };
  clock?: Clock;
  observe?: ExchangeObserver;
  logger?: boolean;
  /** Faster retries for tests. */
  retry?: { baseDelayMs: number; maxAttempts: number; timeoutMs: number };
}

/** A running sandbox: the project API and PagerDuty (one server per PagerDuty region). */
export interface Sandbox {
  atlasUrl: string;
  pagerdutyUrl: Record<Region, string>;
  /** The HTTPS listeners and the certificate clients must trust, when TLS ports were given. */
  pagerdutyTls?: Partial<Record<Region, string>> & { certPath: string };
  credentials: AtlasCredentials;
  pagerdutyToken: string;
  db: Db;
  /** Stack config (`pdac:*`) that points the provider at this sandbox. */
  providerConfig(): Record<string, string>;
  /** The same as environment variables. */
  providerEnv(): Record<string, string>;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? "127.0.0.1";
  const db = openDb(opts.dataDir);
  const clock = opts.clock ?? systemClock;
  const secrets = loadOrCreateSecrets(db, { ...opts.credentials, ...(opts.pagerdutyToken ? { pagerdutyToken: opts.pagerdutyToken } : {}) });
  const apps: FastifyInstance[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  try {
    const pagerdutyUrl = regionRecord(() => "");
    const pagerdutyApps = new Map<Region, FastifyInstance>();
    for (const region of REGION_NAMES) {
      const app = buildPagerDutyApp({
        db,
        clock,
        region,
        restToken: secrets.pagerdutyToken,
        eventsPerMinutePerKey: opts.eventsPerMinutePerKey,
        eventsRetention: Object.fromEntries(Object.entries(opts.eventsRetention ?? {}).filter(([, v]) => v !== undefined)),
        observe: opts.observe,
        logger: opts.logger,
        webhookRetry: opts.retry ? { baseDelayMs: opts.retry.baseDelayMs, maxAttempts: opts.retry.maxAttempts, timeoutMs: opts.retry.timeoutMs } : undefined,
      });
      apps.push(app);
      pagerdutyApps.set(region, app);
      pagerdutyUrl[region] = await app.listen({ host, port: opts.pagerdutyPorts?.[region] ?? 0 });
    }
    let pagerdutyTls: Sandbox["pagerdutyTls"];
    const tlsPorts = REGION_NAMES.flatMap((r) => (opts.pagerdutyTlsPorts?.[r] === undefined ? [] : [[r, opts.pagerdutyTlsPorts[r]] as const]));
    if (tlsPorts.length) {
      const certDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "pdac-sandbox-tls-"));
      if (!opts.dataDir) cleanups.push(() => fs.rmSync(certDir, { recursive: true, force: true }));
      const cert = ensureCertificate(certDir, host === "0.0.0.0" || host === "::" ? [] : [host]);
      pagerdutyTls = { certPath: cert.certPath };
      for (const [region, port] of tlsPorts) {
        const app = pagerdutyApps.get(region)!;
        // The same app (routes, hooks, database) behind a second, TLS, socket.
        const server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => app.routing(req, res));
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(port, host, () => resolve());
        });
        cleanups.push(
          () =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        );
        const addr = server.address() as AddressInfo;
        pagerdutyTls[region] = `https://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
      }
    }
    const atlas = buildAtlasApp({
      db,
      clock,
      credentials: secrets.credentials,
      projects: opts.projects,
      defaultAlertConfigs: opts.defaultAlertConfigs,
      rateLimit: opts.atlasRateLimit,
      pagerdutyEventsUrl: pagerdutyUrl,
      observe: opts.observe,
      logger: opts.logger,
      notifyRetry: opts.retry ? { baseDelayMs: opts.retry.baseDelayMs, maxAttempts: opts.retry.maxAttempts } : undefined,
    });
    apps.push(atlas);
    const atlasUrl = await atlas.listen({ host, port: opts.atlasPort ?? 0 });
    const providerConfig = (): Record<string, string> => ({
      "pdac:atlasBaseUrl": atlasUrl,
      "pdac:atlasClientId": secrets.credentials.clientId,
      "pdac:atlasClientSecret": secrets.credentials.clientSecret,
      ...Object.fromEntries(pagerDutyUrlSettings().map((s) => [`pdac:${s.key}`, pagerdutyUrl[s.region]])),
      "pdac:pagerdutyToken": secrets.pagerdutyToken,
    });
    return {
      atlasUrl,
      pagerdutyUrl,
      pagerdutyTls,
      credentials: secrets.credentials,
      pagerdutyToken: secrets.pagerdutyToken,
      db,
      providerConfig,
      providerEnv: () => ({
        MONGODB_ATLAS_BASE_URL: atlasUrl,
        MONGODB_ATLAS_CLIENT_ID: secrets.credentials.clientId,
        MONGODB_ATLAS_CLIENT_SECRET: secrets.credentials.clientSecret,
        ...Object.fromEntries(pagerDutyUrlSettings().map((s) => [s.env, pagerdutyUrl[s.region]])),
        PAGERDUTY_TOKEN: secrets.pagerdutyToken,
      }),
      close: async () => {
        for (const c of cleanups.reverse()) await c();
        for (const app of apps.reverse()) await app.close();
        db.close();
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse())
      await Promise.resolve()
        .then(c)
        .catch(() => undefined);
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    db.close();
    throw err;
  }
}
