import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { transaction } from "../../../lib/sqlite";
import { jsonBody } from "../body-parsing";
import type { PdContext } from "../deps";
import { acknowledge, resolve } from "../domain/incident-lifecycle";
import { userIdForEmail } from "../ids";
import { getIntegrationById } from "../store/integrations";
import { getIncident, listAlerts, listIncidents, type Agent, type IncidentRow } from "../store/incidents";
import { getService } from "../store/services";
import { isoSeconds } from "../time";
import { restErrors } from "./errors";
import { arrayParam, pageParams, paginate, parseBody, stringParam, type Query } from "./query";
import { renderAlert, renderIncident } from "./render";

const INCIDENT_STATUSES = ["triggered", "acknowledged", "resolved"];
const ALERT_STATUSES = ["triggered", "resolved"];
const DEFAULT_WINDOW_MS = 30 * 24 * 3600 * 1000;

function updateSchema() {
  return z.object({
    incident: z.object({
      type: z.enum(["incident_reference", "incident"]),
      // Responders can acknowledge or resolve; "triggered" is not something the REST API lets you set.
      status: z.enum(["acknowledged", "resolved"]).optional(),
      title: z.string().trim().min(1).max(1024).optional(),
    }),
  });
}

/** Bulk update: `PUT /incidents` with up to 250 incident references (what go-pagerduty's ManageIncidents sends). */
function bulkSchema() {
  return z.object({
    incidents: z
      .array(
        z.object({
          id: z.string().min(1),
          type: z.enum(["incident_reference", "incident"]),
          status: z.enum(["acknowledged", "resolved"]).optional(),
          title: z.string().trim().min(1).max(1024).optional(),
        }),
      )
      .min(1)
      .max(250),
  });
}

function parseDate(raw: string | undefined, name: string, errors: string[]): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) {
    errors.push(`${name} must be a valid ISO 8601 date`);
    return undefined;
  }
  return isoSeconds(new Date(t));
}

/** A responder, named by the `From` header's e-mail, as PagerDuty requires for incident changes. */
function responder(fromHeader: unknown): Agent {
  const from = typeof fromHeader === "string" ? fromHeader.trim() : "";
  if (!/^[^\s@]+@[^\s@]+$/.test(from) || from.length > 254) {
    throw restErrors.invalid(["The 'From' header is required and must be the e-mail address of a valid user"]);
  }
  return { type: "user_reference", id: userIdForEmail(from), summary: from };
}

export function registerIncidentRoutes(app: FastifyInstance, ctx: PdContext): void {
  const incident404 = (id: string): IncidentRow => {
    const inc = getIncident(ctx.db, ctx.region, id);
    if (!inc) throw restErrors.notFound();
    return inc;
  };
  const render = (inc: IncidentRow) => renderIncident(ctx, inc, getService(ctx.db, ctx.region, inc.service_id)!);

  app.get("/incidents", async (request) => {
    const q = request.query as Query;
    const page = pageParams(q);
    const errors: string[] = [];
    const statuses = arrayParam(q, "statuses");
    for (const st of statuses) if (!INCIDENT_STATUSES.includes(st)) errors.push(`statuses[] must be one of ${INCIDENT_STATUSES.join(", ")}`);
    const incidentKey = stringParam(q, "incident_key");
    const dateRange = stringParam(q, "date_range");
    if (dateRange !== undefined && dateRange !== "all") errors.push("date_range must be all");
    let since = parseDate(stringParam(q, "since"), "since", errors);
    const until = parseDate(stringParam(q, "until"), "until", errors);
    if (errors.length) throw restErrors.invalid([...new Set(errors)]);
    // Without since/until PagerDuty lists the last 30 days; a lookup by incident_key is not windowed.
    if (since === undefined && until === undefined && dateRange !== "all" && incidentKey === undefined) {
      since = isoSeconds(new Date(ctx.clock.now().getTime() - DEFAULT_WINDOW_MS));
    }
    const all = listIncidents(ctx.db, ctx.region, { incidentKey, statuses, serviceIds: arrayParam(q, "service_ids"), since, until });
    const { slice, meta } = paginate(all, page);
    return { incidents: slice.map(render), ...meta };
  });

  app.get<{ Params: { id: string } }>("/incidents/:id", async (request) => ({ incident: render(incident404(request.params.id)) }));

  app.get<{ Params: { id: string } }>("/incidents/:id/alerts", async (request) => {
    const inc = incident404(request.params.id);
    const q = request.query as Query;
    const page = pageParams(q);
    const statuses = arrayParam(q, "statuses");
    if (statuses.some((st) => !ALERT_STATUSES.includes(st))) throw restErrors.invalid([`statuses[] must be one of ${ALERT_STATUSES.join(", ")}`]);
    const alertKey = stringParam(q, "alert_key");
    const service = getService(ctx.db, ctx.region, inc.service_id)!;
    const all = listAlerts(ctx.db, inc.id).filter(
      (a) => (!statuses.length || statuses.includes(a.status)) && (alertKey === undefined || a.dedup_key === alertKey),
    );
    const { slice, meta } = paginate(all, page);
    return { alerts: slice.map((a) => renderAlert(ctx, a, inc, service, getIntegrationById(ctx.db, a.integration_id))), ...meta };
  });

  app.get<{ Params: { id: string; alert_id: string } }>("/incidents/:id/alerts/:alert_id", async (request) => {
    const inc = incident404(request.params.id);
    const a = listAlerts(ctx.db, inc.id).find((x) => x.id === request.params.alert_id);
    if (!a) throw restErrors.notFound();
    return { alert: renderAlert(ctx, a, inc, getService(ctx.db, ctx.region, inc.service_id)!, getIntegrationById(ctx.db, a.integration_id)) };
  });

  // All or nothing: every incident is checked before any changes.
  app.put("/incidents", async (request) => {
    const agent = responder(request.headers.from);
    const parsed = jsonBody(request.body);
    if (!parsed.ok) throw restErrors.invalid(["The request body is not valid JSON"]);
    const input = parseBody(bulkSchema(), parsed.value).incidents;
    const updated = transaction(ctx.db, () => {
      const found = input.map((item, i) => {
        const inc = getIncident(ctx.db, ctx.region, item.id);
        if (!inc) throw restErrors.invalid([`incidents[${i}]: Incident ${item.id} Not Found`]);
        if (item.status && inc.status === "resolved") throw restErrors.invalid([`incidents[${i}]: Incident Already Resolved`]);
        return inc;
      });
      return input.map((item, i) => {
        if (item.title)
          ctx.db.prepare("UPDATE pd_incidents SET title = ?, updated_at = ? WHERE id = ?").run(item.title, isoSeconds(ctx.clock.now()), found[i].id);
        const cur = getIncident(ctx.db, ctx.region, found[i].id)!;
        if (!item.status || cur.status === item.status) return cur;
        return item.status === "acknowledged" ? acknowledge(ctx, cur, "rest_api", agent, null).incident : resolve(ctx, cur, "rest_api", agent, null).incident;
      });
    });
    return { incidents: updated.map(render) };
  });

  app.put<{ Params: { id: string } }>("/incidents/:id", async (request) => {
    const inc = incident404(request.params.id);
    const agent = responder(request.headers.from);
    const parsed = jsonBody(request.body);
    if (!parsed.ok) throw restErrors.invalid(["The request body is not valid JSON"]);
    const input = parseBody(updateSchema(), parsed.value).incident;
    const updated = transaction(ctx.db, () => {
      if (input.title) ctx.db.prepare("UPDATE pd_incidents SET title = ?, updated_at = ? WHERE id = ?").run(input.title, isoSeconds(ctx.clock.now()), inc.id);
      const cur = getIncident(ctx.db, ctx.region, inc.id)!;
      if (!input.status) return cur;
      if (cur.status === "resolved") throw restErrors.invalid(["Incident Already Resolved"]);
      return input.status === "acknowledged" ? acknowledge(ctx, cur, "rest_api", agent, null).incident : resolve(ctx, cur, "rest_api", agent, null).incident;
    });
    return { incident: render(updated) };
  });
}
