import type { Alert } from "../alerts/model";

const humanize = (eventType: string) => {
  const s = eventType.toLowerCase().replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** One line naming the alert, its measurement and where it is: PagerDuty's summary. */
export function summarize(a: Alert): string {
  const d = a.doc;
  let s = humanize(d.eventTypeName);
  if (d.metricName) {
    s += `: ${d.metricName}`;
    if (d.currentValue) s += ` is ${d.currentValue.number}${d.currentValue.units ? ` ${d.currentValue.units}` : ""}`;
  }
  if (d.hostnameAndPort) s += ` on ${d.hostnameAndPort}`;
  if (d.clusterName) s += ` (cluster ${d.clusterName})`;
  else if (d.replicaSetName) s += ` (replica set ${d.replicaSetName})`;
  return s.length > 1024 ? `${s.slice(0, 1021)}...` : s;
}

/** The multi-line text Atlas puts in a webhook body's `humanReadable`. */
export function humanReadable(a: Alert): string {
  const d = a.doc;
  const lines = [`Alert: ${summarize(a)}`, `Status: ${a.status}`, `Event type: ${d.eventTypeName}`, `Project: ${a.groupId}`, `Created: ${d.created}`];
  if (d.resolved) lines.push(`Resolved: ${d.resolved}`);
  if (d.acknowledgedUntil) lines.push(`Acknowledged until: ${d.acknowledgedUntil}${d.acknowledgingUsername ? ` by ${d.acknowledgingUsername}` : ""}`);
  lines.push(`Alert id: ${a.id}`);
  return lines.join("\n");
}
