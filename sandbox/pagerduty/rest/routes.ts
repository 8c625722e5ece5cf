import type { FastifyInstance } from "fastify";
import type { PdContext } from "../deps";
import type { SlidingWindowLimiter } from "../rate-limit";
import { sameSecret, tokenFrom } from "../sandbox/auth";
import { restErrors } from "./errors";
import { registerEscalationPolicyRoutes } from "./escalation-policies-routes";
import { registerIncidentRoutes } from "./incidents-routes";
import { registerServiceRoutes } from "./services-routes";
import { registerWebhookSubscriptionRoutes } from "./webhook-subscriptions-routes";

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
      const headers = {
        "ratelimit-limit": String(opts.limiter.limit),
        "ratelimit-remaining": String(rl.remaining),
        "ratelimit-reset": String(rl.resetSeconds),
      };
      if (!rl.allowed) throw restErrors.rateLimited(headers);
      reply.headers(headers);
    });
    registerServiceRoutes(scope, ctx);
    registerEscalationPolicyRoutes(scope, ctx);
    registerIncidentRoutes(scope, ctx);
    registerWebhookSubscriptionRoutes(scope, ctx);
  });
}
