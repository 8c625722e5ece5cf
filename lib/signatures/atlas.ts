import { createHmac, timingSafeEqual } from "node:crypto";

/** `X-MMS-Signature`: base64 HMAC-SHA1 of the exact body bytes with the webhook secret (Atlas webhook integration). */
export function mmsSignature(secret: string, rawBody: string | Buffer): string {
  return createHmac("sha1", secret).update(rawBody).digest("base64");
}

/**
 * True when `header` is the signature of `rawBody` under any of `secrets` (the current one and,
 * during a rotation, the previous one). Compared in constant time on the decoded bytes.
 */
export function verifyMmsSignature(secrets: readonly string[], rawBody: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const given = Buffer.from(header.trim(), "base64");
  if (given.length !== 20) return false;
  let ok = false;
  for (const s of secrets) {
    const want = createHmac("sha1", s).update(rawBody).digest();
    // No early exit: every secret is compared, so timing says nothing about which matched.
    if (timingSafeEqual(want, given)) ok = true;
  }
  return ok;
}
