/**
 * `POST /pagerduty`: PagerDuty webhooks v3. Verify X-PagerDuty-Signature (any of several v1=
 * signatures, any configured secret), de-duplicate on X-Webhook-Id, store, answer 2xx at once;
 * the acknowledgement sync runs later from the outbox.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { verifyPagerDutySignature } from "../../lib/signatures";
import type { Metrics } from "../metrics";
import type { PdWebhookPayload, RelayStore } from "../store/types";
import { isJsonContentType, parseJson } from "./raw-body";

const envelope = z.looseObject({
  event: z.looseObject({
    id: z.string().optional(),
    event_type: z.string().min(1),
    resource_type: z.string().optional(),
    agent: z.looseObject({ summary: z.string().nullish() }).nullish(),
    data: z.looseObject({
      id: z.string().min(1).max(100),
      status: z.string().optional(),
      incident_key: z.string().nullish(),
      service: z.looseObject({ id: z.string().optional() }).optional(),
    }),
  }),
});

export const SYNCED_EVENTS = ["incident.acknowledged", "incident.unacknowledged", "incident.resolved"];

export interface PdIntakeDeps {
  store: RelayStore;
  metrics: Metrics;
  /** Current secrets (config plus the adopted subscription's). */
  secrets: () => readonly string[];
  onAccepted: () => void;
  accepting: () => boolean;
}

export function registerPagerDutyIntake(app: FastifyInstance, d: PdIntakeDeps): void {
  app.post("/pagerduty", async (req, reply) => {
    const count = (outcome: string) => d.metrics.webhooks.inc({ source: "pagerduty", outcome });
    if (!d.accepting()) return reply.code(503).send({ error: "draining" });
    if (!isJsonContentType(req.headers["content-type"])) {
      count("unsupported_media_type");
      return reply.code(415).send({ error: "unsupported_media_type", message: "PagerDuty sends application/json; the body must be JSON." });
    }
    const header = req.headers["x-pagerduty-signature"];
    if (!verifyPagerDutySignature(d.secrets(), req.rawBody ?? Buffer.alloc(0), typeof header === "string" ? header : undefined)) {
      count("rejected_signature");
      return reply.code(401).send({ error: "bad_signature", message: "X-PagerDuty-Signature is missing or matches no configured subscription secret." });
    }
    const json = parseJson(req.rawBody);
    if (!json.ok) {
      count("malformed");
      return reply.code(400).send({ error: "malformed_json", message: "The body is not valid JSON." });
    }
    const parsed = envelope.safeParse(json.value);
    const webhookId = typeof req.headers["x-webhook-id"] === "string" ? req.headers["x-webhook-id"] : null;
    if (!parsed.success || !SYNCED_EVENTS.includes(parsed.data.event.event_type)) {
      // Authentic but not for us (pings, other event types): 2xx, or PagerDuty counts a drop.
      count("ignored");
      return reply.code(200).send({ status: "ignored" });
    }
    const e = parsed.data.event;
    const payload: PdWebhookPayload = {
      webhookId: webhookId ?? e.id ?? null,
      event: {
        id: e.id,
        event_type: e.event_type,
        agent: e.agent ? { summary: e.agent.summary ?? null } : null,
        data: {
          id: e.data.id,
          status: e.data.status,
          incident_key: e.data.incident_key ?? null,
          service: e.data.service?.id ? { id: e.data.service.id } : undefined,
        },
      },
    };
    const fresh = await d.store.acceptPdWebhook(payload, Date.now());
    count(fresh ? "accepted" : "duplicate");
    if (fresh) d.onAccepted();
    return reply.code(202).send({ status: fresh ? "accepted" : "duplicate" });
  });
}
