/**
 * The PagerDuty Events API v2 body for one transition of a project alert. Triggers carry the
 * summary (at most 1024 characters, PagerDuty rejects longer ones), severity and details;
 * acknowledge and resolve carry only the dedup key. The whole body stays under 512 KB.
 */
import type { PagerDutyEvent, PagerDutySeverity } from "../../clients/pagerduty/events";
import type { PdAction } from "../domain/state";
import type { AlertRecord } from "../store/types";

export const MAX_SUMMARY = 1024;
/** PagerDuty's limit is 512 KB per request; stay below it. */
export const MAX_EVENT_BYTES = 512 * 1024 - 1;

export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 1)}…`;
}

export function summaryOf(a: Pick<AlertRecord, "facts" | "projectId">): string {
  const f = a.facts;
  const where = f.clusterName ?? f.hostnameAndPort ?? f.replicaSetName;
  const text = f.humanReadable?.replace(/\s+/g, " ").trim();
  const base = text || `${f.eventTypeName}${where ? ` on ${where}` : ""} in project ${a.projectId}`;
  return truncate(base, MAX_SUMMARY);
}

export interface EventContext {
  routingKey: string;
  severity: PagerDutySeverity;
  /** Atlas UI base (https://cloud.mongodb.com) for links back to the project's alerts. */
  atlasUiUrl: string;
}

export function buildEvent(a: AlertRecord, action: PdAction, ctx: EventContext): PagerDutyEvent {
  if (action !== "trigger") return { routing_key: ctx.routingKey, event_action: action, dedup_key: a.dedupKey };
  const f = a.facts;
  const alertsUrl = `${ctx.atlasUiUrl.replace(/\/+$/, "")}/v2/${a.projectId}#/alerts`;
  const details: Record<string, unknown> = {
    alert_id: a.alertId,
    alert_config_id: a.alertConfigId,
    project_id: a.projectId,
    event_type: f.eventTypeName,
    ...(f.metricName ? { metric: f.metricName } : {}),
    ...(f.currentValue ? { value: f.currentValue } : {}),
    ...(f.clusterName ? { cluster: f.clusterName } : {}),
    ...(f.hostnameAndPort ? { host: f.hostnameAndPort } : {}),
    ...(f.replicaSetName ? { replica_set: f.replicaSetName } : {}),
    ...(f.humanReadable ? { human_readable: f.humanReadable } : {}),
  };
  const event: PagerDutyEvent = {
    routing_key: ctx.routingKey,
    event_action: "trigger",
    dedup_key: a.dedupKey,
    payload: {
      summary: summaryOf(a),
      source: f.hostnameAndPort ?? f.clusterName ?? `atlas-project-${a.projectId}`,
      severity: ctx.severity,
      ...(f.created ? { timestamp: f.created } : {}),
      ...(f.clusterName ? { component: f.clusterName } : {}),
      group: a.projectId,
      class: f.eventTypeName,
      custom_details: details,
    },
    links: [{ href: alertsUrl, text: "Alerts of the project in MongoDB Atlas" }],
    client: "MongoDB Atlas (pagerduty-as-code relay)",
    client_url: alertsUrl,
  };
  return fitSize(event);
}

const bytes = (e: PagerDutyEvent) => Buffer.byteLength(JSON.stringify(e), "utf8");

/** Drops the long free text first, then every custom detail, until the body fits. */
function fitSize(e: PagerDutyEvent): PagerDutyEvent {
  if (bytes(e) <= MAX_EVENT_BYTES || !e.payload) return e;
  const { human_readable: _drop, ...rest } = e.payload.custom_details ?? {};
  let out: PagerDutyEvent = { ...e, payload: { ...e.payload, custom_details: rest } };
  if (bytes(out) <= MAX_EVENT_BYTES) return out;
  const { custom_details: _all, ...payload } = out.payload!;
  out = { ...out, payload };
  return out;
}
