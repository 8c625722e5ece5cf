/**
 * Local Atlas Administration API v2 subset: third-party integrations, alert
 * configurations and alerts, with OAuth/Digest auth, versioned media types,
 * Atlas error bodies, redaction, rate limits and an alert lifecycle that
 * notifies PagerDuty (Events API v2) and webhooks through a durable outbox.
 */
export type { AtlasCredentials, AtlasDeps } from "./deps";
export { buildAtlasApp, atlasTick, type TickResult } from "./app";
export { newObjectId } from "./ids";
export { mmsSignature } from "./notify/webhook";
export { redactKey, redactSecret, redactUrl } from "./redact";
