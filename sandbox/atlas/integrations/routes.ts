import type { FastifyInstance, FastifyRequest } from "fastify";
import { INTEGRATION_TYPES } from "../../../catalog/atlas";
import { integrationAlreadyConfigured, integrationNotFound, invalidEnumValue } from "../error-codes";
import { requireGroup } from "../http/group";
import { page, parsePaging } from "../http/paging";
import type { Query } from "../http/query";
import { newObjectId } from "../ids";
import type { AtlasRuntime } from "../runtime";
import { atlasTime } from "../time";
import { parseIntegration } from "./validate";
import { integrationView } from "./view";

type Req = FastifyRequest<{ Params: { groupId: string; integrationType?: string }; Querystring: Query }>;

const BASE = "/api/atlas/v2/groups/:groupId/integrations";

function typeParam(req: Req): string {
  const t = req.params.integrationType ?? "";
  if (!INTEGRATION_TYPES.includes(t)) throw invalidEnumValue(t, "integrationType", INTEGRATION_TYPES);
  return t;
}

/** Third-party integrations: one per type per project; POST/PUT answer with the whole list, as Atlas does. */
export function registerIntegrationRoutes(app: FastifyInstance, rt: AtlasRuntime): void {
  const list = (req: Req, groupId: string) => page(req, rt.integrations.list(groupId), parsePaging(req.query), integrationView);

  app.get(BASE, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    return list(req, g.id);
  });

  app.get(`${BASE}/:integrationType`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const type = typeParam(req);
    const i = rt.integrations.get(g.id, type);
    if (!i) throw integrationNotFound(type, g.id);
    return integrationView(i);
  });

  app.post(`${BASE}/:integrationType`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const type = typeParam(req);
    const paging = parsePaging(req.query);
    const settings = parseIntegration(type, req.body);
    if (rt.integrations.get(g.id, type)) throw integrationAlreadyConfigured(type, g.id);
    rt.integrations.insert({ id: newObjectId(), groupId: g.id, type, settings }, atlasTime(rt.ctx.clock.now()));
    return page(req, rt.integrations.list(g.id), paging, integrationView);
  });

  app.put(`${BASE}/:integrationType`, async (req: Req) => {
    const g = requireGroup(rt, req.params.groupId);
    const type = typeParam(req);
    const paging = parsePaging(req.query);
    const existing = rt.integrations.get(g.id, type);
    if (!existing) throw integrationNotFound(type, g.id);
    const settings = parseIntegration(type, req.body);
    rt.integrations.update({ ...existing, settings }, atlasTime(rt.ctx.clock.now()));
    return page(req, rt.integrations.list(g.id), paging, integrationView);
  });

  app.delete(`${BASE}/:integrationType`, async (req: Req, reply) => {
    const g = requireGroup(rt, req.params.groupId);
    const type = typeParam(req);
    if (!rt.integrations.delete(g.id, type)) throw integrationNotFound(type, g.id);
    return reply.code(204).send();
  });
}
