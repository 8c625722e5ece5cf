import type { FastifyInstance, FastifyRequest } from "fastify";
import { alertConfigView } from "../alert-configs/view";
import { alertNotAcknowledgeable, alertNotFound, invalidAlertId, invalidEnumValue } from "../error-codes";
import { requireGroup } from "../http/group";
import { originOf, page, parsePaging } from "../http/paging";
import { single, type Query } from "../http/query";
import { isObjectId } from "../ids";
import type { AtlasRuntime } from "../runtime";
import { acknowledgingUsername, parseAck } from "./acknowledge";
import type { Alert } from "./model";
import { alertView } from "./view";

type Req = FastifyRequest<{ Params: { groupId: string; alertId: string }; Querystring: Query }>;

const BASE = "/api/atlas/v2/groups/:groupId/alerts";
const STATUSES = ["OPEN", "TRACKING", "CLOSED"];

export function requireAlert(rt: AtlasRuntime, groupId: string, alertId: string): Alert {
  if (!isObjectId(alertId)) throw invalidAlertId(alertId);
  const a = rt.alerts.get(groupId, alertId);
  if (!a) throw alertNotFound(alertId, groupId);
  return a;
}

/** Alerts: list (by status), get, acknowledge/unacknowledge, and the configuration behind an alert. */
export function registerAlertRoutes(app: FastifyInstance, rt: AtlasRuntime): void {
  app.get(BASE, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const paging = parsePaging(req.query);
    const status = single(req.query, "status");
    if (status !== undefined && !STATUSES.includes(status)) throw invalidEnumValue(status, "status", STATUSES);
    const origin = originOf(req);
    return page(req, rt.alerts.list(g.id, status), paging, (a) => alertView(a, origin, g.orgId));
  });

  app.get(`${BASE}/:alertId`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    return alertView(requireAlert(rt, g.id, req.params.alertId), originOf(req), g.orgId);
  });

  app.patch(`${BASE}/:alertId`, { config: { versions: ["2023-01-01", "2024-05-30"] } }, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const a = requireAlert(rt, g.id, req.params.alertId);
    const ack = parseAck(req.body, req.atlasBodyVersion ?? req.atlasVersion ?? "2023-01-01", rt.ctx.clock.now());
    // Real Atlas acknowledges (and unacknowledges) CLOSED alerts too (recorded: 200); CANCELLED was never recorded.
    if (a.status === "CANCELLED") throw alertNotAcknowledgeable(a.id, a.status);
    const updated = ack.kind === "ack" ? rt.engine.acknowledge(a, ack.until, ack.comment, acknowledgingUsername(req.principal)) : rt.engine.unacknowledge(a);
    return alertView(updated, originOf(req), g.orgId);
  });

  app.get(`${BASE}/:alertId/alertConfigs`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const paging = parsePaging(req.query);
    const a = requireAlert(rt, g.id, req.params.alertId);
    const cfg = rt.alertConfigs.get(g.id, a.alertConfigId);
    const origin = originOf(req);
    return page(req, cfg ? [cfg] : [], paging, (c) => alertConfigView(c, origin, rt.integrations));
  });
}
