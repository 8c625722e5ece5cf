/**
 * Typed client of the Atlas Administration API v2: third-party integrations,
 * alert configurations and alerts of a project.
 */
import type { Dispatcher } from "undici";
import { HttpClient } from "../http/client";
import type { Authenticator, HttpRequest, HttpResponse, ReadBack } from "../http/client";
import type { RetryPolicy } from "../http/retry";
import { ATLAS_API } from "./api";
import { DigestAuth, ServiceAccountAuth } from "./auth";
import type { Alert, AlertConfig, AlertConfigInput, AlertStatus, AtlasAuthConfig, AtlasPage, Integration, IntegrationInput, IntegrationType } from "./types";
import { ATLAS_BASE_URL, DEFAULT_REGION } from "../../lib/regions";

export const ATLAS_MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json";
export const ATLAS_ACK_MEDIA_TYPE = "application/vnd.atlas.2024-05-30+json";

export interface AtlasClientOptions {
  /** Default https://cloud.mongodb.com. */
  baseUrl?: string;
  auth: AtlasAuthConfig;
  /** Merged over defaultRetryPolicy(). */
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Page size of list calls (Atlas max 500). */
  itemsPerPage?: number;
  /** Clock for the OAuth token cache (tests). */
  now?: () => number;
  /** Jitter source (tests). */
  random?: () => number;
  /** undici Dispatcher for every request (connection pool, proxy, interceptors). Default: undici's global one. */
  dispatcher?: Dispatcher;
}

export class AtlasClient {
  readonly http: HttpClient;
  readonly authenticator: Authenticator;
  private readonly itemsPerPage: number;

  constructor(opts: AtlasClientOptions) {
    const baseUrl = opts.baseUrl ?? ATLAS_BASE_URL;
    const auth = opts.auth;
    if (auth.kind === "serviceAccount") {
      this.authenticator = new ServiceAccountAuth({
        baseUrl,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        retry: opts.retry,
        timeoutMs: opts.timeoutMs,
        sleep: opts.sleep,
        now: opts.now,
        dispatcher: opts.dispatcher,
      });
    } else if (auth.kind === "apiKey") {
      this.authenticator = new DigestAuth({ username: auth.publicKey, password: auth.privateKey });
    } else {
      throw new Error(`unknown Atlas auth kind ${(auth as { kind: string }).kind}`);
    }
    this.itemsPerPage = Math.min(500, Math.max(1, opts.itemsPerPage ?? 500));
    this.http = new HttpClient({
      ...ATLAS_API,
      dispatcher: opts.dispatcher,
      baseUrl,
      retry: opts.retry,
      timeoutMs: opts.timeoutMs,
      sleep: opts.sleep,
      random: opts.random,
      auth: this.authenticator,
      secrets: auth.kind === "serviceAccount" ? [auth.clientSecret] : [auth.privateKey],
    });
  }

  // ---- integrations -------------------------------------------------------

  listIntegrations(groupId: string): Promise<Integration[]> {
    return this.listAll<Integration>(`${groupPath(groupId)}/integrations`, undefined, `listing the integrations of project ${groupId}`);
  }

  async getIntegration(groupId: string, type: IntegrationType | string): Promise<Integration | undefined> {
    const res = await this.call<Integration>({
      method: "GET",
      path: integrationPath(groupId, type),
      expect: [200, 404],
      action: `reading the ${type} integration of project ${groupId}`,
    });
    return res.status === 404 ? undefined : res.body;
  }

  /**
   * POST: not idempotent. After a 5xx, timeout or network failure the
   * integration is read back; it counts as created when the stored one has the
   * same type (and for PAGER_DUTY the same key ending and region, for WEBHOOK
   * the same url ending). Otherwise the POST is retried per the policy. 409 →
   * UpstreamError CONFLICT.
   *
   * Returns the project's integration list, as Atlas answers POST (after a
   * read-back: the list holding just the integration read back).
   */
  async createIntegration(groupId: string, type: IntegrationType, body: IntegrationInput): Promise<Integration[]> {
    const res = await this.call<AtlasPage<Integration>>({
      method: "POST",
      path: integrationPath(groupId, type),
      body: { ...body, type },
      expect: [200, 201],
      action: `creating the ${type} integration of project ${groupId}`,
      secrets: integrationSecrets(body),
      readBack: async (): Promise<ReadBack<AtlasPage<Integration>>> => {
        const stored = await this.getIntegration(groupId, type);
        return stored && integrationMatches(stored, { ...body, type } as IntegrationInput) ? { landed: true, body: { results: [stored] } } : { landed: false };
      },
    });
    return resultsOf(res.body);
  }

  /**
   * PUT: replaces the integration of that type (send the real secret again,
   * never a redacted one). Returns the project's integration list.
   */
  async replaceIntegration(groupId: string, type: IntegrationType, body: IntegrationInput): Promise<Integration[]> {
    const res = await this.call<AtlasPage<Integration>>({
      method: "PUT",
      path: integrationPath(groupId, type),
      body: { ...body, type },
      expect: [200],
      action: `updating the ${type} integration of project ${groupId}`,
      secrets: integrationSecrets(body),
    });
    return resultsOf(res.body);
  }

  /** True when deleted, false when there was none. */
  async deleteIntegration(groupId: string, type: IntegrationType | string): Promise<boolean> {
    const res = await this.call({
      method: "DELETE",
      path: integrationPath(groupId, type),
      expect: [200, 202, 204, 404],
      action: `deleting the ${type} integration of project ${groupId}`,
    });
    return res.status !== 404;
  }

  // ---- alert configurations -----------------------------------------------

  listAlertConfigs(groupId: string): Promise<AlertConfig[]> {
    return this.listAll<AlertConfig>(`${groupPath(groupId)}/alertConfigs`, undefined, `listing the alert configurations of project ${groupId}`);
  }

  async getAlertConfig(groupId: string, id: string): Promise<AlertConfig | undefined> {
    const res = await this.call<AlertConfig>({
      method: "GET",
      path: alertConfigPath(groupId, id),
      expect: [200, 404],
      action: `reading alert configuration ${id} of project ${groupId}`,
    });
    return res.status === 404 ? undefined : res.body;
  }

  /**
   * POST (Atlas answers 201, documents 200). Not idempotent and there is no
   * reliable read-back (nothing identifies the new configuration before it
   * exists), so a 5xx, timeout or network failure after the request may have
   * been sent is not retried: the UpstreamError says the outcome is unknown.
   * 429 and refused connections (never processed) are retried.
   */
  async createAlertConfig(groupId: string, body: AlertConfigInput): Promise<AlertConfig> {
    const res = await this.call<AlertConfig>({
      method: "POST",
      path: `${groupPath(groupId)}/alertConfigs`,
      body,
      expect: [200, 201],
      action: `creating a ${body.eventTypeName} alert configuration in project ${groupId}`,
      secrets: alertConfigSecrets(body),
    });
    return res.body;
  }

  async replaceAlertConfig(groupId: string, id: string, body: AlertConfigInput): Promise<AlertConfig> {
    const res = await this.call<AlertConfig>({
      method: "PUT",
      path: alertConfigPath(groupId, id),
      body,
      expect: [200],
      action: `updating alert configuration ${id} of project ${groupId}`,
      secrets: alertConfigSecrets(body),
    });
    return res.body;
  }

  /** PATCH {enabled}: setting a value is idempotent, so it is retried like a PUT. */
  async setAlertConfigEnabled(groupId: string, id: string, enabled: boolean): Promise<AlertConfig> {
    const res = await this.call<AlertConfig>({
      method: "PATCH",
      path: alertConfigPath(groupId, id),
      body: { enabled },
      idempotent: true,
      expect: [200],
      action: `${enabled ? "enabling" : "disabling"} alert configuration ${id} of project ${groupId}`,
    });
    return res.body;
  }

  async deleteAlertConfig(groupId: string, id: string): Promise<boolean> {
    const res = await this.call({
      method: "DELETE",
      path: alertConfigPath(groupId, id),
      expect: [200, 202, 204, 404],
      action: `deleting alert configuration ${id} of project ${groupId}`,
    });
    return res.status !== 404;
  }

  // ---- alerts -------------------------------------------------------------

  listAlerts(groupId: string, status?: Exclude<AlertStatus, "CANCELLED">): Promise<Alert[]> {
    return this.listAll<Alert>(`${groupPath(groupId)}/alerts`, status ? { status } : undefined, `listing the alerts of project ${groupId}`);
  }

  async getAlert(groupId: string, id: string): Promise<Alert | undefined> {
    const res = await this.call<Alert>({
      method: "GET",
      path: alertPath(groupId, id),
      expect: [200, 404],
      action: `reading alert ${id} of project ${groupId}`,
    });
    return res.status === 404 ? undefined : res.body;
  }

  /** `until` is an ISO 8601 date-time ("forever" is 100 years ahead); `comment` at most 200 characters. */
  async acknowledgeAlert(groupId: string, id: string, until: string, comment?: string): Promise<Alert> {
    const body: Record<string, unknown> = { acknowledgedUntil: until };
    if (comment !== undefined) body.acknowledgementComment = comment;
    const res = await this.call<Alert>({
      method: "PATCH",
      path: alertPath(groupId, id),
      body,
      accept: ATLAS_ACK_MEDIA_TYPE,
      contentType: ATLAS_ACK_MEDIA_TYPE,
      idempotent: true,
      expect: [200],
      action: `acknowledging alert ${id} of project ${groupId}`,
    });
    return res.body;
  }

  async unacknowledgeAlert(groupId: string, id: string): Promise<Alert> {
    const res = await this.call<Alert>({
      method: "PATCH",
      path: alertPath(groupId, id),
      body: { unacknowledgeAlert: true },
      accept: ATLAS_ACK_MEDIA_TYPE,
      contentType: ATLAS_ACK_MEDIA_TYPE,
      idempotent: true,
      expect: [200],
      action: `unacknowledging alert ${id} of project ${groupId}`,
    });
    return res.body;
  }

  // ---- plumbing -----------------------------------------------------------

  private call<T>(req: HttpRequest<T>): Promise<HttpResponse<T>> {
    return this.http.request<T>({ accept: ATLAS_MEDIA_TYPE, contentType: ATLAS_MEDIA_TYPE, ...req });
  }

  /** Follows `pageNum` until the page has no `rel: "next"` link. */
  private async listAll<T>(path: string, query: Record<string, string> | undefined, action: string): Promise<T[]> {
    const out: T[] = [];
    for (let pageNum = 1; pageNum <= 10_000; pageNum++) {
      const res = await this.call<AtlasPage<T>>({
        method: "GET",
        path,
        query: { ...query, itemsPerPage: this.itemsPerPage, pageNum },
        expect: [200],
        action: pageNum > 1 ? `${action} (page ${pageNum})` : action,
      });
      const results = Array.isArray(res.body?.results) ? res.body.results : [];
      out.push(...results);
      const hasNext = (res.body?.links ?? []).some((l) => l?.rel === "next");
      if (!hasNext || results.length === 0) break;
    }
    return out;
  }
}

/** True when a stored (redacted) integration is the one `wanted` describes. */
export function integrationMatches(stored: Integration, wanted: IntegrationInput): boolean {
  if (stored.type !== wanted.type) return false;
  if (wanted.type === "PAGER_DUTY") {
    const wantedRegion = wanted.region ?? DEFAULT_REGION;
    const storedRegion = stored.region ?? DEFAULT_REGION;
    return typeof stored.serviceKey === "string" && lastFour(stored.serviceKey) === lastFour(wanted.serviceKey) && storedRegion === wantedRegion;
  }
  if (wanted.type === "WEBHOOK") {
    return typeof stored.url === "string" && lastFour(stored.url) === lastFour(wanted.url);
  }
  return true;
}

function resultsOf<T>(page: AtlasPage<T> | T[] | undefined): T[] {
  if (Array.isArray(page)) return page;
  return Array.isArray(page?.results) ? page.results : [];
}

function lastFour(s: string): string {
  return s.slice(-4);
}

function integrationSecrets(body: IntegrationInput): (string | undefined)[] {
  return body.type === "PAGER_DUTY" ? [body.serviceKey] : [body.secret, body.url];
}

function alertConfigSecrets(body: AlertConfigInput): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const n of body.notifications ?? []) {
    if (n.typeName === "PAGER_DUTY") out.push(n.serviceKey);
    else if (n.typeName === "WEBHOOK") out.push(n.webhookSecret, n.webhookUrl);
  }
  return out;
}

function groupPath(groupId: string): string {
  return `/api/atlas/v2/groups/${encodeURIComponent(groupId)}`;
}

function integrationPath(groupId: string, type: string): string {
  return `${groupPath(groupId)}/integrations/${encodeURIComponent(type)}`;
}

function alertConfigPath(groupId: string, id: string): string {
  return `${groupPath(groupId)}/alertConfigs/${encodeURIComponent(id)}`;
}

function alertPath(groupId: string, id: string): string {
  return `${groupPath(groupId)}/alerts/${encodeURIComponent(id)}`;
}
