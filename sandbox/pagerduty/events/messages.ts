/**
 * Response bodies of the Events API v2. Provenance matters here because
 * clients log and sometimes match on these strings:
 *
 *  - VERIFIED (docs / observed in public bug reports):
 *      "invalid event" / "Event object is invalid" (v2 docs 400 example),
 *      "Length of 'routing_key' is incorrect (should be 32 characters)" (docs, envato/pagerduty#70),
 *      "'routing_key' cannot contain non-alphanumeric characters." (facts file),
 *      "'payload.source' is missing or blank", "'payload.severity' is missing or blank"
 *        (solana-developer-platform#576, SigNoz#9536),
 *      "Unrecognized object" / "Event object format is unrecognized" / "JSON parse error" (OpenAPI example),
 *      "success" / "Event processed" (docs).
 *  - EXTRAPOLATED from the verified "'<field>' is missing or blank" pattern:
 *      the other "missing or blank" messages.
 *  - UNVERIFIED (no public capture found; same style as the verified ones):
 *      invalid event_action / severity, dedup_key too long, oversized request,
 *      the 429 body, the change-event success message.
 *    The summary-too-long string is copied from a 2024 report (livepeer/stream-tester#354),
 *    typo included, because that is what the service answered there.
 */
export const INVALID_EVENT = { status: "invalid event", message: "Event object is invalid" } as const;
export const UNRECOGNIZED = { status: "Unrecognized object", message: "Event object format is unrecognized" } as const;

export const msg = {
  missing: (field: string) => `'${field}' is missing or blank`,
  invalid: (field: string) => `'${field}' is invalid`,
  routingKeyLength: "Length of 'routing_key' is incorrect (should be 32 characters)",
  routingKeyCharacters: "'routing_key' cannot contain non-alphanumeric characters.",
  eventAction: "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)",
  severity: "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
  summaryTooLong: "'summary' is too long (maiximum is 1024 characters)",
  dedupKeyTooLong: "'dedup_key' is too long (maximum is 255 characters)",
  tooLarge: "Event object is too large (maximum is 512 KB)",
  jsonParse: "JSON parse error",
} as const;

export const SUCCESS_MESSAGE = "Event processed";
export const CHANGE_SUCCESS_MESSAGE = "Change event processed";

/** 429: the event is not ingested; clients retry with backoff. */
export const THROTTLED = { status: "throttle event", message: "Requests for this integration are arriving too quickly. Please retry later." } as const;

/** 5xx body (shape of the OpenAPI `Error` response: status, message). */
export const SERVER_ERROR = { status: "error", message: "Internal Server Error" } as const;

/** The documented request size limit (512 KB). */
export const MAX_EVENT_BYTES = 512 * 1024;
