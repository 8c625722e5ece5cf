import type { ErrorBodyInfo, UpstreamApi } from "../http/client";
import { nonBlank } from "../http/client";

/** Events API v2 errors: `{status, message, errors[]}`. */
export function parsePagerDutyEventsError(body: unknown): ErrorBodyInfo {
  if (!body || typeof body !== "object" || Array.isArray(body)) return {};
  const b = body as Record<string, any>;
  if (!Array.isArray(b.errors) && typeof b.message !== "string") return {};
  const errors = Array.isArray(b.errors) ? b.errors.map(String).filter(Boolean) : [];
  return { detail: errors.length ? errors.join("; ") : nonBlank(b.message) };
}

/** REST API errors: `{error: {message, code, errors[]}}`. */
export function parsePagerDutyRestError(body: unknown): ErrorBodyInfo {
  if (!body || typeof body !== "object" || Array.isArray(body)) return {};
  const error = (body as Record<string, any>).error;
  if (!error || typeof error !== "object") return {};
  const out: ErrorBodyInfo = {};
  if (error.code !== undefined) out.upstreamCode = String(error.code);
  const errors = Array.isArray(error.errors) ? error.errors.map(String).filter(Boolean) : [];
  out.detail = [nonBlank(error.message), errors.join("; ")].filter(Boolean).join(": ") || undefined;
  return out;
}

/** How the HTTP client names and explains PagerDuty Events API failures. */
export const PAGERDUTY_EVENTS_API: UpstreamApi = {
  service: "pagerduty-events",
  label: "PagerDuty Events API",
  parseError: parsePagerDutyEventsError,
  hints: {},
};

/** How the HTTP client names and explains PagerDuty REST API failures. */
export const PAGERDUTY_REST_API: UpstreamApi = {
  service: "pagerduty-rest",
  label: "PagerDuty REST API",
  parseError: parsePagerDutyRestError,
  hints: {
    UNAUTHORIZED: "Check the PagerDuty REST API token.",
    FORBIDDEN: "The PagerDuty REST API token lacks permission for this (a write-enabled key is needed to change services).",
  },
};
