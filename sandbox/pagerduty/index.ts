/**
 * Local PagerDuty: Events API v2, a REST subset, webhooks v3, sandbox routes
 * and a dashboard, persisted in the shared sandbox SQLite database.
 */
export { buildPagerDutyApp, drainWebhookDeliveries } from "./app";
export type { PagerDutyDeps, Region, WebhookRetryPolicy } from "./deps";
export type { DrainOptions } from "./webhooks/worker";
export { USER_AGENT as WEBHOOK_USER_AGENT } from "./webhooks/worker";
export { signatureHeader } from "../../lib/signatures/pagerduty";
export type { SandboxState } from "./sandbox/state";
export { MAX_EVENT_BYTES } from "./events/messages";
