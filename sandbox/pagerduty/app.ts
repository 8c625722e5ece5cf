import Fastify, { type FastifyInstance } from "fastify";
import { systemClock } from "../../lib/clock";
import { observeExchanges } from "../http/exchange";
import { serverLogging } from "../http/request-log";
import { registerBodyParsers } from "./body-parsing";
import { classifyExchange } from "./classify";
import { registerDashboard } from "./dashboard/routes";
import { DEFAULT_WEBHOOK_RETRY, type PagerDutyDeps, type PdContext, type WebhookRetryPolicy } from "./deps";
import { registerErrorHandlers } from "./errors";
import { registerEventsRoutes } from "./events/routes";
import { FaultInjector, registerOutageRoutes } from "./faults";
import { registerFaultHook } from "./faults-hook";
import { links } from "./links";
import { migratePagerDuty } from "./migrations";
import { SlidingWindowLimiter } from "./rate-limit";
import { registerRestRoutes } from "./rest/routes";
import { DEFAULT_EVENTS_RETENTION, pruneEvents } from "./store/events-log";
import { requireSandboxToken } from "./sandbox/auth";
import { registerSandboxRoutes } from "./sandbox/routes";
import { DeliveryWorker, type DrainOptions } from "./webhooks/worker";

const workers = new WeakMap<FastifyInstance, DeliveryWorker>();

/**
 * The local PagerDuty of one region: Events API v2, the REST subset, webhook
 * deliveries, sandbox routes and the dashboard on one port. The delivery
 * worker starts when the app is ready and stops when it closes.
 */
export function buildPagerDutyApp(deps: PagerDutyDeps): FastifyInstance {
  migratePagerDuty(deps.db);
  const clock = deps.clock ?? systemClock;
  const eventsRetention = { ...DEFAULT_EVENTS_RETENTION, ...deps.eventsRetention };
  const ctx: PdContext = { db: deps.db, clock, region: deps.region, links: links(deps.region), eventsRetention };
  // Apply the retention at start too: a log left by an older sandbox (or a longer retention) shrinks at once.
  pruneEvents(deps.db, clock.now(), eventsRetention);
  const retry: WebhookRetryPolicy = { ...DEFAULT_WEBHOOK_RETRY, ...deps.webhookRetry };

  const app = Fastify({
    // Request logs carry method and URL only; headers (tokens) and bodies (routing keys) are never logged.
    // The dashboard's one-time `/?token=` is cut from logged URLs.
    ...serverLogging(`PagerDuty ${deps.region}`, deps.logger, {
      redact: ["req.headers.authorization", "req.headers.from", "req.headers.cookie"],
      serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/([?&]token=)[^&]*/gi, "$1[redacted]") }) },
    }),
    // REST bodies; the Events API routes lower it to PagerDuty's 512 KB.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  });

  registerBodyParsers(app);
  observeExchanges(app, deps.observe, classifyExchange);
  registerErrorHandlers(app);

  const faults = new FaultInjector();
  registerFaultHook(app, faults);

  const eventsLimiter = new SlidingWindowLimiter(deps.eventsPerMinutePerKey ?? 120, clock);
  const restLimiter = new SlidingWindowLimiter(deps.restRequestsPerMinute ?? 960, clock);
  const pollMs = deps.webhookPollMs ?? Math.min(1_000, Math.max(10, Math.floor(retry.baseDelayMs / 2)));
  const worker = new DeliveryWorker(ctx, retry, pollMs, app.log);
  workers.set(app, worker);

  registerEventsRoutes(app, ctx, eventsLimiter);
  registerRestRoutes(app, ctx, { restToken: deps.restToken, limiter: restLimiter });
  // Sandbox controls (faults, outages, services, state, drain) and the dashboard: same token as the REST API (see sandbox/auth.ts).
  app.register(async (scope) => {
    requireSandboxToken(scope, deps.restToken);
    registerSandboxRoutes(scope, ctx, faults, worker);
    registerOutageRoutes(scope, faults);
    registerDashboard(scope, ctx, faults);
  });

  app.addHook("onReady", async () => worker.start());
  app.addHook("onClose", async () => worker.stop());
  return app;
}

/** Sends the app's due webhook deliveries now (tests; `ignoreSchedule` also skips backoff waits). */
export async function drainWebhookDeliveries(app: FastifyInstance, opts: DrainOptions = {}): Promise<void> {
  const worker = workers.get(app);
  if (!worker) throw new Error("not a PagerDuty sandbox app");
  await worker.drain(opts);
}
