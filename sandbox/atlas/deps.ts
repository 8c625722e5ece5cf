import type { Db } from "../../lib/sqlite";
import type { Clock } from "../../lib/clock";
import type { Region } from "../../lib/regions";
import type { ExchangeObserver } from "../http/exchange";

/** The one set of credentials the sandbox accepts (service account and legacy API key). */
export interface AtlasCredentials {
  clientId: string;
  clientSecret: string;
  publicKey: string;
  privateKey: string;
}

export interface AtlasDeps {
  /** Shared SQLite; this module's tables are prefixed `atlas_`. */
  db: Db;
  /** Default systemClock. Token expiry, alert delays and retry times follow it. */
  clock?: Clock;
  credentials: AtlasCredentials;
  /** Lifetime of OAuth access tokens; default 3600. */
  tokenTtlSeconds?: number;
  /** Project (group) ids created at start when missing. */
  projects?: string[];
  /**
   * New projects get Atlas's default alert configurations, as real ones do
   * (default true). Turn off for tests that need an empty project.
   */
  defaultAlertConfigs?: boolean;
  /** Token bucket per project; undefined = no rate limit (default). */
  rateLimit?: { capacity: number; refillPerSecond: number };
  /** PagerDuty Events API base URLs per service region; the sandbox POSTs to `${url}/v2/enqueue`. */
  pagerdutyEventsUrl: Record<Region, string>;
  /** Receives every exchange (tests validate them against the spec). */
  observe?: ExchangeObserver;
  /** Request logging; keys, secrets, tokens and Authorization are never logged. */
  logger?: boolean;
  /** Outbound notification retries; default { baseDelayMs: 1000, maxAttempts: 5 }. */
  notifyRetry?: { baseDelayMs: number; maxAttempts: number };
}

/** Deps with defaults filled in, shared by every part of the app. */
export interface AtlasContext {
  db: Db;
  clock: Clock;
  credentials: AtlasCredentials;
  tokenTtlSeconds: number;
  defaultAlertConfigs: boolean;
  rateLimit?: { capacity: number; refillPerSecond: number };
  pagerdutyEventsUrl: Record<Region, string>;
  notifyRetry: { baseDelayMs: number; maxAttempts: number };
}
