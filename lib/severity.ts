/**
 * The two severity scales, each written once: PagerDuty's (Events API v2
 * `payload.severity`) and Atlas's (an alert configuration's `severityOverride`).
 * Provider, relay, sandbox and clients import them from here; a project alert's
 * PagerDuty severity is its Atlas severity in lower case.
 */

/** PagerDuty Events API v2 severities, most severe first. */
export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];

/** Atlas alert configuration severities (`severityOverride`), mildest first as the spec lists them (catalog/atlas.json checks it). */
export const ATLAS_SEVERITIES = ["INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type AtlasSeverity = (typeof ATLAS_SEVERITIES)[number];

/** The PagerDuty severity of an Atlas severity (any case), or undefined for anything else. */
export function pagerDutySeverityOf(atlas: string | undefined | null): PagerDutySeverity | undefined {
  const s = String(atlas ?? "").toLowerCase();
  return (PAGERDUTY_SEVERITIES as readonly string[]).includes(s) ? (s as PagerDutySeverity) : undefined;
}
