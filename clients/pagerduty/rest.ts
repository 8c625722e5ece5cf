/**
 * PagerDuty REST API v2 client: services and their Events API v2 integrations,
 * incidents and their alerts.
 */
import type { Dispatcher } from "undici";
import { PAGERDUTY_REST_API } from "./api";
import { HttpClient } from "../http/client";
import type { HttpRequest, HttpResponse, Query } from "../http/client";
import type { RetryPolicy } from "../http/retry";
import { DEFAULT_REGION, pagerDutyRestBaseUrl } from "../../lib/regions";

export const PAGERDUTY_REST_ACCEPT = "application/vnd.pagerduty+json;version=2";
export const EVENTS_V2_INTEGRATION_TYPE = "events_api_v2_inbound_integration";

export interface PdReference {
  id: string;
  type: string;
  summary?: string;
  self?: string;
  html_url?: string;
  [key: string]: unknown;
}

export interface PdIntegration {
  id: string;
  type: string;
  name?: string;
  summary?: string;
  /** Present on events integrations (returned in practice on GET and create). */
  integration_key?: string;
  service?: PdReference;
  html_url?: string;
  [key: string]: unknown;
}

export interface PdService {
  id: string;
  type?: string;
  name?: string;
  summary?: string;
  status?: string;
  html_url?: string;
  /** References, or full integrations with `include[]=integrations`. */
  integrations?: (PdReference | PdIntegration)[];
  [key: string]: unknown;
}

export type PdIncidentStatus = "triggered" | "acknowledged" | "resolved";

export interface PdIncident {
  id: string;
  type?: string;
  status: PdIncidentStatus;
  incident_key?: string;
  incident_number?: number;
  title?: string;
  html_url?: string;
  service?: PdReference;
  created_at?: string;
  [key: string]: unknown;
}

export interface PdAlert {
  id: string;
  type?: string;
  status: "triggered" | "resolved";
  alert_key?: string;
  incident?: PdReference;
  service?: PdReference;
  integration?: PdReference;
  created_at?: string;
  [key: string]: unknown;
}

export interface PdWebhookSubscription {
  id: string;
  active?: boolean;
  events?: string[];
  delivery_method?: { type?: string; url?: string; secret?: string | null; [key: string]: unknown };
  filter?: { type?: string; id?: string };
  [key: string]: unknown;
}

export interface PagerDutyRestClientOptions {
  /** Default https://api.pagerduty.com (EU: https://api.eu.pagerduty.com). */
  baseUrl?: string;
  /** REST API key: sent as `Authorization: Token token=<token>`. */
  token: string;
  /** Merged over defaultRetryPolicy(). */
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Page size of list calls (PagerDuty max 100). */
  limit?: number;
  /** undici Dispatcher for every request (connection pool, proxy, interceptors). Default: undici's global one. */
  dispatcher?: Dispatcher;
}

export class PagerDutyRestClient {
  readonly http: HttpClient;
  private readonly limit: number;

  constructor(opts: PagerDutyRestClientOptions) {
    this.limit = Math.min(100, Math.max(1, opts.limit ?? 100));
    this.http = new HttpClient({
      ...PAGERDUTY_REST_API,
      dispatcher: opts.dispatcher,
      baseUrl: opts.baseUrl ?? pagerDutyRestBaseUrl(DEFAULT_REGION),
      retry: opts.retry,
      timeoutMs: opts.timeoutMs,
      sleep: opts.sleep,
      random: opts.random,
      headers: { authorization: `Token token=${opts.token}` },
      secrets: [opts.token],
      // PagerDuty's 429 carries ratelimit-reset (seconds).
      retryAfterHeaders: ["retry-after", "ratelimit-reset"],
    });
  }

  async listServices(opts: { includeIntegrations?: boolean; query?: string } = {}): Promise<PdService[]> {
    const query: Query = {};
    if (opts.includeIntegrations) query["include[]"] = ["integrations"];
    if (opts.query) query.query = opts.query;
    return this.listAll<PdService>("/services", "services", query, "listing services");
  }

  async getService(id: string, opts: { includeIntegrations?: boolean } = {}): Promise<PdService | undefined> {
    const res = await this.call<{ service: PdService }>({
      method: "GET",
      path: `/services/${encodeURIComponent(id)}`,
      query: opts.includeIntegrations ? { "include[]": ["integrations"] } : undefined,
      expect: [200, 404],
      action: `reading service ${id}`,
    });
    return res.status === 404 ? undefined : res.body?.service;
  }

  /** The integration, with its `integration_key` for events integrations; undefined on 404. */
  async getIntegration(serviceId: string, integrationId: string): Promise<PdIntegration | undefined> {
    const res = await this.call<{ integration: PdIntegration }>({
      method: "GET",
      path: `/services/${encodeURIComponent(serviceId)}/integrations/${encodeURIComponent(integrationId)}`,
      expect: [200, 404],
      action: `reading integration ${integrationId} of service ${serviceId}`,
    });
    return res.status === 404 ? undefined : res.body?.integration;
  }

  /**
   * POST: creates an Events API v2 integration; the reply carries its
   * `integration_key`. Not idempotent (names are not unique), so a 5xx,
   * timeout or network failure after sending is not retried.
   */
  async createEventsIntegration(serviceId: string, name: string): Promise<PdIntegration> {
    const res = await this.call<{ integration: PdIntegration }>({
      method: "POST",
      path: `/services/${encodeURIComponent(serviceId)}/integrations`,
      body: { integration: { type: EVENTS_V2_INTEGRATION_TYPE, name } },
      expect: [200, 201],
      action: `creating Events API v2 integration "${name}" on service ${serviceId}`,
    });
    return res.body.integration;
  }

  /** True when deleted, false when it did not exist. */
  async deleteIntegration(serviceId: string, integrationId: string): Promise<boolean> {
    const res = await this.call({
      method: "DELETE",
      path: `/services/${encodeURIComponent(serviceId)}/integrations/${encodeURIComponent(integrationId)}`,
      expect: [200, 204, 404],
      action: `deleting integration ${integrationId} of service ${serviceId}`,
    });
    return res.status !== 404;
  }

  /**
   * Finds the service and Events API v2 integration that own `key`: pages
   * through the services with their integrations, reading each events
   * integration the list does not carry the key of. At most `maxPages` pages
   * of services (default 10): on a larger account `complete` is false and the
   * key is neither found nor ruled out, so one create never spends a large
   * account's REST rate limit.
   */
  async findIntegrationByKey(
    key: string,
    opts: { maxPages?: number } = {},
  ): Promise<{ found?: { service: PdService; integration: PdIntegration }; complete: boolean }> {
    const maxPages = Math.max(1, Math.floor(opts.maxPages ?? 10));
    let offset = 0;
    for (let page = 1; page <= maxPages; page++) {
      const { items: services, more } = await this.page<PdService>("/services", "services", { "include[]": ["integrations"] }, offset, "listing services");
      for (const service of services) {
        for (const ref of service.integrations ?? []) {
          if (!String(ref?.type ?? "").startsWith(EVENTS_V2_INTEGRATION_TYPE)) continue;
          if ((ref as PdIntegration).integration_key === key) return { found: { service, integration: ref as PdIntegration }, complete: true };
          if ((ref as PdIntegration).integration_key !== undefined) continue;
          const integration = await this.getIntegration(service.id, ref.id);
          if (integration?.integration_key === key) return { found: { service, integration }, complete: true };
        }
      }
      if (!more) return { complete: true };
      offset += services.length;
    }
    return { complete: false };
  }

  async listIncidents(opts: { incidentKey?: string; statuses?: PdIncidentStatus[]; serviceIds?: string[] } = {}): Promise<PdIncident[]> {
    const query: Query = {};
    if (opts.incidentKey) query.incident_key = opts.incidentKey;
    if (opts.statuses?.length) query["statuses[]"] = opts.statuses;
    if (opts.serviceIds?.length) query["service_ids[]"] = opts.serviceIds;
    return this.listAll<PdIncident>("/incidents", "incidents", query, opts.incidentKey ? `listing incidents for key ${opts.incidentKey}` : "listing incidents");
  }

  async getIncidentAlerts(incidentId: string): Promise<PdAlert[]> {
    return this.listAll<PdAlert>(`/incidents/${encodeURIComponent(incidentId)}/alerts`, "alerts", {}, `listing the alerts of incident ${incidentId}`);
  }

  /** PUT /incidents/{id} as the user `fromEmail` (the From header PagerDuty requires). Idempotent: sets a status. */
  async updateIncidentStatus(incidentId: string, status: "acknowledged" | "resolved", fromEmail: string): Promise<PdIncident> {
    const res = await this.call<{ incident: PdIncident }>({
      method: "PUT",
      path: `/incidents/${encodeURIComponent(incidentId)}`,
      body: { incident: { type: "incident_reference", status } },
      headers: { from: fromEmail },
      expect: [200],
      action: `marking incident ${incidentId} ${status}`,
    });
    return res.body.incident;
  }

  /** Webhook subscriptions (v3), optionally of one service. */
  async listWebhookSubscriptions(opts: { serviceId?: string } = {}): Promise<PdWebhookSubscription[]> {
    const query: Query = opts.serviceId ? { filter_type: "service", filter_id: opts.serviceId } : {};
    return this.listAll<PdWebhookSubscription>("/webhook_subscriptions", "webhook_subscriptions", query, "listing webhook subscriptions");
  }

  /**
   * Creates a v3 webhook subscription for one service. The reply is the only one that carries
   * the signing secret (`delivery_method.secret`): keep it. Not idempotent, so not retried after
   * an ambiguous failure.
   */
  async createWebhookSubscription(input: { url: string; serviceId: string; events: string[]; description?: string }): Promise<PdWebhookSubscription> {
    const res = await this.call<{ webhook_subscription: PdWebhookSubscription }>({
      method: "POST",
      path: "/webhook_subscriptions",
      body: {
        webhook_subscription: {
          type: "webhook_subscription",
          description: input.description,
          delivery_method: { type: "http_delivery_method", url: input.url },
          events: input.events,
          filter: { type: "service_reference", id: input.serviceId },
        },
      },
      expect: [200, 201],
      action: `creating a webhook subscription for service ${input.serviceId}`,
    });
    return res.body.webhook_subscription;
  }

  private call<T>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    return this.http.request<T>({ accept: PAGERDUTY_REST_ACCEPT, contentType: "application/json", ...req });
  }

  /** One limit/offset page: its items and whether PagerDuty has more. */
  private async page<T>(path: string, key: string, query: Query, offset: number, action: string): Promise<{ items: T[]; more: boolean }> {
    const res = await this.call<Record<string, unknown>>({
      method: "GET",
      path,
      query: { ...query, limit: this.limit, offset },
      expect: [200],
      action: offset > 0 ? `${action} (offset ${offset})` : action,
    });
    const items = Array.isArray(res.body?.[key]) ? (res.body[key] as T[]) : [];
    return { items, more: res.body?.more === true && items.length > 0 };
  }

  /** limit/offset paging until `more` is false. */
  private async listAll<T>(path: string, key: string, query: Query, action: string): Promise<T[]> {
    const out: T[] = [];
    let offset = 0;
    for (let page = 1; page <= 10_000; page++) {
      const { items, more } = await this.page<T>(path, key, query, offset, action);
      out.push(...items);
      if (!more) break;
      offset += items.length;
    }
    return out;
  }
}
