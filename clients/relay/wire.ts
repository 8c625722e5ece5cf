/**
 * The relay's admin API on the wire (issue 17: relay routes as code): one zod definition per
 * request and answer, shared by the relay's admin endpoints (relay/admin/) and the provider's
 * admin client (clients/relay/admin.ts), so the two cannot drift apart. It lives in clients/
 * because both sides may import clients/ and neither may import the other.
 *
 * Endpoints (all under the relay's listen address; `Authorization: Bearer <admin token>`):
 *
 *   PUT    /admin/routes/{id}                       body RouteSpec      → 201 created | 200 updated, RouteView
 *   GET    /admin/routes/{id}                                           → 200 RouteView | 404
 *   GET    /admin/routes                                                → 200 RouteList (static routes included)
 *   DELETE /admin/routes/{id}                                           → 204 (also when already gone)
 *   POST   /admin/routes/{id}/proof                 body ProofRequest   → 200 ProofResult
 *   PUT    /admin/routes/{id}/configs/{alertConfigId}/owners/{owner}    → 204 (registration; idempotent)
 *   DELETE /admin/routes/{id}/configs/{alertConfigId}/owners/{owner}    → 204 (also when not registered)
 *
 * and, without the admin token, for routes of any kind:
 *
 *   POST   /atlas/{id}/probe   any body up to 4 KB, signed like a webhook (X-MMS-Signature)
 *          → 204 the route exists and the signature matches its current or previous secret;
 *            404 {error: "unknown_route"}; 401 {error: "bad_signature"}. Changes nothing.
 *
 * Errors are `ErrorBody` with a stable `error` code (ERROR_CODES) and a message naming the
 * field and the fix. Secrets travel only in RouteSpec (PUT); no answer ever carries one: keys
 * come back as their last 4 characters and length (as the project API shows keys), webhook
 * secrets as a fingerprint.
 */
import { z } from "zod";
import { REGION_NAMES } from "../../lib/regions";

/** The last segment of the intake URL `{publicUrl}/atlas/{id}`. */
export const ROUTE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const OBJECT_ID = /^[0-9a-f]{24}$/;
/** Who registered a configuration with a route (a resource of the program, e.g. `AlertRouting/{alertConfigId}`). */
export const OWNER = /^[A-Za-z0-9._:/@$-]{1,200}$/;

/** Placeholders a link template may use, filled from the alert. */
export const LINK_PLACEHOLDERS = ["groupId", "alertId", "clusterName", "eventTypeName"] as const;

const routingKey = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9]{32}$/,
    "routingKey must be 32 letters or digits: an Events API v2 integration key, an R… ruleset key or an Event Orchestration routing key",
  );

const linkTemplate = z
  .object({
    /** http(s) URL; `{groupId}`, `{alertId}`, `{clusterName}`, `{eventTypeName}` are filled from the alert (URL-encoded). */
    href: z
      .string()
      .max(2048)
      .refine((h) => /^https?:\/\//.test(h), "links[].href must start with https:// or http://")
      .refine(
        (h) => [...h.matchAll(/\{([^}]*)\}/g)].every((m) => (LINK_PLACEHOLDERS as readonly string[]).includes(m[1])),
        `links[].href may use only the placeholders ${LINK_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      ),
    text: z.string().max(256).optional(),
  })
  .strict();

/** PUT body: the whole route (a PUT replaces every field; omitted optional fields take their defaults). */
export const routeSpec = z
  .object({
    projectId: z.string().regex(OBJECT_ID, "projectId must be 24 lowercase hexadecimal digits (the Atlas project id)"),
    routingKey,
    region: z.enum(REGION_NAMES).default("US"),
    /** Checked on every webhook of the route (X-MMS-Signature); at least 16 characters after trimming. */
    webhookSecret: z.string().trim().min(16, "webhookSecret must be at least 16 characters").max(1024),
    /** When webhookSecret changes, the old one stays valid this long (alerts already signed with it). */
    previousSecretTtlSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600),
    defaultSeverity: z.enum(["critical", "error", "warning", "info"]).default("error"),
    /** alert.inform becomes an info trigger and its resolve; default: the relay's `pagerduty.informs`. */
    informs: z.boolean().optional(),
    /** Added to every trigger's `payload.custom_details`. */
    customDetails: z
      .record(z.string().min(1).max(128), z.union([z.string().max(4096), z.number(), z.boolean()]))
      .refine((d) => Object.keys(d).length <= 50, "customDetails may have at most 50 entries")
      .default({}),
    /** Added to every trigger's top-level `links`. */
    links: z.array(linkTemplate).max(10, "at most 10 links").default([]),
  })
  .strict();
export type RouteSpec = z.infer<typeof routeSpec>;
export type RouteSpecInput = z.input<typeof routeSpec>;

/** A secret as answers show it: never the value. */
export const redactedKey = z.object({ last4: z.string(), length: z.number().int() });
export const secretFingerprint = z.object({
  /** First 16 hex digits of SHA-256("pdac-relay-webhook-secret:" + secret): equal secrets, equal fingerprints. */
  fingerprint: z.string(),
});

export const proofState = z.object({
  at: z.string(),
  outcome: z.enum(["accepted", "refused", "unavailable"]),
  /** PagerDuty's HTTP status, when it answered. */
  status: z.number().int().optional(),
  /** PagerDuty's message (never the key). */
  message: z.string().optional(),
});

export const routeView = z.object({
  id: z.string(),
  /** `static`: declared in relay.json (read-only here); `api`: managed through this API. */
  source: z.enum(["static", "api"]),
  projectId: z.string(),
  region: z.enum(REGION_NAMES),
  /** `{publicUrl}/atlas/{id}`: what the project's WEBHOOK notification points at. */
  intakeUrl: z.string(),
  routingKey: redactedKey,
  webhookSecret: secretFingerprint,
  /** During a rotation: the old secret, valid until `validUntil`. */
  previousWebhookSecret: secretFingerprint.extend({ validUntil: z.string() }).optional(),
  defaultSeverity: z.enum(["critical", "error", "warning", "info"]),
  informs: z.boolean(),
  customDetails: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  links: z.array(linkTemplate),
  /** The last proof (initial alert) of the current routing key; null before the first. */
  proof: proofState.nullable(),
  /** Alert configurations registered with the route, each with the resources that registered it. */
  registrations: z.array(z.object({ alertConfigId: z.string(), owners: z.array(z.string()) })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RouteView = z.infer<typeof routeView>;

export const routeList = z.object({ routes: z.array(routeView) });
export type RouteList = z.infer<typeof routeList>;

export const proofRequest = z
  .object({
    /** How long the relay may try to reach PagerDuty before answering `unavailable` (default 30 s). */
    deadlineMs: z.number().int().min(1_000).max(120_000).default(30_000),
  })
  .strict();
export type ProofRequest = z.infer<typeof proofRequest>;

export const proofResult = proofState.extend({
  /** The initial alert's dedup key: stable per route and key, so a retried proof folds into the same incident. */
  dedupKey: z.string(),
  /** Whether the resolve that follows the accepted trigger was accepted too. */
  resolved: z.boolean(),
});
export type ProofResult = z.infer<typeof proofResult>;

export const ERROR_CODES = [
  "unauthorized", // 401: no, wrong or revoked admin token
  "rate_limited", // 429: too many failed attempts (Retry-After)
  "https_required", // 403: admin over plain http from outside loopback
  "admin_disabled", // 404: the relay has no admin.tokens
  "not_found", // 404
  "invalid", // 400: `issues` lists each field
  "static_route", // 409: the id belongs to a route in relay.json
  "project_changed", // 409: a route's project never changes (delete and create it)
  "unknown_route", // 404 (probe)
  "bad_signature", // 401 (probe)
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;
