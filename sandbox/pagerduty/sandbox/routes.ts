import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { transaction } from "../../../lib/sqlite";
import { jsonBody } from "../body-parsing";
import type { PdContext } from "../deps";
import type { FaultInjector } from "../faults";
import { renderIntegration, renderService } from "../rest/render";
import { createIntegration } from "../store/integrations";
import { createService, DuplicateServiceNameError } from "../store/services";
import { isoSeconds } from "../time";
import type { DeliveryWorker } from "../webhooks/worker";
import { sandboxState } from "./state";

function schemas() {
  return {
    service: z.object({
      name: z.string().trim().min(1).max(255),
      description: z.string().max(1024).optional(),
      /** Also create an Events API v2 integration and return its key (the usual first step of a test). */
      integration: z.union([z.boolean(), z.object({ name: z.string().trim().min(1).max(255).optional() })]).optional(),
      acknowledgement_timeout: z.number().int().positive().nullable().optional(),
      auto_resolve_timeout: z.number().int().positive().nullable().optional(),
    }),
    fault: z
      .object({
        count: z.number().int().min(1).max(10_000),
        skip: z.number().int().min(0).max(10_000).optional(),
        status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(429)]).optional(),
        delayMs: z.number().int().min(0).max(120_000).optional(),
        path: z.enum(["events", "rest", "all"]).optional(),
      })
      .refine((f) => f.status !== undefined || f.delayMs !== undefined, "give status, delayMs or both"),
    drain: z.object({ ignoreSchedule: z.boolean().optional() }).optional(),
  };
}

/** Sandbox-only errors: plain and explicit, these routes are not part of PagerDuty. */
function bad(reply: FastifyReply, errors: string[]) {
  return reply.code(400).send({ error: { message: "Invalid sandbox request", errors } });
}

function parse<T>(schema: z.ZodType<T>, raw: unknown, reply: FastifyReply): T | undefined {
  const j = jsonBody(raw);
  if (!j.ok) {
    bad(reply, ["body is not valid JSON"]);
    return undefined;
  }
  const r = schema.safeParse(j.value);
  if (!r.success) {
    bad(
      reply,
      r.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)),
    );
    return undefined;
  }
  return r.data;
}

export function registerSandboxRoutes(app: FastifyInstance, ctx: PdContext, faults: FaultInjector, worker: DeliveryWorker): void {
  const s = schemas();

  app.post("/sandbox/services", async (request, reply) => {
    const input = parse(s.service, request.body, reply);
    if (!input) return reply;
    try {
      const now = isoSeconds(ctx.clock.now());
      const { svc, integ } = transaction(ctx.db, () => {
        const svc = createService(
          ctx.db,
          ctx.region,
          {
            name: input.name,
            description: input.description,
            acknowledgementTimeout: input.acknowledgement_timeout,
            autoResolveTimeout: input.auto_resolve_timeout,
          },
          now,
        );
        const wanted = input.integration;
        const integ = wanted
          ? createIntegration(ctx.db, svc.id, "events_api_v2_inbound_integration", (typeof wanted === "object" && wanted.name) || "Events API V2", now)
          : undefined;
        return { svc, integ };
      });
      return reply.code(201).send({ service: renderService(ctx, svc, false), ...(integ ? { integration: renderIntegration(ctx.links, integ, svc) } : {}) });
    } catch (err) {
      if (err instanceof DuplicateServiceNameError) return bad(reply, [err.message]);
      throw err;
    }
  });

  app.get("/sandbox/state", async () => sandboxState(ctx, faults.pending()));

  app.get("/sandbox/faults", async () => ({ faults: faults.pending() }));

  app.post("/sandbox/faults", async (request, reply) => {
    const input = parse(s.fault, request.body, reply);
    if (!input) return reply;
    faults.add({ remaining: input.count, skip: input.skip, status: input.status, delayMs: input.delayMs, path: input.path ?? "all" });
    return reply.code(201).send({ faults: faults.pending() });
  });

  app.delete("/sandbox/faults", async (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });

  /** Sends due webhook deliveries now instead of waiting for the next poll. */
  app.post("/sandbox/webhooks/drain", async (request, reply) => {
    const input = request.body === undefined ? {} : parse(s.drain, request.body, reply);
    if (!input) return reply;
    await worker.drain({ ignoreSchedule: input.ignoreSchedule });
    return { webhook_deliveries: sandboxState(ctx, []).webhook_deliveries };
  });
}
