/**
 * PagerDuty Events API v2 client: `POST /v2/enqueue`. No auth header; the
 * routing key travels in the body and is scrubbed from every error.
 */
import type { Dispatcher } from "undici";
import { HttpClient } from "../http/client";
import { PAGERDUTY_EVENTS_API } from "./api";
import type { RetryPolicy } from "../http/retry";
import { DEFAULT_REGION, pagerDutyEventsBaseUrl } from "../../lib/regions";
import type { PagerDutySeverity } from "../../lib/severity";

export type { PagerDutySeverity } from "../../lib/severity";
export type PagerDutyEventAction = "trigger" | "acknowledge" | "resolve";

export interface PagerDutyEventPayload {
  /** Max 1024 characters. */
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: Record<string, unknown>;
}

export interface PagerDutyEvent {
  /** 32 characters (Events API v2 integration key or ruleset key). */
  routing_key: string;
  event_action: PagerDutyEventAction;
  /** Max 255 characters; required for acknowledge and resolve. */
  dedup_key?: string;
  /** Required for trigger. */
  payload?: PagerDutyEventPayload;
  images?: { src: string; href?: string; alt?: string }[];
  links?: { href: string; text?: string }[];
  client?: string;
  client_url?: string;
}

export interface PagerDutyEnqueueResult {
  status: string;
  message: string;
  dedup_key: string;
}

export interface PagerDutyEventsClientOptions {
  /** Default https://events.pagerduty.com (EU: https://events.eu.pagerduty.com). */
  baseUrl?: string;
  /** Merged over defaultRetryPolicy(). */
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** undici Dispatcher for every request (connection pool, proxy, interceptors). Default: undici's global one. */
  dispatcher?: Dispatcher;
}

export class PagerDutyEventsClient {
  readonly http: HttpClient;

  constructor(opts: PagerDutyEventsClientOptions = {}) {
    this.http = new HttpClient({
      ...PAGERDUTY_EVENTS_API,
      baseUrl: opts.baseUrl ?? pagerDutyEventsBaseUrl(DEFAULT_REGION),
      retry: opts.retry,
      timeoutMs: opts.timeoutMs,
      sleep: opts.sleep,
      random: opts.random,
      dispatcher: opts.dispatcher,
    });
  }

  /**
   * Sends one event. Retried on 429, 5xx and network errors: marked idempotent
   * because PagerDuty de-duplicates on dedup_key (send one on triggers that may
   * be retried). 400 is never retried. A 202 does not prove the key exists.
   */
  async enqueue(event: PagerDutyEvent): Promise<PagerDutyEnqueueResult> {
    const res = await this.http.request<PagerDutyEnqueueResult>({
      method: "POST",
      path: "/v2/enqueue",
      body: event,
      contentType: "application/json",
      accept: "application/json",
      idempotent: true,
      expect: [200, 201, 202],
      action: "the event",
      secrets: [event.routing_key],
    });
    const body = (res.body ?? {}) as Partial<PagerDutyEnqueueResult>;
    return {
      status: String(body.status ?? "success"),
      message: String(body.message ?? ""),
      dedup_key: String(body.dedup_key ?? event.dedup_key ?? ""),
    };
  }
}
