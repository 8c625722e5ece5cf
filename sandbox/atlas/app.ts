import Fastify, { type FastifyInstance } from "fastify";
import { systemClock } from "../../lib/clock";
import { observeExchanges } from "../http/exchange";
import { serverLogging } from "../http/request-log";
import { MalformedJsonError, registerRawJsonParser } from "../../lib/raw-json";
import { registerAlertConfigRoutes } from "./alert-configs/routes";
import { registerAlertRoutes } from "./alerts/routes";
import { DigestAuth } from "./auth/digest";
import { registerOAuthRoutes } from "./auth/oauth-routes";
import type { AtlasContext, AtlasDeps } from "./deps";
import { AtlasError, sendAtlasError } from "./errors";
import { malformedJson, payloadTooLarge, resourceNotFound, unexpectedError, unsupportedMediaType } from "./error-codes";
import { isApiPath, pathOf, registerApiHooks } from "./http/api-hooks";
import { TokenBuckets } from "./http/rate-limit";
import { isObjectId } from "./ids";
import { registerAtlasFaults } from "./faults";
import { registerIntegrationRoutes } from "./integrations/routes";
import { AlertEngine } from "./lifecycle/engine";
import { OutboxWorker } from "./notify/outbox-worker";
import { ensureProject } from "./projects";
import type { AtlasRuntime } from "./runtime";
import { registerSandboxRoutes } from "./sandbox-api/routes";
import { AlertConfigStore } from "./store/alert-configs";
import { AlertStore } from "./store/alerts";
import { GroupStore } from "./store/groups";
import { IntegrationStore } from "./store/integrations";
import { migrateAtlas } from "./store/migrations";
import { InboxStore } from "./store/inbox";
import { OutboxStore } from "./store/outbox";
import { TokenStore } from "./store/tokens";

const BODY_LIMIT = 1024 * 1024;
/** How often the clock is checked for alert delays and due retries. */
const TICK_MS = 1000;

export interface TickResult {
  /** Alerts that changed (TRACKING -> OPEN, notifications fired, cancelled). */
  alertsChanged: number;
  /** Deliveries attempted. */
  deliveries: number;
}

const ticks = new WeakMap<FastifyInstance, () => Promise<TickResult>>();

/** Evaluates alert delays and delivers due notifications now (what POST /sandbox/tick does). */
export function atlasTick(app: FastifyInstance): Promise<TickResult> {
  const tick = ticks.get(app);
  if (!tick) throw new Error("not an Atlas sandbox app");
  return tick();
}

function contextOf(deps: AtlasDeps): AtlasContext {
  return {
    db: deps.db,
    clock: deps.clock ?? systemClock,
    credentials: deps.credentials,
    tokenTtlSeconds: deps.tokenTtlSeconds ?? 3600,
    defaultAlertConfigs: deps.defaultAlertConfigs ?? true,
    rateLimit: deps.rateLimit,
    pagerdutyEventsUrl: deps.pagerdutyEventsUrl,
    notifyRetry: deps.notifyRetry ?? { baseDelayMs: 1000, maxAttempts: 5 },
  };
}

/**
 * The local Atlas Administration API v2 subset (third-party integrations,
 * alert configurations, alerts) plus sandbox controls. Its timer (alert
 * delays, outbox retries) starts when the app is ready and stops on close.
 */
export function buildAtlasApp(deps: AtlasDeps): FastifyInstance {
  const ctx = contextOf(deps);
  migrateAtlas(ctx.db);
  const groups = new GroupStore(ctx.db);
  const alertConfigs = new AlertConfigStore(ctx.db);
  for (const id of deps.projects ?? []) {
    if (!isObjectId(id)) throw new Error(`project id ${JSON.stringify(id)} is not 24 lowercase hexadecimal digits`);
    ensureProject(ctx, { groups, alertConfigs }, id, undefined);
  }

  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    // Request logs carry method, URL, status and timing only: Fastify's
    // serializers do not log headers or bodies, so keys and tokens stay out.
    ...serverLogging("project API", deps.logger, { redact: ["req.headers.authorization", "req.headers.cookie"] }),
    // A URL Fastify cannot decode (%ff) names no resource: Atlas 404, not Fastify's own 400 body.
    frameworkErrors: (_err, request, reply) => sendAtlasError(reply, resourceNotFound(pathOf(request.raw.url ?? request.url))),
  });
  const log = (m: string) => app.log.warn(m);

  const outbox = new OutboxStore(ctx.db);
  const worker = new OutboxWorker(outbox, ctx.clock, ctx.notifyRetry, log);
  const stores = {
    db: ctx.db,
    groups,
    integrations: new IntegrationStore(ctx.db),
    alertConfigs,
    alerts: new AlertStore(ctx.db),
    outbox,
    inbox: new InboxStore(ctx.db),
  };
  const rt: AtlasRuntime = {
    ctx,
    ...stores,
    tokens: new TokenStore(ctx.db),
    digest: new DigestAuth(ctx.clock, ctx.credentials.publicKey, ctx.credentials.privateKey),
    buckets: ctx.rateLimit ? new TokenBuckets(ctx.clock, ctx.rateLimit.capacity, ctx.rateLimit.refillPerSecond) : undefined,
    engine: new AlertEngine(ctx, stores, () => worker.kick()),
    worker,
  };

  const tick = async (): Promise<TickResult> => {
    const alertsChanged = rt.engine.evaluateAll();
    const deliveries = await rt.worker.drain();
    return { alertsChanged, deliveries };
  };
  ticks.set(app, tick);

  registerRawJsonParser(app);
  registerApiHooks(app, rt);
  observeExchanges(app, deps.observe, (path) => (isApiPath(path) ? "atlas" : "sandbox"));

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (err instanceof AtlasError) return sendAtlasError(reply, err);
    if (err instanceof MalformedJsonError) return sendAtlasError(reply, malformedJson());
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendAtlasError(reply, payloadTooLarge(BODY_LIMIT));
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return sendAtlasError(reply, unsupportedMediaType(String(request.headers["content-type"] ?? ""), ["application/json"]));
    }
    if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      return sendAtlasError(reply, new AtlasError(err.statusCode, "INVALID_REQUEST", err.message));
    }
    request.log.error({ err: { message: err.message, stack: err.stack } }, "unexpected error");
    return sendAtlasError(reply, unexpectedError());
  });
  app.setNotFoundHandler((request, reply) => sendAtlasError(reply, resourceNotFound(pathOf(request.url))));

  registerOAuthRoutes(app, ctx, rt.tokens);
  registerIntegrationRoutes(app, rt);
  registerAlertConfigRoutes(app, rt);
  registerAlertRoutes(app, rt);
  registerSandboxRoutes(app, rt, tick);
  registerAtlasFaults(app);

  let timer: NodeJS.Timeout | undefined;
  app.addHook("onReady", async () => {
    timer = setInterval(() => void tick().catch((err) => log(`tick failed: ${String(err)}`)), TICK_MS);
    timer.unref();
    worker.kick(); // deliver what a previous run left pending
  });
  app.addHook("onClose", async () => {
    if (timer) clearInterval(timer);
    await worker.stop();
  });
  return app;
}
