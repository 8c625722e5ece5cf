import type { Sandbox } from "../../sandbox";

/**
 * Small raw HTTP helpers for tests that act as a person or another system
 * would: change things by hand in the project API, look at PagerDuty.
 */

const ATLAS = "application/vnd.atlas.2023-01-01+json";

export async function atlasToken(sb: Sandbox): Promise<string> {
  const basic = Buffer.from(`${sb.credentials.clientId}:${sb.credentials.clientSecret}`).toString("base64");
  const res = await fetch(`${sb.atlasUrl}/api/oauth/token`, {
    method: "POST",
    headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: "grant_type=client_credentials",
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function atlas(sb: Sandbox, method: string, path: string, body?: unknown, mediaType = ATLAS): Promise<{ status: number; body: any }> {
  const token = await atlasToken(sb);
  const res = await fetch(`${sb.atlasUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: mediaType, ...(body !== undefined ? { "Content-Type": mediaType } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function pd(sb: Sandbox, method: string, path: string, body?: unknown, region: "US" | "EU" = "US", extraHeaders: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sb.pagerdutyUrl[region]}${path}`, {
    method,
    headers: {
      Authorization: `Token token=${sb.pagerdutyToken}`,
      Accept: "application/vnd.pagerduty+json;version=2",
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...extraHeaders,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

/** A PagerDuty service with one Events API v2 integration: returns their ids and the key. */
export async function makeService(sb: Sandbox, name: string, region: "US" | "EU" = "US"): Promise<{ serviceId: string; integrationId: string; key: string }> {
  const svc = await pd(sb, "POST", "/services", { service: { type: "service", name } }, region);
  if (svc.status !== 201 && svc.status !== 200) throw new Error(`service: ${svc.status} ${JSON.stringify(svc.body)}`);
  const serviceId = svc.body.service.id as string;
  const integ = await pd(sb, "POST", `/services/${serviceId}/integrations`, { integration: { type: "events_api_v2_inbound_integration", name: "Atlas" } }, region);
  if (integ.status !== 201 && integ.status !== 200) throw new Error(`integration: ${integ.status} ${JSON.stringify(integ.body)}`);
  return { serviceId, integrationId: integ.body.integration.id, key: integ.body.integration.integration_key };
}

/** Incidents whose incident_key is `dedupKey`. */
export async function incidentsFor(sb: Sandbox, dedupKey: string, region: "US" | "EU" = "US"): Promise<any[]> {
  const res = await pd(sb, "GET", `/incidents?incident_key=${encodeURIComponent(dedupKey)}`, undefined, region);
  if (res.status !== 200) throw new Error(`incidents: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.incidents;
}

export function newProjectId(): string {
  return require("node:crypto").randomBytes(12).toString("hex");
}
