import { mmsSignature } from "../../../lib/signatures";

export { mmsSignature };

/** Headers of one webhook delivery; the signature only when a secret is set. */
export function webhookHeaders(event: string, body: string, secret: string | undefined): Record<string, string> {
  const h: Record<string, string> = { "content-type": "application/json", "x-mms-event": event };
  if (secret) h["x-mms-signature"] = mmsSignature(secret, body);
  return h;
}
