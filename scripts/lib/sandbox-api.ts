import { DEFAULT_REGION, type Region } from "../../lib/regions";
import type { Sandbox } from "../../sandbox";

/**
 * What a person does by hand in the project UI and in PagerDuty, as small
 * calls to the sandbox's public APIs. Used by the demo and the e2e tests.
 */
const ATLAS = "application/vnd.atlas.2023-01-01+json";

async function json(res: Response, what: string): Promise<any> {
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

export function atlasApi(sb: Sandbox) {
  const token = async (): Promise<string> => {
    const basic = Buffer.from(`${sb.credentials.clientId}:${sb.credentials.clientSecret}`).toString("base64");
    const res = await fetch(`${sb.atlasUrl}/api/oauth/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: "grant_type=client_credentials",
    });
    return (await json(res, "token")).access_token;
  };
  const call = async (method: string, path: string, body?: unknown, mediaType = ATLAS): Promise<Response> =>
    fetch(`${sb.atlasUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${await token()}`, Accept: mediaType, ...(body === undefined ? {} : { "Content-Type": mediaType }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const g = (projectId: string) => `/api/atlas/v2/groups/${projectId}`;
  const alertConfigs = async (projectId: string): Promise<any[]> =>
    (await json(await call("GET", `${g(projectId)}/alertConfigs?itemsPerPage=500`), "alert configs")).results;
  return {
    call,
    integrations: async (projectId: string): Promise<any[]> => (await json(await call("GET", `${g(projectId)}/integrations`), "integrations")).results,
    integration: async (projectId: string): Promise<any | undefined> => {
      const res = await call("GET", `${g(projectId)}/integrations/PAGER_DUTY`);
      if (res.status !== 404) return json(res, "integration");
      await res.text(); // drain the body so the connection is reused
      return undefined;
    },
    replaceIntegration: async (projectId: string, body: unknown) =>
      json(await call("PUT", `${g(projectId)}/integrations/PAGER_DUTY`, body), "replace integration"),
    deleteIntegration: async (projectId: string) => (await call("DELETE", `${g(projectId)}/integrations/PAGER_DUTY`)).status,
    alertConfigs,
    /** The alert configurations that notify PagerDuty (new projects also hold Atlas's default configurations, which do not). */
    pagerDutyConfigs: async (projectId: string): Promise<any[]> =>
      (await alertConfigs(projectId)).filter((c) => (c.notifications ?? []).some((n: any) => n.typeName === "PAGER_DUTY")),
    setAlertConfigEnabled: async (projectId: string, id: string, enabled: boolean) =>
      json(await call("PATCH", `${g(projectId)}/alertConfigs/${id}`, { enabled }), "patch alert config"),
    openAlert: async (projectId: string, body: Record<string, unknown>): Promise<any> => {
      const alert = await json(await call("POST", `/sandbox/groups/${projectId}/alerts`, body), "open alert");
      await json(await call("POST", "/sandbox/tick", {}), "tick");
      return alert;
    },
    closeAlert: async (projectId: string, alertId: string) =>
      json(await call("POST", `/sandbox/groups/${projectId}/alerts/${alertId}/close`, {}), "close alert"),
    createProject: async (id: string) => json(await call("POST", "/sandbox/groups", { id }), "create project"),
    /** The project's PagerDuty integration made in the UI with `key`; resolves with its id. */
    addPagerDutyIntegration: async (projectId: string, key: string, region: Region = DEFAULT_REGION): Promise<string> => {
      const made = await json(
        await call("POST", `${g(projectId)}/integrations/PAGER_DUTY`, { type: "PAGER_DUTY", serviceKey: key, region }),
        "add integration",
      );
      return made.results.find((i: any) => i.type === "PAGER_DUTY").id;
    },
    /** An alert configuration made in the UI (`enabled` unless said); resolves with its id. */
    createAlertConfig: async (projectId: string, body: Record<string, unknown>): Promise<string> =>
      (await json(await call("POST", `${g(projectId)}/alertConfigs`, { enabled: true, ...body }), "create alert config")).id,
  };
}

export function pagerDutyApi(sb: Sandbox, region: Region = DEFAULT_REGION) {
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${sb.pagerdutyUrl[region]}${path}`, {
      method,
      headers: {
        Authorization: `Token token=${sb.pagerdutyToken}`,
        Accept: "application/vnd.pagerduty+json;version=2",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const api = {
    call,
    serviceWithKey: async (name: string): Promise<{ serviceId: string; integrationId: string; key: string }> => {
      const svc = await json(await call("POST", "/services", { service: { type: "service", name } }), "create service");
      const integ = await json(
        await call("POST", `/services/${svc.service.id}/integrations`, { integration: { type: "events_api_v2_inbound_integration", name: "MongoDB Atlas" } }),
        "create integration",
      );
      return { serviceId: svc.service.id, integrationId: integ.integration.id, key: integ.integration.integration_key };
    },
    incidents: async (incidentKey: string): Promise<any[]> =>
      (await json(await call("GET", `/incidents?incident_key=${encodeURIComponent(incidentKey)}`), "incidents")).incidents,
    allIncidents: async (): Promise<any[]> => (await json(await call("GET", "/incidents?limit=100"), "incidents")).incidents,
    alerts: async (incidentId: string): Promise<any[]> => (await json(await call("GET", `/incidents/${incidentId}/alerts`), "alerts")).alerts,
    waitForIncident: async (incidentKey: string, status: string, timeoutMs = 15_000): Promise<any> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = (await api.incidents(incidentKey)).find((i) => i.status === status);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no ${status} incident for ${incidentKey} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return api;
}
