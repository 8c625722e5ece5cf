import type { FastifyInstance } from "fastify";
import type { PdContext } from "../deps";
import { DEFAULT_ESCALATION_POLICY_ID, listServices } from "../store/services";
import { restErrors } from "./errors";
import { pageParams, paginate, stringParam, type Query } from "./query";

/** Every sandbox account has one escalation policy, "Default", as a new PagerDuty account does. */
export const ESCALATION_POLICIES = [{ id: DEFAULT_ESCALATION_POLICY_ID, name: "Default" }] as const;

export function isEscalationPolicy(id: string): boolean {
  return ESCALATION_POLICIES.some((p) => p.id === id);
}

function render(ctx: PdContext, p: { id: string; name: string }) {
  const services = listServices(ctx.db, ctx.region).filter((s) => s.escalation_policy_id === p.id);
  return {
    id: p.id,
    type: "escalation_policy",
    summary: p.name,
    name: p.name,
    ...ctx.links.escalationPolicy(p.id),
    description: "",
    num_loops: 0,
    on_call_handoff_notifications: "if_has_services",
    // The sandbox pages nobody: one rule, no targets to notify.
    escalation_rules: [{ id: `${p.id}R1`, escalation_delay_in_minutes: 30, targets: [] }],
    services: services.map((s) => ({ id: s.id, type: "service_reference", summary: s.name, ...ctx.links.service(s.id) })),
    teams: [],
  };
}

/** `GET /escalation_policies` (with `query`) and `GET /escalation_policies/{id}`: what a client needs to create a service. */
export function registerEscalationPolicyRoutes(app: FastifyInstance, ctx: PdContext): void {
  app.get("/escalation_policies", async (request) => {
    const q = request.query as Query;
    const name = stringParam(q, "query")?.toLowerCase();
    const all = ESCALATION_POLICIES.filter((p) => !name || p.name.toLowerCase().includes(name));
    const { slice, meta } = paginate([...all], pageParams(q));
    return { escalation_policies: slice.map((p) => render(ctx, p)), ...meta };
  });

  app.get<{ Params: { id: string } }>("/escalation_policies/:id", async (request) => {
    const p = ESCALATION_POLICIES.find((x) => x.id === request.params.id);
    if (!p) throw restErrors.notFound();
    return { escalation_policy: render(ctx, p) };
  });
}
