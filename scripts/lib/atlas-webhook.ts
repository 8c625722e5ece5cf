import { type Dispatcher, request } from "undici";
import { mmsSignature } from "../../lib/signatures";

/**
 * Atlas alert webhooks as Atlas sends them (an alert body signed with X-MMS-Signature over the raw
 * bytes), for the relay benchmarks and the replica tests that post to `relay /atlas/{routeId}`.
 */
export type AtlasAlertStatus = "OPEN" | "CLOSED" | "CANCELLED" | "TRACKING";

/** An Atlas-shaped alert body: `id` and `projectId` are 24 hexadecimal digits. */
export function atlasAlert(projectId: string, id: string, status: AtlasAlertStatus, updated: Date = new Date()): Record<string, unknown> {
  const t = updated.toISOString();
  return { id, groupId: projectId, eventTypeName: "NO_PRIMARY", status, created: t, updated: t, humanReadable: "No primary" };
}

/** The webhook event Atlas names for a status. */
export function atlasEventFor(status: AtlasAlertStatus): string {
  return status === "CLOSED" ? "alert.close" : status === "CANCELLED" ? "alert.cancel" : "alert.open";
}

/** POSTs a signed webhook; returns the HTTP status (the body is drained). */
export async function postAtlasWebhook(url: string, event: string, body: unknown, secret: string, dispatcher?: Dispatcher): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await request(url, {
    method: "POST",
    ...(dispatcher ? { dispatcher } : {}),
    headers: { "content-type": "application/json", "x-mms-event": event, "x-mms-signature": mmsSignature(secret, raw) },
    body: raw,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  await res.body.dump();
  return res.statusCode;
}
