import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireAlert } from "../alerts/routes";
import { alertView } from "../alerts/view";
import { AtlasError } from "../errors";
import { alertConfigNotFound, invalidAlertConfigId, invalidAttribute } from "../error-codes";
import { bodyObject, onlyKnown, optString, reqString } from "../http/body";
import { requireGroup } from "../http/group";
import { originOf } from "../http/paging";
import { isObjectId, newObjectId } from "../ids";
import { ensureProject } from "../projects";
import { redactKey, redactUrl } from "../redact";
import type { AtlasRuntime } from "../runtime";
import type { OutboxEntry } from "../store/outbox";
import { parseAlertFields } from "./alert-fields";

type Req = FastifyRequest<{ Params: { groupId: string; alertId: string } }>;

const FIELDS = ["clusterName", "hostnameAndPort", "replicaSetName", "metricName", "currentValue"];

const notActive = (id: string, status: string) =>
  new AtlasError(409, "ALERT_NOT_ACTIVE", `Alert ${id} is ${status}; only TRACKING or OPEN alerts change.`, [id, status]);

/** An outbox entry for tests: delivery state, event, target (redacted), never a key, secret or body. */
function outboxView(e: OutboxEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: e.id,
    alertId: e.alertId,
    notifierId: e.channel,
    kind: e.kind,
    event: e.event,
    url: e.kind === "webhook" && e.url ? redactUrl(e.url) : e.url,
    status: e.status,
    attempts: e.attempts,
    nextAttemptAt: new Date(e.nextAttemptAt).toISOString(),
    createdAt: new Date(e.createdAt).toISOString(),
  };
  if (e.kind === "pagerduty" && e.body) {
    const b = JSON.parse(e.body) as { event_action?: string; dedup_key?: string; routing_key?: string };
    out.eventAction = b.event_action;
    out.dedupKey = b.dedup_key;
    if (b.routing_key) out.routingKey = redactKey(b.routing_key);
  }
  if (e.kind === "webhook") out.signed = "x-mms-signature" in e.headers;
  if (e.lastStatus !== undefined) out.lastStatus = e.lastStatus;
  if (e.lastError !== undefined) out.lastError = e.lastError;
  if (e.sentAt !== undefined) out.sentAt = new Date(e.sentAt).toISOString();
  return out;
}

/**
 * Sandbox-only controls (never under /api/atlas/v2): projects, the alert
 * lifecycle a real Atlas drives from monitoring, the outbox, and a tick that
 * evaluates delays and delivers due notifications now. Same authentication
 * and error bodies as the API, plain `application/json`.
 */
export function registerSandboxRoutes(app: FastifyInstance, rt: AtlasRuntime, tick: () => Promise<object>): void {
  app.post("/sandbox/groups", async (req, reply) => {
    const o = req.body === undefined ? {} : bodyObject(req.body);
    onlyKnown(o, "", ["id", "name"]);
    const id = optString(o, "id", "") ?? newObjectId();
    if (!isObjectId(id)) throw invalidAttribute("id", "must be 24 lowercase hexadecimal digits");
    const name = optString(o, "name", "");
    if (name !== undefined && (name.length === 0 || name.length > 64)) throw invalidAttribute("name", "1 to 64 characters");
    const { group, created } = ensureProject(rt.ctx, rt, id, name);
    return reply.code(created ? 201 : 200).send(group);
  });

  app.get("/sandbox/groups/:groupId", async (req: Req) => requireGroup(rt, req.params.groupId));

  app.post("/sandbox/groups/:groupId/alerts", async (req: Req, reply) => {
    const g = requireGroup(rt, req.params.groupId);
    const o = bodyObject(req.body);
    onlyKnown(o, "", ["alertConfigId", ...FIELDS]);
    const configId = reqString(o, "alertConfigId", "");
    if (!isObjectId(configId)) throw invalidAlertConfigId(configId);
    const cfg = rt.alertConfigs.get(g.id, configId);
    if (!cfg) throw alertConfigNotFound(configId, g.id);
    if (!cfg.doc.enabled) {
      throw new AtlasError(409, "ALERT_CONFIG_DISABLED", `Alert configuration ${configId} is disabled; Atlas raises no alerts for it.`, [configId]);
    }
    const a = rt.engine.open(cfg, parseAlertFields(o), originOf(req));
    return reply.code(201).send(alertView(a, originOf(req), g.orgId));
  });

  app.post("/sandbox/groups/:groupId/alerts/:alertId/update", async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const a = requireAlert(rt, g.id, req.params.alertId);
    const o = req.body === undefined ? {} : bodyObject(req.body);
    onlyKnown(o, "", FIELDS);
    if (a.status !== "TRACKING" && a.status !== "OPEN") throw notActive(a.id, a.status);
    return alertView(rt.engine.update(a, parseAlertFields(o)), originOf(req), g.orgId);
  });

  for (const action of ["close", "cancel"] as const) {
    app.post(`/sandbox/groups/:groupId/alerts/:alertId/${action}`, async (req: Req) => {
      const g = requireGroup(rt, req.params.groupId);
      const a = requireAlert(rt, g.id, req.params.alertId);
      if (a.status !== "TRACKING" && a.status !== "OPEN") throw notActive(a.id, a.status);
      const done = action === "close" ? rt.engine.close(a) : rt.engine.cancel(a);
      return alertView(done, originOf(req), g.orgId);
    });
  }

  app.get("/sandbox/groups/:groupId/notifications", async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    return { results: rt.outbox.list(g.id).map(outboxView) };
  });

  // Every notification of a type the sandbox does not send over the network (GROUP, USER, TEAM, EMAIL, SMS, ORG, SLACK...).
  app.get("/sandbox/groups/:groupId/inbox", async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const q = req.query as Record<string, unknown>;
    const str = (k: string) => (typeof q[k] === "string" && q[k] ? (q[k] as string) : undefined);
    const results = rt.inbox.list(g.id, { typeName: str("typeName"), alertId: str("alertId") });
    return { results, totalCount: results.length };
  });

  app.post("/sandbox/tick", async () => tick());
}
