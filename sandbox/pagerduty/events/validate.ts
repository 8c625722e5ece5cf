import { msg } from "./messages";

export type EventAction = "trigger" | "acknowledge" | "resolve";
import { PAGERDUTY_SEVERITIES as SEVERITIES, type PagerDutySeverity as Severity } from "../../../lib/severity";

export interface AlertPayload {
  summary: string;
  source: string;
  severity: Severity;
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  custom_details?: unknown;
}

export interface AlertEvent {
  routing_key: string;
  event_action: EventAction;
  dedup_key?: string;
  payload?: AlertPayload;
  client?: string;
  client_url?: string;
  links?: unknown[];
  images?: unknown[];
}

export interface ChangeEvent {
  routing_key: string;
  payload: { summary: string; source?: string; timestamp?: string; custom_details?: unknown };
  links?: unknown[];
}

export type Validation<T> = { ok: true; event: T } | { ok: false; unrecognized: boolean; errors: string[] };

const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;
/**
 * Deepest accepted JSON nesting. 512 KB of `{"a":` parses, but would overflow
 * the stack when the event is stored; 100 is the common parser default
 * (Ruby's JSON max_nesting). The real limit is unverified.
 */
export const MAX_NESTING = 100;

/** Iterative on purpose: a recursive walk would fail on exactly the input it guards against. */
export function nestingExceeds(value: unknown, max = MAX_NESTING): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(v as object)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

/** Characters, not UTF-16 units: an emoji counts once, as it does for PagerDuty's limits. */
function chars(s: string): number {
  return Array.from(s).length;
}

function checkRoutingKey(body: Record<string, unknown>, errors: string[]): void {
  const key = body.routing_key;
  if (blank(key)) errors.push(msg.missing("routing_key"));
  else if (typeof key !== "string") errors.push(msg.invalid("routing_key"));
  else {
    if (key.length !== 32) errors.push(msg.routingKeyLength);
    if (!/^[A-Za-z0-9]*$/.test(key)) errors.push(msg.routingKeyCharacters);
  }
}

function optionalString(obj: Record<string, unknown>, field: string, label: string, errors: string[]): void {
  if (obj[field] !== undefined && obj[field] !== null && typeof obj[field] !== "string") errors.push(msg.invalid(label));
}

function optionalArray(obj: Record<string, unknown>, field: string, errors: string[]): void {
  if (obj[field] !== undefined && obj[field] !== null && !Array.isArray(obj[field])) errors.push(msg.invalid(field));
}

/**
 * Validates an alert event the way the Events API does: every problem is
 * listed, and no message ever echoes the routing key.
 */
export function validateAlertEvent(body: unknown): Validation<AlertEvent> {
  if (!isObject(body) || nestingExceeds(body)) return { ok: false, unrecognized: true, errors: [msg.jsonParse] };
  const errors: string[] = [];
  checkRoutingKey(body, errors);

  const action = body.event_action;
  if (blank(action)) errors.push(msg.missing("event_action"));
  else if (action !== "trigger" && action !== "acknowledge" && action !== "resolve") errors.push(msg.eventAction);

  const dedup = body.dedup_key;
  if (dedup !== undefined && dedup !== null && typeof dedup !== "string") errors.push(msg.invalid("dedup_key"));
  else if (typeof dedup === "string" && chars(dedup) > MAX_DEDUP_KEY) errors.push(msg.dedupKeyTooLong);
  if ((action === "acknowledge" || action === "resolve") && blank(dedup)) errors.push(msg.missing("dedup_key"));

  let payload: AlertPayload | undefined;
  if (action === "trigger") {
    const p = body.payload;
    if (!isObject(p)) errors.push(msg.missing("payload"));
    else {
      for (const f of ["summary", "source", "severity"] as const) {
        if (blank(p[f])) errors.push(msg.missing(`payload.${f}`));
        else if (f !== "severity" && typeof p[f] !== "string") errors.push(msg.invalid(`payload.${f}`));
      }
      if (typeof p.summary === "string" && chars(p.summary) > MAX_SUMMARY) errors.push(msg.summaryTooLong);
      if (!blank(p.severity) && !(SEVERITIES as readonly unknown[]).includes(p.severity)) errors.push(msg.severity);
      for (const f of ["timestamp", "component", "group", "class"]) optionalString(p, f, `payload.${f}`, errors);
      payload = p as unknown as AlertPayload;
    }
  }
  optionalString(body, "client", "client", errors);
  optionalString(body, "client_url", "client_url", errors);
  optionalArray(body, "links", errors);
  optionalArray(body, "images", errors);

  if (errors.length) return { ok: false, unrecognized: false, errors };
  return {
    ok: true,
    event: {
      routing_key: body.routing_key as string,
      event_action: action as EventAction,
      // A blank dedup key on a trigger means "none": PagerDuty generates one.
      dedup_key: blank(dedup) ? undefined : (dedup as string),
      payload,
      client: body.client as string | undefined,
      client_url: body.client_url as string | undefined,
      links: body.links as unknown[] | undefined,
      images: body.images as unknown[] | undefined,
    },
  };
}

export function validateChangeEvent(body: unknown): Validation<ChangeEvent> {
  if (!isObject(body) || nestingExceeds(body)) return { ok: false, unrecognized: true, errors: [msg.jsonParse] };
  const errors: string[] = [];
  checkRoutingKey(body, errors);
  const p = body.payload;
  if (!isObject(p)) errors.push(msg.missing("payload"));
  else {
    if (blank(p.summary)) errors.push(msg.missing("payload.summary"));
    else if (typeof p.summary !== "string") errors.push(msg.invalid("payload.summary"));
    else if (chars(p.summary) > MAX_SUMMARY) errors.push(msg.summaryTooLong);
    optionalString(p, "source", "payload.source", errors);
    optionalString(p, "timestamp", "payload.timestamp", errors);
  }
  optionalArray(body, "links", errors);
  optionalArray(body, "images", errors);
  if (errors.length) return { ok: false, unrecognized: false, errors };
  return { ok: true, event: { routing_key: body.routing_key as string, payload: p as ChangeEvent["payload"], links: body.links as unknown[] | undefined } };
}
