import { readProviderConfig, type ProviderConfig, type Region } from "./config";
// Our own modules are imported statically: Pulumi serializes them by value into
// the provider. Only third-party packages are require()d inside functions.
import { AtlasClient } from "../clients/atlas/client";
import { PagerDutyEventsClient } from "../clients/pagerduty/events";
import { PagerDutyRestClient } from "../clients/pagerduty/rest";
import { ProviderError } from "./errors";

/** The API clients one provider call uses, built from the provider configuration at call time. */
export interface Clients {
  atlas: AtlasClient;
  events(region: Region): PagerDutyEventsClient;
  /** Undefined when no PagerDuty REST token is configured. */
  rest(region: Region): PagerDutyRestClient | undefined;
}

export function makeClients(cfg: ProviderConfig): Clients {
  if (!cfg.atlasAuth) {
    throw new ProviderError("CONFIG", "no project API credentials configured: set pdac:atlasClientId and pdac:atlasClientSecret (or the MONGODB_ATLAS_* environment variables)");
  }
  const retry = cfg.retry;
  const common = { timeoutMs: cfg.timeoutMs, retry };
  const atlas = new AtlasClient({ baseUrl: cfg.atlasBaseUrl, auth: cfg.atlasAuth, ...common });
  const events: Partial<Record<Region, PagerDutyEventsClient>> = {};
  const rest: Partial<Record<Region, PagerDutyRestClient>> = {};
  return {
    atlas,
    events: (region) => (events[region] ??= new PagerDutyEventsClient({ baseUrl: cfg.pagerdutyEventsUrl[region], ...common })),
    rest: (region) => (cfg.pagerdutyToken ? (rest[region] ??= new PagerDutyRestClient({ baseUrl: cfg.pagerdutyRestUrl[region], token: cfg.pagerdutyToken, ...common })) : undefined),
  };
}

/** The clients for one provider call: from the configuration `configure()` read, else from the environment alone. */
export function clientsFor(config: ProviderConfig | undefined): Clients {
  return makeClients(config ?? readProviderConfig(undefined, process.env));
}
