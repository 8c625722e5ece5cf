/**
 * `buildApp(deps)`: the relay's HTTP surface on one fastify instance. Everything stateful comes
 * in through `deps`, so tests and `startRelay` compose it the same way.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { RelayConfig } from "./config";
import { AttemptLimiter } from "./http/auth";
import { registerStatusPage } from "./http/status-page";
import { registerAtlasIntake } from "./intake/atlas";
import { registerPagerDutyIntake } from "./intake/pagerduty";
import { registerRawBody } from "./intake/raw-body";
import type { Metrics } from "./metrics";
import type { RelayStore } from "./store/types";

/** How often the server looks for requests past their timeouts (node's default is 30 s). */
const TIMEOUT_CHECK_MS = 1_000;

/** The webhook source a path counts under in relay_webhooks_total (undefined: not a webhook). */
export function webhookSource(url: string): "atlas" | "pagerduty" | undefined {
  return url.startsWith("/atlas/") ? "atlas" : url === "/pagerduty" || url.startsWith("/pagerduty?") ? "pagerduty" : undefined;
}

export interface AppDeps {
  config: RelayConfig;
  store: RelayStore;
  log: Logger;
  metrics: Metrics;
  /** New jobs were stored: wake the worker. */
  kick: () => void;
  /** Workers running and not draining (readiness). */
  workersRunning: () => boolean;
  draining: () => boolean;
  /** PagerDuty webhook secrets (config, plus the subscription the relay created). */
  pagerDutySecrets: () => readonly string[];
  /** Failed sign-ins per account (default: a new one with relay/http/auth.ts's limits). */
  limiter?: AttemptLimiter;
  /** The PagerDuty webhook subscriptions' set-up, when the relay makes them (status page). */
  subscriptions?: () => { pending: boolean; lastError?: string } | undefined;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const limits = deps.config.http;
  const requestTimeout = limits.requestTimeoutSeconds * 1000;
  const app: FastifyInstance = Fastify({
    // Per-request logs stay off (warn and above only): the relay logs what it does with each webhook.
    loggerInstance: deps.log.child({ component: "http" }, { level: "warn" }) as unknown as FastifyBaseLogger,
    bodyLimit: limits.bodyLimitBytes,
    return503OnClosing: true,
    // Every request is bounded: a slow body or slow headers are cut at their timeout, an idle socket too.
    requestTimeout,
    connectionTimeout: requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    http: { requestTimeout, headersTimeout: limits.headersTimeoutSeconds * 1000, connectionsCheckingInterval: TIMEOUT_CHECK_MS },
  });
  // Connections past the cap are closed as they arrive.
  app.server.maxConnections = limits.maxConnections;
  registerRawBody(app);
  // One limiter of failed sign-ins for every endpoint that checks credentials.
  const limiter = deps.limiter ?? new AttemptLimiter();
  const routes = new Map(deps.config.routes.map((r) => [r.id, r]));
  const accepting = () => !deps.draining();

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      const source = webhookSource(req.url);
      if (source) deps.metrics.webhooks.inc({ source, outcome: "too_large" });
      return reply.code(413).send({ error: "too_large", message: `The body exceeds ${limits.bodyLimitBytes} bytes.` });
    }
    // No content type at all: fastify refuses it before the route (the routes refuse any other than JSON).
    if (err.statusCode === 415) {
      const source = webhookSource(req.url);
      if (source) deps.metrics.webhooks.inc({ source, outcome: "unsupported_media_type" });
      return reply.code(415).send({ error: "unsupported_media_type", message: "The body must be application/json." });
    }
    // The store is unreachable (PostgreSQL down or restarting): 503, nothing was stored, another replica may take it.
    if ((err as { storeUnavailable?: boolean }).storeUnavailable)
      return reply.code(503).send({ error: "store_unavailable", message: "The relay's store is unreachable; the request was not stored." });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.log.error({ err, url: req.url }, "request failed");
    return reply
      .code(status)
      .send({ error: status === 500 ? "internal" : "bad_request", message: status === 500 ? "Internal error; the request was not stored." : err.message });
  });

  registerAtlasIntake(app, {
    store: deps.store,
    routes,
    metrics: deps.metrics,
    informs: deps.config.pagerduty.informs,
    onAccepted: deps.kick,
    accepting,
    maxAgeMs: deps.config.retentionMs,
  });
  registerPagerDutyIntake(app, { store: deps.store, metrics: deps.metrics, secrets: deps.pagerDutySecrets, onAccepted: deps.kick, accepting });
  registerStatusPage(app, {
    store: deps.store,
    routes: deps.config.routes,
    credentials: deps.config.statusPage,
    onRetry: deps.kick,
    subscriptions: deps.subscriptions,
    limiter,
    publicUrl: deps.config.publicUrl,
  });

  app.get("/livez", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    const problems: string[] = [];
    try {
      await deps.store.ping();
    } catch {
      problems.push("store unreachable");
    }
    if (!deps.workersRunning()) problems.push("workers not running");
    if (deps.draining()) problems.push("draining");
    return reply.code(problems.length ? 503 : 200).send({ status: problems.length ? "not_ready" : "ready", problems });
  });
  app.get("/metrics", async (_req, reply) => reply.type("text/plain; version=0.0.4; charset=utf-8").send(await deps.metrics.render()));
  return app;
}
