import type { FastifyInstance, FastifyRequest } from "fastify";
import { alertConfigNotFound, invalidAlertConfigId } from "../error-codes";
import { requireGroup } from "../http/group";
import { originOf, page, parsePaging } from "../http/paging";
import type { Query } from "../http/query";
import { alertView } from "../alerts/view";
import { newObjectId, isObjectId } from "../ids";
import type { AtlasRuntime } from "../runtime";
import { atlasTime } from "../time";
import { SERVED_MATCHER_FIELD_NAMES } from "./field-names";
import type { AlertConfig } from "./model";
import { parseAlertConfig, parseToggle } from "./validate";
import type { NotifierLookup } from "./validate-notification";
import { alertConfigView } from "./view";

type Req = FastifyRequest<{ Params: { groupId: string; alertConfigId: string }; Querystring: Query }>;

const BASE = "/api/atlas/v2/groups/:groupId/alertConfigs";

function lookupFor(rt: AtlasRuntime, groupId: string): NotifierLookup {
  return {
    byNotifierId: (id) => rt.alertConfigs.findNotifier(groupId, id),
    integrationById: (id) => rt.integrations.byId(groupId, id),
    integrationOfType: (type) => rt.integrations.get(groupId, type),
  };
}

function requireConfig(rt: AtlasRuntime, groupId: string, id: string): AlertConfig {
  if (!isObjectId(id)) throw invalidAlertConfigId(id);
  const c = rt.alertConfigs.get(groupId, id);
  if (!c) throw alertConfigNotFound(id, groupId);
  return c;
}

/** Alert configurations: list, create (201), get, replace, toggle, delete, their open alerts, and the matcher field names. */
export function registerAlertConfigRoutes(app: FastifyInstance, rt: AtlasRuntime): void {
  const view = (req: FastifyRequest, c: AlertConfig) => alertConfigView(c, originOf(req), rt.integrations);
  // A single configuration (create, get, update) also links to its alerts, as real Atlas answers.
  const single = (req: FastifyRequest, c: AlertConfig) => alertConfigView(c, originOf(req), rt.integrations, { alertsLink: true });

  app.get("/api/atlas/v2/alertConfigs/matchers/fieldNames", async () => SERVED_MATCHER_FIELD_NAMES);

  app.get(BASE, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    return page(req, rt.alertConfigs.list(g.id), parsePaging(req.query), (c) => view(req, c));
  });

  // Atlas answers 201 (the spec documents 200; API-NOTES: accept both).
  app.post(BASE, async (req: Req, reply) => {
    const g = requireGroup(rt, req.params.groupId);
    const doc = parseAlertConfig(req.body, lookupFor(rt, g.id));
    const now = atlasTime(rt.ctx.clock.now());
    const c: AlertConfig = { id: newObjectId(), groupId: g.id, created: now, updated: now, doc };
    rt.alertConfigs.insert(c);
    return reply.code(201).send(single(req, c));
  });

  app.get(`${BASE}/:alertConfigId`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    return single(req, requireConfig(rt, g.id, req.params.alertConfigId));
  });

  app.put(`${BASE}/:alertConfigId`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const existing = requireConfig(rt, g.id, req.params.alertConfigId);
    const doc = parseAlertConfig(req.body, lookupFor(rt, g.id));
    const updated = atlasTime(rt.ctx.clock.now());
    rt.alertConfigs.update(g.id, existing.id, doc, updated);
    if (existing.doc.enabled && !doc.enabled) rt.engine.cancelForConfig(g.id, existing.id);
    return single(req, { ...existing, doc, updated });
  });

  app.patch(`${BASE}/:alertConfigId`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const existing = requireConfig(rt, g.id, req.params.alertConfigId);
    const enabled = parseToggle(req.body);
    const doc = { ...existing.doc, enabled };
    const updated = atlasTime(rt.ctx.clock.now());
    rt.alertConfigs.update(g.id, existing.id, doc, updated);
    // Disabling (or deleting) a configuration cancels its active alerts.
    if (existing.doc.enabled && !enabled) rt.engine.cancelForConfig(g.id, existing.id);
    return single(req, { ...existing, doc, updated });
  });

  app.delete(`${BASE}/:alertConfigId`, async (req: Req, reply) => {
    const g = requireGroup(rt, req.params.groupId);
    const existing = requireConfig(rt, g.id, req.params.alertConfigId);
    rt.engine.cancelForConfig(g.id, existing.id);
    rt.alertConfigs.delete(g.id, existing.id);
    return reply.code(204).send();
  });

  // "Returns all open alerts that the specified alert configuration triggers."
  app.get(`${BASE}/:alertConfigId/alerts`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const paging = parsePaging(req.query);
    const c = requireConfig(rt, g.id, req.params.alertConfigId);
    const origin = originOf(req);
    return page(req, rt.alerts.byConfig(g.id, c.id, ["OPEN"]), paging, (a) => alertView(a, origin, g.orgId));
  });
}
