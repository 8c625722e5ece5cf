import { pagerDutySeverityOf } from "../../../lib/severity";
import type { Alert } from "../alerts/model";
import { summarize } from "./describe";

/**
 * Atlas severities to PagerDuty's. Without severityOverride the sandbox says
 * "error": an alert is an error condition unless the configuration says it is
 * worse (CRITICAL) or milder (WARNING, INFO). Documented sandbox choice.
 */
export const DEFAULT_SEVERITY = "error";

export function pagerDutySeverity(severityOverride: string | undefined): string {
  return pagerDutySeverityOf(severityOverride) ?? DEFAULT_SEVERITY;
}

/** The Events API v2 endpoint for a region's base URL. */
export const enqueueUrl = (base: string) => `${base.replace(/\/+$/, "")}/v2/enqueue`;

/**
 * A `trigger` for an open or updated alert. The dedup key is the alert id, so
 * every update lands on the same PagerDuty alert and the resolve closes it.
 */
export function triggerEvent(a: Alert, view: Record<string, unknown>, routingKey: string, severityOverride: string | undefined): Record<string, unknown> {
  const d = a.doc;
  const { links, ...details } = view;
  const self = Array.isArray(links) ? (links[0] as { href?: string } | undefined)?.href : undefined;
  const payload: Record<string, unknown> = {
    summary: summarize(a),
    source: d.hostnameAndPort ?? d.clusterName ?? `MongoDB Atlas project ${a.groupId}`,
    severity: pagerDutySeverity(severityOverride),
    timestamp: d.updated,
    class: d.eventTypeName,
    custom_details: details,
  };
  if (d.hostnameAndPort) payload.component = d.hostnameAndPort;
  if (d.clusterName) payload.group = d.clusterName;
  const event: Record<string, unknown> = { routing_key: routingKey, event_action: "trigger", dedup_key: a.id, payload, client: "MongoDB Atlas" };
  if (self) event.client_url = self;
  return event;
}

/** A `resolve` for a closed alert (or a cancelled one that had been OPEN). */
export function resolveEvent(a: Alert, routingKey: string): Record<string, unknown> {
  return { routing_key: routingKey, event_action: "resolve", dedup_key: a.id };
}
