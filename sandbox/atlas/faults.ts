import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { isApiPath, pathOf } from "./http/api-hooks";

/**
 * Delay faults on the project API, for crash tests: the next `count` API
 * requests whose method and path match are held `delayMs` after their body is
 * read and before they are processed, so a request still lands when the
 * client died waiting for the answer. In memory: faults describe this process's edge, not durable state.
 * `POST /sandbox/faults {count, delayMs, method?, path?}` (path: a substring),
 * `GET` lists the pending ones, `DELETE` clears them.
 */
interface DelayFault {
  remaining: number;
  delayMs: number;
  method?: string;
  path?: string;
}

export function registerAtlasFaults(app: FastifyInstance): void {
  let faults: DelayFault[] = [];
  app.addHook("preHandler", async (request) => {
    const path = pathOf(request.url);
    if (!isApiPath(path)) return;
    const f = faults.find((x) => x.remaining > 0 && (!x.method || x.method === request.method) && (!x.path || path.includes(x.path)));
    if (!f) return;
    f.remaining -= 1;
    faults = faults.filter((x) => x.remaining > 0);
    await sleep(f.delayMs);
  });
  app.get("/sandbox/faults", async () => ({ faults }));
  app.post("/sandbox/faults", async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, unknown>;
    const count = Number(b.count ?? 1);
    const delayMs = Number(b.delayMs);
    if (!Number.isInteger(count) || count < 1 || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > 600_000) {
      return reply.code(400).send({ error: "count (a positive integer) and delayMs (0 to 600000) are required" });
    }
    faults.push({
      remaining: count,
      delayMs,
      ...(typeof b.method === "string" ? { method: b.method.toUpperCase() } : {}),
      ...(typeof b.path === "string" ? { path: b.path } : {}),
    });
    return reply.code(201).send({ faults });
  });
  app.delete("/sandbox/faults", async (_request, reply) => {
    faults = [];
    return reply.code(204).send();
  });
}
