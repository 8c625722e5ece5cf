import { createHmac } from "node:crypto";

/** `X-MMS-Signature`: base64 HMAC-SHA1 of the exact body bytes with the webhook secret. */
export function mmsSignature(secret: string, body: string): string {
  return createHmac("sha1", secret).update(body, "utf8").digest("base64");
}

/** Headers of one webhook delivery; the signature only when a secret is set. */
export function webhookHeaders(event: string, body: string, secret: string | undefined): Record<string, string> {
  const h: Record<string, string> = { "content-type": "application/json", "x-mms-event": event };
  if (secret) h["x-mms-signature"] = mmsSignature(secret, body);
  return h;
}
