/**
 * PagerDuty service regions: the one table every other place derives from (the `Region` type,
 * validation enums, the SQL CHECK, provider config keys and environment variables, the relay's
 * per-region URLs, base URLs, sandbox listeners, flags and ports). Adding a region means adding a row.
 */
export const REGIONS = {
  US: { eventsUrl: "https://events.pagerduty.com", restUrl: "https://api.pagerduty.com", configSuffix: "", sandboxPortOffset: 1 },
  EU: { eventsUrl: "https://events.eu.pagerduty.com", restUrl: "https://api.eu.pagerduty.com", configSuffix: "Eu", sandboxPortOffset: 2 },
} as const;

export type PagerDutyRegion = keyof typeof REGIONS;
export type Region = PagerDutyRegion;
export const REGION_NAMES = Object.keys(REGIONS) as [Region, ...Region[]];
/** The region used when an input leaves it out (PagerDuty accounts are US unless made in the EU). */
export const DEFAULT_REGION: Region = REGION_NAMES[0];

export function isRegion(v: unknown): v is Region {
  return typeof v === "string" && Object.hasOwn(REGIONS, v);
}

/** The region named `v`; anything else is an error, never a silent default. */
export function parseRegion(v: unknown, what = "region"): Region {
  if (isRegion(v)) return v;
  throw new Error(`${what} must be one of ${REGION_NAMES.join(", ")} (got ${JSON.stringify(v)})`);
}

/** `"US" or "EU"`, for messages. */
export function regionChoices(): string {
  const quoted = REGION_NAMES.map((r) => JSON.stringify(r));
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** One value per region, e.g. `regionRecord((r) => urlFor(r))`. */
export function regionRecord<T>(value: (region: Region) => T): Record<Region, T> {
  return Object.fromEntries(REGION_NAMES.map((r) => [r, value(r)])) as Record<Region, T>;
}

/** A per-region config key: `pagerdutyEventsUrl` (US), `pagerdutyEventsUrlEu` (EU). */
export function regionalKey(base: string, region: Region): string {
  return base + REGIONS[region].configSuffix;
}

/** A per-region environment variable: `PAGERDUTY_EVENTS_URL` (US), `PAGERDUTY_EVENTS_URL_EU` (EU). */
export function regionalEnv(base: string, region: Region): string {
  const suffix: string = REGIONS[region].configSuffix;
  return suffix ? `${base}_${suffix.toUpperCase()}` : base;
}

/** A per-region command-line flag: `pagerduty-port` (US), `pagerduty-eu-port` (EU) for ("pagerduty", "port"). */
export function regionalFlag(prefix: string, rest: string, region: Region): string {
  const suffix: string = REGIONS[region].configSuffix;
  return [prefix, ...(suffix ? [suffix.toLowerCase()] : []), rest].join("-");
}

/**
 * The provider's per-region PagerDuty URL settings (stack config key under `pdac:` and environment
 * variable, before the region suffix). The provider reads them; the sandbox prints them for itself.
 */
export const PAGERDUTY_URL_SETTINGS = {
  events: { key: "pagerdutyEventsUrl", env: "PAGERDUTY_EVENTS_URL", url: "eventsUrl" },
  rest: { key: "pagerdutyRestUrl", env: "PAGERDUTY_REST_URL", url: "restUrl" },
} as const;

export interface RegionalUrlSetting {
  api: keyof typeof PAGERDUTY_URL_SETTINGS;
  region: Region;
  key: string;
  env: string;
  /** The real service's URL. */
  fallback: string;
}

/** Every per-region URL setting: events URLs of all regions, then REST URLs. */
export function pagerDutyUrlSettings(): RegionalUrlSetting[] {
  return (Object.keys(PAGERDUTY_URL_SETTINGS) as Array<keyof typeof PAGERDUTY_URL_SETTINGS>).flatMap((api) => {
    const s = PAGERDUTY_URL_SETTINGS[api];
    return REGION_NAMES.map((region) => ({ api, region, key: regionalKey(s.key, region), env: regionalEnv(s.env, region), fallback: REGIONS[region][s.url] }));
  });
}

/** SQL `CHECK` body for a region column (new tables; a CHECK is fixed once a table exists). */
export function regionSqlCheck(column: string): string {
  return `${column} IN (${REGION_NAMES.map((r) => `'${r}'`).join(",")})`;
}

export const ATLAS_BASE_URL = "https://cloud.mongodb.com";

export function atlasBaseUrl(): string {
  return ATLAS_BASE_URL;
}

export function pagerDutyEventsBaseUrl(region: Region = DEFAULT_REGION): string {
  return REGIONS[parseRegion(region)].eventsUrl;
}

export function pagerDutyRestBaseUrl(region: Region = DEFAULT_REGION): string {
  return REGIONS[parseRegion(region)].restUrl;
}
