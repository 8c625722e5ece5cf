/**
 * `startRelay(config)`: composes the store, clients, workers, reconciler and HTTP app, listens,
 * and returns a handle whose `close()` drains gracefully (not ready, stop intake, finish or give
 * back in-flight work, stop listening, close the store).
 */
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { AtlasClient } from "../clients/atlas/client";
import { PagerDutyEventsClient } from "../clients/pagerduty/events";
import { PagerDutyRestClient } from "../clients/pagerduty/rest";
import type { BackoffSchedule } from "../lib/backoff";
import { DEFAULT_REGION, pagerDutyEventsBaseUrl, pagerDutyRestBaseUrl, type Region } from "../lib/regions";
import { ackSyncHandler } from "./ack/sync";
import { buildApp } from "./app";
import { configSecrets, type RelayConfig } from "./config";
import { deliverHandler, type EventSender } from "./delivery/deliver";
import { MemoryPacer, type Pacer } from "./delivery/pacer";
import { SeverityResolver } from "./delivery/severity";
import { createLogger } from "./logger";
import { createMetrics, type Metrics } from "./metrics";
import { Reconciler } from "./reconcile/reconciler";
import { openSqliteStore } from "./store/data-dir";
import { storeUrlSecrets } from "./store/store-url";
// Types only: the PostgreSQL store (and pg-boss, an ES module) loads only when --store names it.
import type { PgRelayStore } from "./store/postgres/store";
import { QUEUES, type RelayStore } from "./store/types";
import { WebhookSubscriptions } from "./subscription";
import { Worker } from "./worker";

export interface RelayTuning {
  /** Retry schedule of failed deliveries (5xx, network). */
  backoff: BackoffSchedule;
  /** How long a 429 blocks a routing key. */
  rateLimitBlock: BackoffSchedule;
  concurrency: number;
  leaseMs: number;
  idleMs: number;
  /** Per-request timeout towards PagerDuty and the project API. */
  httpTimeoutMs: number;
  /** Grace period for in-flight work on shutdown (default: the config's drainSeconds). */
  drainMs: number;
  /** Between failed attempts at the PagerDuty webhook subscriptions (default relay/subscription.ts SUBSCRIPTION_RETRY). */
  subscriptionRetry?: BackoffSchedule;
}

export const DEFAULT_TUNING: RelayTuning = {
  backoff: { baseMs: 1_000, maxMs: 60_000 },
  rateLimitBlock: { baseMs: 5_000, maxMs: 60_000 },
  concurrency: 16,
  leaseMs: 60_000,
  idleMs: 1_000,
  httpTimeoutMs: 10_000,
  drainMs: 10_000,
};

export interface StartOptions {
  tuning?: Partial<RelayTuning>;
  /** Overrides the config's store (tests). */
  store?: RelayStore;
  /** `postgres://…` runs on PostgreSQL (several replicas); unset or `sqlite` keeps the embedded store. */
  storeUrl?: string;
  logger?: Logger;
  logLevel?: string;
  /** Port override (0 = any). */
  port?: number;
}

export interface Relay {
  url: string;
  app: FastifyInstance;
  store: RelayStore;
  metrics: Metrics;
  reconciler: Reconciler;
  worker: Worker;
  close(): Promise<void>;
}

/** A process waiting for a data dir's lock waits this much longer than a drain (a rolling restart hands over). */
export const LOCK_WAIT_MARGIN_MS = 5_000;

/**
 * The store `--store` names: SQLite in the data directory by default (after taking the data dir's
 * lock: one process per data dir), PostgreSQL for a postgres:// URL.
 */
export async function openStore(storeUrl: string | undefined, config: RelayConfig, tuning: RelayTuning, log: Logger): Promise<RelayStore> {
  if (!storeUrl || storeUrl === "sqlite") return openSqliteStore(config.dataDir, { waitMs: tuning.drainMs + LOCK_WAIT_MARGIN_MS, log });
  if (!/^postgres(ql)?:\/\//.test(storeUrl)) throw new Error("--store (RELAY_STORE) must be 'sqlite' or a postgres://user:password@host:port/database URL");
  const { PgRelayStore } = await import("./store/postgres/store");
  return PgRelayStore.open({ url: storeUrl, leaseMs: tuning.leaseMs, max: Math.max(4, Math.ceil(tuning.concurrency / 2) + 2) });
}

/**
 * Crash tests only: RELAY_TEST_PAUSE_AFTER_SEND_MS holds each delivery between PagerDuty's 2xx and
 * the relay's commit, so a test can SIGKILL the process there. Unset (always, outside those tests):
 * no hook at all.
 */
function pauseAfterSend(log: Logger): (() => Promise<void>) | undefined {
  const ms = Number(process.env.RELAY_TEST_PAUSE_AFTER_SEND_MS ?? "");
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  log.warn({ ms }, "test hook RELAY_TEST_PAUSE_AFTER_SEND_MS is set: every delivery pauses after PagerDuty's answer");
  return async () => {
    log.info({ ms }, "paused after send (test hook)");
    await new Promise((r) => setTimeout(r, ms));
  };
}

export async function startRelay(config: RelayConfig, opts: StartOptions = {}): Promise<Relay> {
  const tuning: RelayTuning = { ...DEFAULT_TUNING, drainMs: config.drainMs, ...opts.tuning };
  const log =
    opts.logger ??
    createLogger({
      level: opts.logLevel ?? process.env.RELAY_LOG_LEVEL ?? "info",
      secrets: [...configSecrets(config), ...storeUrlSecrets(opts.storeUrl)],
    });
  for (const warning of config.warnings) log.warn(`config: ${warning}`);
  const store = opts.store ?? (await openStore(opts.storeUrl, config, tuning, log));
  const metrics = createMetrics(store);
  const routes = new Map(config.routes.map((r) => [r.id, r]));
  const noRetry = { maxAttempts: 1 };

  const atlas = new AtlasClient({ baseUrl: config.atlas.baseUrl, auth: config.atlas.auth, timeoutMs: tuning.httpTimeoutMs, retry: { maxAttempts: 2 } });
  const senders = new Map<Region, EventSender>();
  const sender = (region: Region): EventSender => {
    let s = senders.get(region);
    if (!s) {
      // The outbox retries; the client makes one attempt per claim.
      s = new PagerDutyEventsClient({
        baseUrl: config.pagerduty.eventsUrl[region] ?? pagerDutyEventsBaseUrl(region),
        retry: noRetry,
        timeoutMs: tuning.httpTimeoutMs,
      });
      senders.set(region, s);
    }
    return s;
  };
  const restRegion: Region = config.routes[0]?.region ?? DEFAULT_REGION;
  const rest = config.pagerduty.restToken
    ? new PagerDutyRestClient({
        baseUrl: config.pagerduty.restUrl[restRegion] ?? pagerDutyRestBaseUrl(restRegion),
        token: config.pagerduty.restToken,
        timeoutMs: tuning.httpTimeoutMs,
      })
    : undefined;
  // On PostgreSQL the bucket is a row every replica shares; on SQLite (one process) it is in memory.
  const pg = store.kind === "postgres" ? (store as PgRelayStore) : undefined;
  const pacer: Pacer = pg
    ? pg.pacer(config.pagerduty.eventsPerMinute, config.pagerduty.burst)
    : new MemoryPacer(config.pagerduty.eventsPerMinute, config.pagerduty.burst);
  const severity = new SeverityResolver(atlas, (reason, err) => {
    metrics.severityFallbacks.inc({ reason });
    if (reason !== "unavailable") log.warn({ err, reason }, "the alert configuration's severity was not read in time; the route's default severity was sent");
  });

  let worker: Worker | undefined;
  const kick = () => worker?.kick();
  worker = new Worker(
    store,
    {
      [QUEUES.deliver]: deliverHandler({
        store,
        routes,
        senders: sender,
        pacer,
        severity,
        metrics,
        log,
        atlasUiUrl: config.atlas.baseUrl,
        rateLimitBlock: tuning.rateLimitBlock,
        afterSend: pauseAfterSend(log),
      }),
      [QUEUES.pdWebhook]: ackSyncHandler({ store, atlas, incidents: rest, acknowledgeHours: config.atlas.acknowledgeHours, metrics, log, onChanged: kick }),
    },
    log.child({ component: "worker" }),
    { concurrency: tuning.concurrency, leaseMs: tuning.leaseMs, idleMs: tuning.idleMs, backoff: tuning.backoff },
  );
  const reconciler = new Reconciler(
    {
      store,
      atlas,
      metrics,
      log: log.child({ component: "reconciler" }),
      onChanged: kick,
      publicUrl: config.publicUrl,
      onConfigRead: (projectId, id, cfg) => severity.remember(projectId, id, cfg),
    },
    config.routes,
    config.reconcileIntervalMs,
  );

  const pdSecrets: string[] = [...config.pagerduty.webhookSecrets];
  // Each subscription's secret is usable as soon as it is created or adopted; the set-up retries until done.
  const subscriptions =
    rest && config.publicUrl
      ? new WebhookSubscriptions({
          rest,
          store,
          routes: config.routes,
          url: `${config.publicUrl}/pagerduty`,
          log,
          onSecret: (s) => pdSecrets.push(s),
          onState: (pending) => metrics.subscriptionsPending.set(pending ? 1 : 0),
          ...(tuning.subscriptionRetry ? { retry: tuning.subscriptionRetry } : {}),
        })
      : undefined;
  let draining = false;
  const app = buildApp({
    config,
    store,
    log,
    metrics,
    kick,
    workersRunning: () => worker!.isRunning,
    draining: () => draining,
    pagerDutySecrets: () => pdSecrets,
    subscriptions: () => (subscriptions ? { pending: subscriptions.pending, lastError: subscriptions.lastError } : undefined),
  });

  // Nothing runs a job before the relay listens: a start that fails (the port is taken) claims nothing.
  let url: string;
  try {
    url = await app.listen({ host: config.listen.host, port: opts.port ?? config.listen.port });
  } catch (err) {
    await store.close();
    throw err;
  }
  worker.start();
  // Several replicas reconcile once per interval between them (a pg-boss singleton slot), not once each.
  const reconcileSchedule =
    pg && config.reconcileIntervalMs > 0
      ? pg.singleton(
          "relay.reconcile",
          Math.max(1_000, config.reconcileIntervalMs),
          () => reconciler.runOnce(),
          (err) => log.warn({ err }, "reconcile schedule"),
        )
      : undefined;
  if (reconcileSchedule) await reconcileSchedule.start();
  else reconciler.start();
  // At start, then hourly: webhook ids after 73 hours (PagerDuty retries for 48), finished jobs and
  // the send log after 7 days, closed alerts, served configurations and intake dead letters after the retention period.
  const prune = () => {
    void store.pruneWebhookIds(Date.now() - 73 * 3_600_000).catch(() => undefined);
    void store.pruneHistory(Date.now() - 7 * 24 * 3_600_000).catch(() => undefined);
    void store
      .pruneRetained(Date.now() - config.retentionMs)
      .then((n) => n.alerts + n.servedConfigs + n.intakeDeadLetters > 0 && log.info(n, "retention: pruned"))
      .catch((err) => log.warn({ err }, "retention: pruning failed; will try again in an hour"));
  };
  prune();
  const pruner = setInterval(prune, 3_600_000);
  pruner.unref();
  subscriptions?.start();
  log.info({ url, routes: config.routes.map((r) => r.id), store: store.kind }, "relay listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    store,
    metrics,
    reconciler,
    worker,
    close: () =>
      (closing ??= (async () => {
        // Draining: /readyz answers 503 (load balancers stop sending), /livez stays 200, intake
        // answers 503 "draining", and the server keeps listening while in-flight work finishes.
        draining = true;
        log.info({ graceMs: tuning.drainMs }, "draining");
        clearInterval(pruner);
        await subscriptions?.stop();
        await reconcileSchedule?.stop();
        await reconciler.stop();
        await worker!.stop(tuning.drainMs);
        await app.close(); // in-flight requests finish
        await store.close();
        log.info("relay stopped");
      })()),
  };
}

export { pino };
