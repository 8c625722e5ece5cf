import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { routeKind } from "./classify";
import { SERVER_ERROR, THROTTLED } from "./events/messages";
import type { FaultInjector } from "./faults";
import { restErrors } from "./rest/errors";

/** Applies injected faults before anything else (auth, parsing, rate limits): the edge fails first. */
export function registerFaultHook(app: FastifyInstance, faults: FaultInjector): void {
  app.addHook("onRequest", async (request, reply) => {
    const kind = routeKind(request.url);
    const fault = faults.take(kind);
    if (!fault) return;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (!fault.status) return;
    if (kind === "events") {
      return reply.code(fault.status).send(fault.status === 429 ? THROTTLED : SERVER_ERROR);
    }
    const err = fault.status === 429 ? restErrors.rateLimited({ "ratelimit-reset": "1" }) : restErrors.server(fault.status);
    return reply.code(err.statusCode).headers(err.headers).send(err.body);
  });
}
