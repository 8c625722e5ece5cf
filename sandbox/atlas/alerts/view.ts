import type { Alert } from "./model";

/** AlertViewForNdsGroup: the alert as the API (and webhook bodies) present it. */
export function alertView(a: Alert, origin: string, orgId?: string): Record<string, unknown> {
  const d = a.doc;
  const out: Record<string, unknown> = {
    id: a.id,
    groupId: a.groupId,
    alertConfigId: a.alertConfigId,
    eventTypeName: d.eventTypeName,
    status: a.status,
    created: d.created,
    updated: d.updated,
  };
  if (orgId) out.orgId = orgId;
  for (const k of [
    "resolved",
    "lastNotified",
    "acknowledgedUntil",
    "acknowledgementComment",
    "acknowledgingUsername",
    "clusterName",
    "hostnameAndPort",
    "replicaSetName",
    "metricName",
    "currentValue",
  ] as const) {
    if (d[k] !== undefined) out[k] = d[k];
  }
  out.links = [{ href: `${origin}/api/atlas/v2/groups/${a.groupId}/alerts/${a.id}`, rel: "self" }];
  return out;
}
