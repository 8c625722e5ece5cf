import type { Db } from "../../lib/sqlite";
import type { Clock } from "../../lib/clock";
import type { ExchangeObserver } from "../http/exchange";
import type { Links } from "./links";
import type { EventsRetention } from "./store/events-log";

import type { Region } from "../../lib/regions";
export type { Region };

export interface WebhookRetryPolicy {
  /** First retry delay; doubles on each further attempt. */
  baseDelayMs: number;
  /** Attempts (first try included) before a retryable delivery is given up. */
  maxAttempts: number;
  /** How long a receiver may take to answer before the attempt counts as a timeout. */
  timeoutMs: number;
}

export interface PagerDutyDeps {
  /** Shared SQLite; the tables are prefixed `pd_`. */
  db: Db;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** One app instance per region; both may share the db. Events only match their region's integrations. */
  region: Region;
  /** REST API token accepted in `Authorization: Token token=...`. */
  restToken: string;
  /** Events API limit per routing key per 60 s sliding window; default 120. */
  eventsPerMinutePerKey?: number;
  /** REST limit per token per 60 s; default 960 (PagerDuty's documented per-user limit). */
  restRequestsPerMinute?: number;
  /** Sees every exchange (tests validate them against the specs). */
  observe?: ExchangeObserver;
  /** Fastify logging; authorization headers are redacted and bodies never logged. */
  logger?: boolean;
  /** Delivery retry policy; keep it small in tests. */
  webhookRetry?: Partial<WebhookRetryPolicy>;
  /** How often the delivery worker polls the outbox; default derived from the retry policy. */
  webhookPollMs?: number;
  /** The events log keeps this much (default 7 days and at most 200,000 events). */
  eventsRetention?: Partial<EventsRetention>;
}

/** Everything a handler needs, resolved once per app. */
export interface PdContext {
  db: Db;
  clock: Clock;
  region: Region;
  links: Links;
  eventsRetention: EventsRetention;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = { baseDelayMs: 5_000, maxAttempts: 10, timeoutMs: 5_000 };
