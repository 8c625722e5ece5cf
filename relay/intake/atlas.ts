/**
 * `POST /atlas/:routeId`: Atlas alert webhooks. Only `application/json` (415 otherwise); signature
 * first (X-MMS-Signature on the raw bytes, current or previous secret), then JSON, then the fields
 * used. The state is the signed body's `status`, never the unsigned X-MMS-Event header (it only
 * marks an inform, and is refused when it contradicts the body); a signed body without a status is
 * kept as an intake dead letter. The alert's state and its delivery job are stored in one
 * transaction before the 2xx.
 */
import type { FastifyInstance } from "fastify";
import { verifyMmsSignature } from "../../lib/signatures";
import type { RouteConfig } from "../config";
import { ATLAS_EVENTS, eventContradicts, type AtlasEvent } from "../domain/state";
import type { Metrics } from "../metrics";
import type { RelayStore } from "../store/types";
import { atlasAlertBody } from "./atlas-body";
import { isJsonContentType, parseJson } from "./raw-body";

export interface AtlasIntakeDeps {
  store: RelayStore;
  routes: ReadonlyMap<string, RouteConfig>;
  metrics: Metrics;
  informs: boolean;
  /** New delivery work was stored. */
  onAccepted: () => void;
  /** False while draining: intake answers 503 so Atlas keeps the event for a healthy replica. */
  accepting: () => boolean;
  /** The retention period: a body whose `updated` is older is refused (its alert may be pruned already). */
  maxAgeMs: number;
}

export function registerAtlasIntake(app: FastifyInstance, d: AtlasIntakeDeps): void {
  app.post<{ Params: { routeId: string } }>("/atlas/:routeId", async (req, reply) => {
    const stop = d.metrics.acceptSeconds.startTimer();
    const count = (outcome: string) => d.metrics.webhooks.inc({ source: "atlas", outcome });
    try {
      if (!d.accepting()) return reply.code(503).send({ error: "draining", message: "The relay is shutting down; retry against another instance." });
      if (!isJsonContentType(req.headers["content-type"])) {
        count("unsupported_media_type");
        return reply.code(415).send({ error: "unsupported_media_type", message: "Atlas sends application/json; the body must be JSON." });
      }
      const route = d.routes.get(req.params.routeId);
      if (!route) {
        count("unknown_route");
        return reply.code(404).send({ error: "unknown_route", message: `No route ${JSON.stringify(req.params.routeId)} in the relay config.` });
      }
      const header = req.headers["x-mms-signature"];
      if (!verifyMmsSignature(route.webhookSecrets, req.rawBody ?? Buffer.alloc(0), typeof header === "string" ? header : undefined)) {
        count("rejected_signature");
        return reply.code(401).send({ error: "bad_signature", message: "X-MMS-Signature is missing or does not match the route's webhook secret." });
      }
      const eventHeader = String(req.headers["x-mms-event"] ?? "");
      if (!(ATLAS_EVENTS as readonly string[]).includes(eventHeader)) {
        count("unknown_event");
        return reply.code(400).send({
          error: "unknown_event",
          message: `X-MMS-Event must be one of ${ATLAS_EVENTS.join(", ")} (got ${JSON.stringify(eventHeader.slice(0, 50))}).`,
        });
      }
      const event = eventHeader as AtlasEvent;
      const json = parseJson(req.rawBody);
      if (!json.ok) {
        count("malformed");
        return reply.code(400).send({ error: "malformed_json", message: "The body is not valid JSON." });
      }
      const parsed = atlasAlertBody.safeParse(json.value);
      if (!parsed.success) {
        count("malformed");
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
        return reply.code(400).send({ error: "invalid_alert", message: `The alert body is missing fields the relay needs: ${issues.join("; ")}` });
      }
      const a = parsed.data;
      /** Accepted (2xx) and kept as an intake dead letter, shown on the status page: it pages nobody. */
      const deadLetter = async (kind: string, reason: string, message: string) => {
        await d.store.recordIntakeDeadLetter({ routeId: route.id, reason, event, projectId: a.groupId, alertId: a.id, receivedAt: Date.now() });
        d.metrics.deadLetters.inc({ kind });
        count("dead_letter");
        return reply.code(202).send({ status: "dead_letter", message });
      };
      if (a.groupId !== route.projectId) {
        // Accepted: Atlas may remove a webhook that keeps failing, and a config mistake must not lose alerts.
        return deadLetter(
          "wrong_project",
          `alert of project ${a.groupId} sent to route ${route.id} (project ${route.projectId})`,
          "The alert's project is not this route's; kept as a dead letter.",
        );
      }
      const updatedMs = Date.parse(a.updated ?? a.resolved ?? a.created ?? new Date().toISOString());
      if (updatedMs < Date.now() - d.maxAgeMs) {
        count("too_old");
        return reply.code(400).send({
          error: "too_old",
          message: `The alert was last updated ${a.updated ?? a.resolved ?? a.created}, before the relay's retention period: a replay is not paged.`,
        });
      }
      const status = a.status;
      if (!status) {
        // Signed with the route's secret but not an Atlas alert (Atlas always sends a status): it pages
        // nobody, and is kept where a person sees it (the status page) rather than refused unseen.
        return deadLetter(
          "no_status",
          `signed ${event} without a status: not an Atlas alert body, nobody paged`,
          "The alert body has no status; kept as a dead letter, nobody paged.",
        );
      }
      if (eventContradicts(event, status)) {
        count("contradiction");
        return reply.code(400).send({
          error: "event_contradicts_status",
          message: `X-MMS-Event ${event} contradicts the body's status ${status}; the relay takes the state from the signed body.`,
        });
      }
      if (event === "alert.inform" && !d.informs) {
        count("ignored");
        return reply.code(200).send({ status: "ignored" });
      }
      const ackUntil = a.acknowledgedUntil ?? null;
      const result = await d.store.observeAlert(
        {
          routeId: route.id,
          projectId: a.groupId,
          alertId: a.id,
          alertConfigId: a.alertConfigId ?? null,
          event,
          status,
          acknowledged: ackUntil !== null && Date.parse(ackUntil) > Date.now(),
          acknowledgedUntil: ackUntil,
          inform: event === "alert.inform",
          updatedMs,
          facts: {
            eventTypeName: a.eventTypeName,
            humanReadable: a.humanReadable?.slice(0, 64 * 1024),
            clusterName: a.clusterName,
            hostnameAndPort: a.hostnameAndPort,
            replicaSetName: a.replicaSetName,
            metricName: a.metricName,
            currentValue: a.currentValue ? { number: a.currentValue.number, units: a.currentValue.units } : undefined,
            created: a.created,
            acknowledgingUsername: a.acknowledgingUsername,
          },
        },
        Date.now(),
      );
      count(result.outcome === "stale" ? "stale" : "accepted");
      if (result.outcome !== "stale") d.onAccepted();
      return reply.code(200).send({ status: result.outcome === "stale" ? "already_known" : "accepted" });
    } finally {
      stop();
    }
  });
}
