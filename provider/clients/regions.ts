/** Default base URLs of the upstream APIs, per PagerDuty service region. */

export type PagerDutyRegion = "US" | "EU";

export const ATLAS_BASE_URL = "https://cloud.mongodb.com";

export function atlasBaseUrl(): string {
  return ATLAS_BASE_URL;
}

export function pagerDutyEventsBaseUrl(region: PagerDutyRegion = "US"): string {
  return region === "EU" ? "https://events.eu.pagerduty.com" : "https://events.pagerduty.com";
}

export function pagerDutyRestBaseUrl(region: PagerDutyRegion = "US"): string {
  return region === "EU" ? "https://api.eu.pagerduty.com" : "https://api.pagerduty.com";
}
