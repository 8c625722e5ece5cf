import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { PdContext } from "../deps";
import type { SlidingWindowLimiter } from "../rate-limit";
import { restErrors } from "./errors";
import { registerIncidentRoutes } from "./incidents-routes";
import { registerServiceRoutes } from "./services-routes";
import { registerWebhookSubscriptionRoutes } from "./webhook-subscriptions-routes";

/** The token from `Authorization: Token token=<t>` (quotes tolerated), or undefined. */
export function tokenFrom(header: unknown): string | undefined {
  if (typeof header !== "string") return undefined;
  const m = /^Token token="?([^"\s]+)"?$/i.exec(header.trim());
  return m?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The REST subset, behind token auth and a per-token rate limit. Registered
 * as an encapsulated plugin so the hooks cover exactly these routes.
 */
export function registerRestRoutes(app: FastifyInstance, ctx: PdContext, opts: { restToken: string; limiter: SlidingWindowLimiter }): void {
  app.register(async (scope) => {
    scope.addHook("onRequest", async (request, reply) => {
      const token = tokenFrom(request.headers.authorization);
      if (!token || !sameSecret(token, opts.restToken)) throw restErrors.unauthorized();
      const rl = opts.limiter.take(token);
      const headers = { "ratelimit-limit": String(opts.limiter.limit), "ratelimit-remaining": String(rl.remaining), "ratelimit-reset": String(rl.resetSeconds) };
      if (!rl.allowed) throw restErrors.rateLimited(headers);
      reply.headers(headers);
    });
    registerServiceRoutes(scope, ctx);
    registerIncidentRoutes(scope, ctx);
    registerWebhookSubscriptionRoutes(scope, ctx);
  });
}
