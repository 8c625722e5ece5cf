import { readProviderConfig, type ProviderConfig, type Region, type SETTINGS, settingKey } from "./config";
import { AtlasClient } from "../clients/atlas/client";
import { PagerDutyEventsClient } from "../clients/pagerduty/events";
import { PagerDutyRestClient } from "../clients/pagerduty/rest";
import { isRegion, REGION_NAMES } from "../lib/regions";
import { ProviderError } from "./errors";

/** A region from state or the project API that this version does not know is an error, never the default region. */
function knownRegion(region: Region): Region {
  if (isRegion(region)) return region;
  throw new ProviderError(
    "CONFIG",
    `PagerDuty region ${JSON.stringify(region)} is not one of ${REGION_NAMES.join(", ")}: set region on the resource to one of them`,
    "region",
  );
}

/** The API clients one provider call uses, built from the provider configuration at call time. */
export interface Clients {
  atlas: AtlasClient;
  events(region: Region): PagerDutyEventsClient;
  /** Undefined when no PagerDuty REST token is configured. */
  rest(region: Region): PagerDutyRestClient | undefined;
  /** A setting as messages name it, under the namespace of the front door these clients were configured by. */
  setting(name: keyof typeof SETTINGS): string;
}

export function makeClients(cfg: ProviderConfig): Clients {
  if (!cfg.atlasAuth) {
    throw new ProviderError(
      "CONFIG",
      `no project API credentials configured: set ${cfg.namespace}:atlasClientId and ${cfg.namespace}:atlasClientSecret (or the MONGODB_ATLAS_* environment variables)`,
    );
  }
  const retry = cfg.retry;
  const common = { timeoutMs: cfg.timeoutMs, retry };
  const atlas = new AtlasClient({ baseUrl: cfg.atlasBaseUrl, auth: cfg.atlasAuth, ...common });
  const events: Partial<Record<Region, PagerDutyEventsClient>> = {};
  const rest: Partial<Record<Region, PagerDutyRestClient>> = {};
  return {
    atlas,
    events: (region) => (events[knownRegion(region)] ??= new PagerDutyEventsClient({ baseUrl: cfg.pagerdutyEventsUrl[region], ...common })),
    rest: (region) =>
      cfg.pagerdutyToken
        ? (rest[knownRegion(region)] ??= new PagerDutyRestClient({ baseUrl: cfg.pagerdutyRestUrl[region], token: cfg.pagerdutyToken, ...common }))
        : undefined,
    setting: (name) => settingKey(cfg.namespace, name),
  };
}

const shared = new Map<string, Clients>();

/**
 * The clients for a provider call: from the configuration `configure()` read,
 * else from the environment alone. One set per configuration and process, so
 * every resource shares one OAuth token (fetched once, refreshed before it
 * expires) and undici's connection pool.
 */
export function clientsFor(config: ProviderConfig | undefined): Clients {
  const cfg = config ?? readProviderConfig(undefined, process.env);
  const key = JSON.stringify(cfg);
  let clients = shared.get(key);
  if (!clients) {
    clients = makeClients(cfg);
    shared.set(key, clients);
  }
  return clients;
}
