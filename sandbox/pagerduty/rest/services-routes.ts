import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { transaction } from "../../../lib/sqlite";
import { jsonBody } from "../body-parsing";
import type { PdContext } from "../deps";
import { createIntegration, deleteIntegration, getIntegration, updateIntegrationName } from "../store/integrations";
import { createService, deleteService, DuplicateServiceNameError, getService, listServices } from "../store/services";
import { isEscalationPolicy } from "./escalation-policies-routes";
import { isoSeconds } from "../time";
import { restErrors } from "./errors";
import { arrayParam, pageParams, paginate, parseBody, stringParam, type Query } from "./query";
import { renderIntegration, renderService } from "./render";

const INTEGRATION_TYPES = [
  "aws_cloudwatch_inbound_integration",
  "cloudkick_inbound_integration",
  "event_transformer_api_inbound_integration",
  "generic_email_inbound_integration",
  "generic_events_api_inbound_integration",
  "keynote_inbound_integration",
  "nagios_inbound_integration",
  "pingdom_inbound_integration",
  "sql_monitor_inbound_integration",
  "events_api_v2_inbound_integration",
] as const;

const timeout = z.number().int().positive().nullable().optional();

function schemas() {
  const createService = z.object({
    service: z.object({
      name: z.string().trim().min(1).max(255),
      description: z.string().max(1024).nullable().optional(),
      // PagerDuty requires an escalation policy; the sandbox has a default one.
      escalation_policy: z.object({ id: z.string().min(1), type: z.literal("escalation_policy_reference").optional() }).optional(),
      auto_resolve_timeout: timeout,
      acknowledgement_timeout: timeout,
    }),
  });
  const createIntegration = z.object({
    integration: z.object({
      type: z.enum(INTEGRATION_TYPES),
      name: z.string().trim().min(1).max(255).optional(),
    }),
  });
  const updateIntegration = z.object({
    integration: z.object({
      type: z.enum(INTEGRATION_TYPES).optional(),
      name: z.string().trim().min(1).max(255).optional(),
    }),
  });
  return { createService, createIntegration, updateIntegration };
}

function body(raw: unknown): unknown {
  const parsed = jsonBody(raw);
  if (!parsed.ok) throw restErrors.invalid(["The request body is not valid JSON"]);
  return parsed.value;
}

/** Default integration names, as PagerDuty fills them from the vendor/type. */
function defaultName(type: string): string {
  return type === "events_api_v2_inbound_integration" ? "Events API V2" : type.replace(/_inbound_integration$/, "").replace(/_/g, " ");
}

export function registerServiceRoutes(app: FastifyInstance, ctx: PdContext): void {
  const s = schemas();
  const now = () => isoSeconds(ctx.clock.now());
  const service404 = (id: string) => {
    const svc = getService(ctx.db, ctx.region, id);
    if (!svc) throw restErrors.notFound();
    return svc;
  };

  app.get("/services", async (request) => {
    const q = request.query as Query;
    const page = pageParams(q);
    const expand = arrayParam(q, "include").includes("integrations");
    const all = listServices(ctx.db, ctx.region, { nameQuery: stringParam(q, "query"), exactName: stringParam(q, "name") });
    const { slice, meta } = paginate(all, page);
    return { services: slice.map((svc) => renderService(ctx, svc, expand)), ...meta };
  });

  app.get<{ Params: { id: string } }>("/services/:id", async (request) => {
    const expand = arrayParam(request.query as Query, "include").includes("integrations");
    return { service: renderService(ctx, service404(request.params.id), expand) };
  });

  app.post("/services", async (request, reply) => {
    const input = parseBody(s.createService, body(request.body)).service;
    // PagerDuty refuses a policy id it does not know (400, code 2001) instead of creating a service nobody is paged for.
    if (input.escalation_policy && !isEscalationPolicy(input.escalation_policy.id)) throw restErrors.invalid(["Escalation Policy not found"]);
    try {
      const svc = transaction(ctx.db, () =>
        createService(
          ctx.db,
          ctx.region,
          {
            name: input.name,
            description: input.description,
            escalationPolicyId: input.escalation_policy?.id,
            autoResolveTimeout: input.auto_resolve_timeout,
            acknowledgementTimeout: input.acknowledgement_timeout,
          },
          now(),
        ),
      );
      return reply.code(201).send({ service: renderService(ctx, svc, false) });
    } catch (err) {
      if (err instanceof DuplicateServiceNameError) throw restErrors.invalid([err.message]);
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>("/services/:id/integrations", async (request, reply) => {
    const svc = service404(request.params.id);
    const input = parseBody(s.createIntegration, body(request.body)).integration;
    const integ = transaction(ctx.db, () => createIntegration(ctx.db, svc.id, input.type, input.name ?? defaultName(input.type), now()));
    return reply.code(201).send({ integration: renderIntegration(ctx.links, integ, svc) });
  });

  app.get<{ Params: { id: string; integration_id: string } }>("/services/:id/integrations/:integration_id", async (request) => {
    const svc = service404(request.params.id);
    const integ = getIntegration(ctx.db, svc.id, request.params.integration_id);
    if (!integ) throw restErrors.notFound();
    return { integration: renderIntegration(ctx.links, integ, svc) };
  });

  app.put<{ Params: { id: string; integration_id: string } }>("/services/:id/integrations/:integration_id", async (request) => {
    const svc = service404(request.params.id);
    const integ = getIntegration(ctx.db, svc.id, request.params.integration_id);
    if (!integ) throw restErrors.notFound();
    const input = parseBody(s.updateIntegration, body(request.body)).integration;
    // The key is what events route on; an integration never changes type (a new one would need a new key).
    if (input.type && input.type !== integ.type) throw restErrors.invalid(["integration.type: cannot be changed"]);
    if (input.name) updateIntegrationName(ctx.db, integ.id, input.name, now());
    return { integration: renderIntegration(ctx.links, getIntegration(ctx.db, svc.id, integ.id)!, svc) };
  });

  // Its integrations go with it (their keys stop routing); so do its incidents, as the service no longer exists.
  app.delete<{ Params: { id: string } }>("/services/:id", async (request, reply) => {
    const svc = service404(request.params.id);
    transaction(ctx.db, () => deleteService(ctx.db, svc.id));
    return reply.code(204).send();
  });

  app.delete<{ Params: { id: string; integration_id: string } }>("/services/:id/integrations/:integration_id", async (request, reply) => {
    const svc = service404(request.params.id);
    const integ = getIntegration(ctx.db, svc.id, request.params.integration_id);
    if (!integ) throw restErrors.notFound();
    // Its key stops routing at once; existing alerts and incidents stay.
    deleteIntegration(ctx.db, integ.id);
    return reply.code(204).send();
  });
}
