/**
 * Pure functions over one alert configuration as the project API returns it: is a notification
 * ours, does one already reach our target, what to PUT so that every other field and notification
 * stays exactly as it was. The lifecycle (lifecycle.ts) adds the reads and writes around them.
 */
import { redactedFields } from "../../catalog/notifications";
import { DEFAULT_REGION } from "../../lib/regions";
import { ProviderError } from "../errors";
import { matchesRedacted } from "../inputs";
import { sameRedactedUrl, toAlertConfig } from "../routing/mapping";
import type { RoutingInputs } from "../routing/types";
import type { Attachment, NotificationInputs, Skip } from "./schema";

type Notification = Record<string, unknown> & { typeName?: unknown; notifierId?: unknown };
export interface LiveConfig {
  id: string;
  eventTypeName?: unknown;
  updated?: unknown;
  notifications?: Notification[];
  [key: string]: unknown;
}

/** Where our notification goes: the project's PagerDuty integration (as the project API shows it), or a relay route. */
export type Target =
  | { delivery: "native"; integrationId: string; serviceKey?: string; region: string; delayMin: number }
  | { delivery: "relay"; relayUrl: string; relaySecret: string; delayMin: number };

/** Atlas keeps at most this many notifications per configuration. */
export const MAX_NOTIFICATIONS = 25;

/** Fields the project API sets and a PUT must not carry. */
const READ_ONLY = ["id", "groupId", "created", "updated", "links"];

export function targetOf(inputs: NotificationInputs, integration?: { id: string; serviceKey?: string }): Target {
  if (inputs.delivery === "relay") return { delivery: "relay", relayUrl: inputs.relayUrl!, relaySecret: inputs.relaySecret!, delayMin: inputs.delayMin };
  return { delivery: "native", integrationId: integration!.id, serviceKey: integration?.serviceKey, region: inputs.region, delayMin: inputs.delayMin };
}

const typeNameOf = (t: Pick<Target, "delivery">) => (t.delivery === "native" ? "PAGER_DUTY" : "WEBHOOK");

/**
 * Whether a notification already reaches our target: the same PagerDuty integration (by id, or by
 * a service key that redacts to the integration's), or the same relay route (the redacted URL the
 * project API shows: host and last 4 characters).
 */
export function reachesTarget(n: Notification, t: Target): boolean {
  if (n.typeName !== typeNameOf(t)) return false;
  if (t.delivery === "native") return n.integrationId === t.integrationId || (typeof n.serviceKey === "string" && n.serviceKey === t.serviceKey);
  return typeof n.webhookUrl === "string" && sameRedactedUrl(t.relayUrl, n.webhookUrl);
}

/** Where a notification points, as shown (never a secret: ids and redacted URLs). */
export function targetShown(n: Notification): string {
  if (n.typeName === "WEBHOOK") return String(n.webhookUrl ?? n.integrationId ?? "");
  return String(n.integrationId ?? n.serviceKey ?? "");
}

/** Our notification as it should be: reaching the target with our delay (and, relay, a secret that redacts like ours). */
export function inShape(n: Notification, t: Target): boolean {
  if (!reachesTarget(n, t) || Number(n.delayMin ?? 0) !== t.delayMin) return false;
  if (t.delivery === "native") return n.integrationId === t.integrationId && (n.region ?? DEFAULT_REGION) === t.region;
  return typeof n.webhookSecret === "string" && matchesRedacted(t.relaySecret, n.webhookSecret);
}

/** The notification we write (AlertRouting's own mapping of the delivery fields). */
export function ourNotification(t: Target, notifierId?: string): Record<string, unknown> {
  const routing = {
    delivery: t.delivery,
    region: t.delivery === "native" ? t.region : DEFAULT_REGION,
    delayMin: t.delayMin,
    ...(t.delivery === "relay" ? { relayUrl: t.relayUrl, relaySecret: t.relaySecret } : {}),
  } as RoutingInputs;
  const body = toAlertConfig(routing, t.delivery === "native" ? t.integrationId : undefined, notifierId);
  return (body.notifications as Record<string, unknown>[])[0];
}

/** A redaction as the project API writes it: a run of 4 `*`, or a short value masked whole. */
function isRedaction(v: unknown): boolean {
  return typeof v === "string" && (/\*{4}/.test(v) || /^\*+$/.test(v));
}

/**
 * Someone else's notification as a PUT must carry it to keep it exactly as it is: every field as
 * read, except the fields the project API redacts (catalog/notifications.ts), which are left out
 * so the project keeps the stored values through `notifierId` instead of storing the mask.
 */
export function sentBack(n: Notification): Record<string, unknown> {
  const redacted = redactedFields(String(n.typeName));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) {
    if (v === undefined || (k in redacted && isRedaction(v))) continue;
    out[k] = v;
  }
  return out;
}

/** The PUT body: the configuration as read (enabled, matchers, thresholds, severity... untouched) with these notifications. */
export function putBody(live: LiveConfig, notifications: Record<string, unknown>[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(live)) if (!READ_ONLY.includes(k) && v !== undefined) body[k] = v;
  body.notifications = notifications;
  return body;
}

/** What to do to one configuration. */
export type Plan = { write: false; outcome: Outcome } | { write: true; notifications: Record<string, unknown>[]; outcome: Outcome };

export type Outcome = { kind: "attached"; notifierId?: string } | { kind: "skipped"; skip: Skip } | { kind: "detached" };

export interface AttachOptions {
  /** The notifierId state knows for this configuration. */
  known?: string;
  /** Rewrite ours even if it looks right (a secret changed: the project API shows only its length). */
  rewrite?: boolean;
  /** Take a notification in our exact shape as ours (an earlier attempt that crashed after its PUT). */
  adopt?: (live: LiveConfig, n: Notification) => boolean;
}

/**
 * Attach: keep ours (rewritten when it drifted); skip when another notification already reaches
 * the target (removing ours if both are there now: never paged twice, theirs kept); else add ours.
 */
export function planAttach(live: LiveConfig, t: Target, o: AttachOptions = {}): Plan {
  const notifications = live.notifications ?? [];
  const ours = o.known ? notifications.find((n) => n.notifierId === o.known) : undefined;
  const others = notifications.filter((n) => n !== ours);
  const same = others.find((n) => reachesTarget(n, t));
  if (same) {
    if (!ours && inShape(same, t) && o.adopt?.(live, same)) return { write: false, outcome: { kind: "attached", notifierId: String(same.notifierId) } };
    const skip: Skip = { alertConfigId: live.id, notifierId: String(same.notifierId ?? ""), reason: alreadyReaches(live, t) };
    return ours
      ? { write: true, notifications: others.map(sentBack), outcome: { kind: "skipped", skip } }
      : { write: false, outcome: { kind: "skipped", skip } };
  }
  if (ours && ours.typeName === typeNameOf(t)) {
    if (inShape(ours, t) && !o.rewrite) return { write: false, outcome: { kind: "attached", notifierId: String(ours.notifierId) } };
    return {
      write: true,
      notifications: notifications.map((n) => (n === ours ? ourNotification(t, String(ours.notifierId)) : sentBack(n))),
      outcome: { kind: "attached" },
    };
  }
  // No ours, or ours of the other delivery (delivery changed): the new one replaces it in the same PUT.
  if (others.length >= MAX_NOTIFICATIONS) {
    throw new ProviderError(
      "CONFLICT",
      `alert configuration ${live.id} already has ${MAX_NOTIFICATIONS} notifications, the project API's maximum: remove one of them or leave this configuration out of the selection`,
    );
  }
  return { write: true, notifications: [...others.map(sentBack), ourNotification(t)], outcome: { kind: "attached" } };
}

/** Detach: remove ours, leaving every other notification as it is. */
export function planDetach(live: LiveConfig, known: string): Plan {
  const notifications = live.notifications ?? [];
  const others = notifications.filter((n) => n.notifierId !== known);
  if (others.length === notifications.length) return { write: false, outcome: { kind: "detached" } };
  if (others.length === 0) {
    throw new ProviderError(
      "CONFLICT",
      `alert configuration ${live.id} has no notification left but this one (the project API needs at least one): add another notification to it, or delete the configuration, then run the command again`,
    );
  }
  return { write: true, notifications: others.map(sentBack), outcome: { kind: "detached" } };
}

export function alreadyReaches(live: LiveConfig, t: Target): string {
  const what = t.delivery === "native" ? "this PagerDuty integration" : "this relay route";
  return `alert configuration ${live.id} (${String(live.eventTypeName)}) already notifies ${what}: skipped, so its alerts never page twice`;
}

/** Ours, found by the notifierId state knows, as an attachment (whatever its shape: diff compares). */
export function attachmentOf(live: LiveConfig, notifierId: string): Attachment | undefined {
  const n = (live.notifications ?? []).find((x) => x.notifierId === notifierId);
  if (!n) return undefined;
  return { alertConfigId: live.id, notifierId, delayMin: Number(n.delayMin ?? 0), target: targetShown(n) };
}
