import type { Db } from "../../../lib/sqlite";
import type { PdContext } from "../deps";
import type { Links } from "../links";
import { listIntegrations, type IntegrationRow } from "../store/integrations";
import { listAlerts, parseAgent, type Agent, type AlertRow, type IncidentRow } from "../store/incidents";
import type { ServiceRow } from "../store/services";
import type { SubscriptionRow } from "../store/subscriptions";
import { agentRef } from "../webhooks/envelope";

/** REST representations, in the shapes of pagerduty-rest-subset.openapi.json. */

export function serviceRef(links: Links, s: { id: string; name: string }) {
  return { id: s.id, type: "service_reference", summary: s.name, ...links.service(s.id) };
}

export function integrationRef(links: Links, i: IntegrationRow) {
  return { id: i.id, type: `${i.type}_reference`, summary: i.name, ...links.integration(i.service_id, i.id) };
}

/** Full integration; `integration_key` is returned in practice though the current schema dropped it. */
export function renderIntegration(links: Links, i: IntegrationRow, service: ServiceRow) {
  return {
    id: i.id,
    type: i.type,
    summary: i.name,
    ...links.integration(i.service_id, i.id),
    name: i.name,
    service: serviceRef(links, service),
    created_at: i.created_at,
    ...(i.integration_key ? { integration_key: i.integration_key } : {}),
  };
}

/** A service is "critical" while it has triggered incidents and "warning" while only acknowledged ones. */
function serviceStatus(db: Db, serviceId: string): string {
  const rows = db
    .prepare("SELECT status, COUNT(*) AS n FROM pd_incidents WHERE service_id = ? AND status != 'resolved' GROUP BY status")
    .all(serviceId) as Array<{ status: string; n: number }>;
  if (rows.some((r) => r.status === "triggered")) return "critical";
  if (rows.some((r) => r.status === "acknowledged")) return "warning";
  return "active";
}

export function renderService(ctx: PdContext, s: ServiceRow, expandIntegrations: boolean) {
  const { links, db } = ctx;
  const integrations = listIntegrations(db, s.id);
  const last = db.prepare("SELECT MAX(created_at) AS t FROM pd_incidents WHERE service_id = ?").get(s.id) as { t: string | null };
  return {
    id: s.id,
    type: "service",
    summary: s.name,
    ...links.service(s.id),
    name: s.name,
    // The schema types description as a plain string: omit it rather than send null.
    ...(s.description !== null ? { description: s.description } : {}),
    auto_resolve_timeout: s.auto_resolve_timeout,
    acknowledgement_timeout: s.acknowledgement_timeout,
    created_at: s.created_at,
    updated_at: s.updated_at,
    status: serviceStatus(db, s.id),
    ...(last.t ? { last_incident_timestamp: last.t } : {}),
    escalation_policy: {
      id: s.escalation_policy_id,
      type: "escalation_policy_reference",
      summary: "Default",
      ...links.escalationPolicy(s.escalation_policy_id),
    },
    teams: [],
    // With include[]=integrations PagerDuty expands the references into full integrations (keys included).
    integrations: integrations.map((i) => (expandIntegrations ? renderIntegration(links, i, s) : integrationRef(links, i))),
    incident_urgency_rule: { type: "constant", urgency: "high" },
    scheduled_actions: [],
    addons: [],
    alert_creation: "create_alerts_and_incidents",
  };
}

function ackRef(links: Links, a: Agent) {
  return agentRef(a, links);
}

export function renderIncident(ctx: PdContext, inc: IncidentRow, service: ServiceRow) {
  const { links, db } = ctx;
  const alerts = listAlerts(db, inc.id);
  const triggered = alerts.filter((a) => a.status === "triggered").length;
  const ackBy = parseAgent(inc.acknowledged_by);
  return {
    id: inc.id,
    type: "incident",
    summary: `[#${inc.number}] ${inc.title}`,
    ...links.incident(inc.id),
    incident_number: inc.number,
    title: inc.title,
    description: inc.title,
    created_at: inc.created_at,
    updated_at: inc.updated_at,
    status: inc.status,
    incident_key: inc.incident_key,
    service: serviceRef(links, service),
    assignments: [],
    assigned_via: "escalation_policy",
    last_status_change_at: inc.last_status_change_at,
    last_status_change_by: agentRef(parseAgent(inc.last_status_change_by)!, links),
    ...(inc.resolved_at ? { resolved_at: inc.resolved_at } : {}),
    ...(inc.first_log_entry_id
      ? {
          first_trigger_log_entry: {
            id: inc.first_log_entry_id,
            type: "trigger_log_entry_reference",
            summary: "Triggered through the API",
            ...links.logEntry(inc.id, inc.first_log_entry_id),
          },
        }
      : {}),
    alert_counts: { all: alerts.length, triggered, resolved: alerts.length - triggered },
    is_mergeable: true,
    incident_type: { name: "incident_default" },
    escalation_policy: {
      id: service.escalation_policy_id,
      type: "escalation_policy_reference",
      summary: "Default",
      ...links.escalationPolicy(service.escalation_policy_id),
    },
    teams: [],
    pending_actions: [],
    acknowledgements: inc.status === "acknowledged" && ackBy && inc.acknowledged_at ? [{ at: inc.acknowledged_at, acknowledger: ackRef(links, ackBy) }] : [],
    urgency: inc.urgency,
    incidents_responders: [],
    responder_requests: [],
  };
}

/** Links and images of the trigger become the alert body's contexts, custom_details its details. */
export function renderAlert(ctx: PdContext, a: AlertRow, incident: IncidentRow, service: ServiceRow, integration: IntegrationRow | undefined) {
  const { links } = ctx;
  const stored = JSON.parse(a.payload) as { payload: { custom_details?: unknown }; links?: unknown[]; images?: unknown[] };
  const contexts = [
    ...(stored.links ?? []).filter(isObj).map((l) => ({ type: "link", href: String(l.href ?? ""), ...(typeof l.text === "string" ? { text: l.text } : {}) })),
    ...(stored.images ?? []).filter(isObj).map((i) => ({ type: "image", src: String(i.src ?? ""), ...(typeof i.href === "string" ? { href: i.href } : {}) })),
  ];
  const details = stored.payload.custom_details;
  return {
    id: a.id,
    type: "alert",
    summary: a.summary,
    ...links.alert(a.id),
    created_at: a.created_at,
    status: a.status,
    alert_key: a.dedup_key,
    service: serviceRef(links, service),
    incident: { id: incident.id, type: "incident_reference", summary: `[#${incident.number}] ${incident.title}`, ...links.incident(incident.id) },
    suppressed: false,
    severity: a.severity,
    integration: integration
      ? integrationRef(links, integration)
      : { id: a.integration_id, type: "events_api_v2_inbound_integration_reference", summary: "Deleted integration", self: null, html_url: null },
    body: {
      type: "alert_body",
      contexts,
      details: isObj(details) ? details : details === undefined ? {} : { details },
    },
  };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The signing secret is only ever shown in the create response. */
export function renderSubscription(s: SubscriptionRow, showSecret: boolean) {
  return {
    id: s.id,
    type: "webhook_subscription",
    active: Boolean(s.active),
    delivery_method: {
      id: s.delivery_method_id,
      secret: showSecret ? s.secret : null,
      temporarily_disabled: Boolean(s.temporarily_disabled),
      type: "http_delivery_method",
      url: s.url,
      custom_headers: JSON.parse(s.custom_headers),
    },
    // The schema types description as a plain string: omit it rather than send null.
    ...(s.description !== null ? { description: s.description } : {}),
    events: JSON.parse(s.events),
    filter: { type: s.filter_type, ...(s.filter_id ? { id: s.filter_id } : {}) },
  };
}
