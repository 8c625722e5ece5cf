/**
 * PagerDuty service regions: the one table every other place derives from (the `Region` type,
 * validation enums, config keys, base URLs, sandbox ports). Adding a region means adding a row.
 */
export const REGIONS = {
  US: { eventsUrl: "https://events.pagerduty.com", restUrl: "https://api.pagerduty.com", configSuffix: "", sandboxPortOffset: 1 },
  EU: { eventsUrl: "https://events.eu.pagerduty.com", restUrl: "https://api.eu.pagerduty.com", configSuffix: "Eu", sandboxPortOffset: 2 },
} as const;

export type PagerDutyRegion = keyof typeof REGIONS;
export type Region = PagerDutyRegion;
export const REGION_NAMES = Object.keys(REGIONS) as [Region, ...Region[]];
export const DEFAULT_REGION: Region = "US";

export function isRegion(v: unknown): v is Region {
  return typeof v === "string" && Object.hasOwn(REGIONS, v);
}

/** The region named `v`; anything else is an error, never a silent default. */
export function parseRegion(v: unknown, what = "region"): Region {
  if (isRegion(v)) return v;
  throw new Error(`${what} must be one of ${REGION_NAMES.join(", ")} (got ${JSON.stringify(v)})`);
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
