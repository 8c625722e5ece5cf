import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { transaction } from "../../../lib/sqlite";
import { jsonBody } from "../body-parsing";
import type { PdContext } from "../deps";
import { getService } from "../store/services";
import {
  createSubscription,
  deleteSubscription,
  enableSubscription,
  getSubscription,
  listSubscriptions,
  updateSubscription,
  type SubscriptionRow,
} from "../store/subscriptions";
import { isoSeconds } from "../time";
import { emitPing } from "../webhooks/outbox";
import { restErrors } from "./errors";
import { pageParams, paginate, parseBody, stringParam, type Query } from "./query";
import { renderSubscription } from "./render";

/** v3 event types a subscription may ask for (pagerduty-webhook-v3-samples.json `event_types`). */
export const WEBHOOK_EVENT_TYPES = [
  "incident.acknowledged",
  "incident.annotated",
  "incident.conference_bridge.updated",
  "incident.custom_field_values.updated",
  "incident.delegated",
  "incident.escalated",
  "incident.incident_type.changed",
  "incident.priority_updated",
  "incident.reassigned",
  "incident.reopened",
  "incident.resolved",
  "incident.responder.added",
  "incident.responder.replied",
  "incident.role.assigned",
  "incident.service_updated",
  "incident.status_update_published",
  "incident.task.completed",
  "incident.task.created",
  "incident.task.updated",
  "incident.triggered",
  "incident.unacknowledged",
  "incident.action_invocation.created",
  "incident.action_invocation.terminated",
  "incident.action_invocation.updated",
  "incident.workflow.started",
  "incident.workflow.completed",
  "service.created",
  "service.custom_field_values.updated",
  "service.deleted",
  "service.updated",
] as const;

/** RFC 9110 token characters; values without CR/LF or other controls (they would break the delivery request). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;

function schemas() {
  const events = z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1)
    .refine((a) => new Set(a).size === a.length, "must not repeat event types");
  const filter = z.object({ type: z.enum(["account_reference", "service_reference", "team_reference"]), id: z.string().min(1).optional() });
  const url = z
    .string()
    .max(2048)
    .refine((u) => {
      try {
        const p = new URL(u);
        return p.protocol === "https:" || p.protocol === "http:";
      } catch {
        return false;
      }
    }, "must be an http(s) URL");
  const create = z.object({
    webhook_subscription: z.object({
      type: z.literal("webhook_subscription").optional(),
      description: z.string().max(1024).nullable().optional(),
      active: z.boolean().optional(),
      delivery_method: z.object({
        type: z.literal("http_delivery_method"),
        url,
        custom_headers: z
          .array(
            z.object({
              name: z.string().regex(HEADER_NAME, "must be a valid header name").max(256),
              value: z.string().regex(HEADER_VALUE, "must not contain control characters").max(4096),
            }),
          )
          .max(10)
          .optional(),
      }),
      events,
      filter,
    }),
  });
  const update = z.object({
    webhook_subscription: z.object({
      description: z.string().max(1024).nullable().optional(),
      active: z.boolean().optional(),
      events: events.optional(),
      filter: filter.optional(),
    }),
  });
  return { create, update };
}

function body(raw: unknown): unknown {
  const parsed = jsonBody(raw);
  if (!parsed.ok) throw restErrors.invalid(["The request body is not valid JSON"]);
  return parsed.value;
}

export function registerWebhookSubscriptionRoutes(app: FastifyInstance, ctx: PdContext): void {
  const s = schemas();
  const now = () => isoSeconds(ctx.clock.now());
  const sub404 = (id: string): SubscriptionRow => {
    const sub = getSubscription(ctx.db, ctx.region, id);
    if (!sub) throw restErrors.notFound();
    return sub;
  };
  const checkFilter = (f: { type: string; id?: string } | undefined) => {
    if (f?.type === "service_reference" && (!f.id || !getService(ctx.db, ctx.region, f.id))) {
      throw restErrors.invalid(["filter.id: must reference an existing service"]);
    }
    if (f?.type === "team_reference" && !f.id) throw restErrors.invalid(["filter.id: is required for team_reference"]);
  };

  app.get("/webhook_subscriptions", async (request) => {
    const q = request.query as Query;
    const page = pageParams(q);
    const filterType = stringParam(q, "filter_type");
    if (filterType !== undefined && !["account", "service", "team"].includes(filterType))
      throw restErrors.invalid(["filter_type must be one of account, service, team"]);
    const all = listSubscriptions(ctx.db, ctx.region, { type: filterType, id: stringParam(q, "filter_id") });
    const { slice, meta } = paginate(all, page);
    return { webhook_subscriptions: slice.map((x) => renderSubscription(x, false)), ...meta };
  });

  app.post("/webhook_subscriptions", async (request) => {
    const input = parseBody(s.create, body(request.body)).webhook_subscription;
    checkFilter(input.filter);
    const sub = transaction(ctx.db, () =>
      createSubscription(
        ctx.db,
        ctx.region,
        {
          url: input.delivery_method.url,
          description: input.description,
          customHeaders: input.delivery_method.custom_headers ?? [],
          events: input.events,
          filterType: input.filter.type,
          filterId: input.filter.id ?? null,
          active: input.active ?? true,
        },
        now(),
      ),
    );
    // The only response that carries the signing secret.
    return { webhook_subscription: renderSubscription(sub, true) };
  });

  app.get<{ Params: { id: string } }>("/webhook_subscriptions/:id", async (request) => ({
    webhook_subscription: renderSubscription(sub404(request.params.id), false),
  }));

  app.put<{ Params: { id: string } }>("/webhook_subscriptions/:id", async (request) => {
    const sub = sub404(request.params.id);
    const input = parseBody(s.update, body(request.body)).webhook_subscription;
    checkFilter(input.filter);
    updateSubscription(
      ctx.db,
      sub.id,
      {
        events: input.events,
        filterType: input.filter?.type,
        filterId: input.filter ? (input.filter.id ?? null) : undefined,
        active: input.active,
        description: input.description,
      },
      now(),
    );
    return { webhook_subscription: renderSubscription(sub404(sub.id), false) };
  });

  app.delete<{ Params: { id: string } }>("/webhook_subscriptions/:id", async (request, reply) => {
    deleteSubscription(ctx.db, sub404(request.params.id).id);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>("/webhook_subscriptions/:id/ping", async (request, reply) => {
    emitPing(ctx, sub404(request.params.id));
    return reply.code(202).send();
  });

  app.post<{ Params: { id: string } }>("/webhook_subscriptions/:id/enable", async (request) => {
    const sub = sub404(request.params.id);
    enableSubscription(ctx.db, sub.id, now());
    return { webhook_subscription: renderSubscription(sub404(sub.id), false) };
  });
}
