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

/** At most `max` characters (code points, as PagerDuty counts them: never half an emoji). */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return `${chars.slice(0, max - 1).join("")}…`;
}

/** The value, trimmed, or undefined when it is missing or blank (Atlas may send `hostnameAndPort: ""`). */
function nonBlank(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

export function summaryOf(a: Pick<AlertRecord, "facts" | "projectId" | "alertId">): string {
  const f = a.facts;
  const where = nonBlank(f.clusterName) ?? nonBlank(f.hostnameAndPort) ?? nonBlank(f.replicaSetName);
  const text = f.humanReadable?.replace(/\s+/g, " ").trim();
  const type = nonBlank(f.eventTypeName) ?? `Alert ${a.alertId}`;
  const base = text || `${type}${where ? ` on ${where}` : ""} in project ${a.projectId}`;
  return truncate(base, MAX_SUMMARY);
}

const SEVERITIES = ["critical", "error", "warning", "info"];

/**
 * What PagerDuty's Events API would refuse (400) in the fields the relay fills in: blank or
 * over-long required fields, a severity it does not know, a timestamp that is not ISO 8601.
 * buildEvent never makes such an event; the delivery handler checks anyway, so one is never sent.
 */
export function eventProblems(e: PagerDutyEvent): string[] {
  const out: string[] = [];
  const blank = (v: unknown) => typeof v !== "string" || v.trim() === "";
  if (!e.dedup_key || Array.from(e.dedup_key).length > 255) out.push("dedup_key must be 1-255 characters");
  if (e.event_action !== "trigger") return out;
  const p = e.payload;
  if (!p) return [...out, "payload is missing"];
  if (blank(p.summary)) out.push("payload.summary is blank");
  else if (Array.from(p.summary).length > MAX_SUMMARY) out.push(`payload.summary is over ${MAX_SUMMARY} characters`);
  if (blank(p.source)) out.push("payload.source is blank");
  if (!SEVERITIES.includes(p.severity)) out.push(`payload.severity ${JSON.stringify(p.severity)} is none of ${SEVERITIES.join(", ")}`);
  for (const f of ["component", "group", "class"] as const) if (p[f] !== undefined && blank(p[f])) out.push(`payload.${f} is blank`);
  if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp))) out.push("payload.timestamp is not ISO 8601");
  if (bytes(e) > MAX_EVENT_BYTES) out.push(`the event is over ${MAX_EVENT_BYTES} bytes`);
  return out;
}

/** An ISO 8601 time PagerDuty accepts, or undefined. */
function isoTime(v: string | undefined): string | undefined {
  const ms = v ? Date.parse(v) : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
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
  const cluster = nonBlank(f.clusterName);
  const host = nonBlank(f.hostnameAndPort);
  const eventType = nonBlank(f.eventTypeName);
  const timestamp = isoTime(f.created);
  const details: Record<string, unknown> = {
    alert_id: a.alertId,
    alert_config_id: a.alertConfigId,
    project_id: a.projectId,
    event_type: f.eventTypeName,
    ...(f.metricName ? { metric: f.metricName } : {}),
    ...(f.currentValue ? { value: f.currentValue } : {}),
    ...(cluster ? { cluster } : {}),
    ...(host ? { host } : {}),
    ...(f.replicaSetName ? { replica_set: f.replicaSetName } : {}),
    ...(f.humanReadable ? { human_readable: f.humanReadable } : {}),
  };
  const event: PagerDutyEvent = {
    routing_key: ctx.routingKey,
    event_action: "trigger",
    dedup_key: a.dedupKey,
    payload: {
      summary: summaryOf(a),
      // Never blank (PagerDuty answers 400 and nobody is paged): the host, else the cluster, else the project.
      source: host ?? cluster ?? `atlas-project-${a.projectId}`,
      severity: ctx.severity,
      ...(timestamp ? { timestamp } : {}),
      component: cluster ?? `atlas-project-${a.projectId}`,
      group: a.projectId,
      ...(eventType ? { class: eventType } : {}),
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
