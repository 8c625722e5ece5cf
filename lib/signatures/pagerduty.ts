import { createHmac, timingSafeEqual } from "node:crypto";

/** `X-PagerDuty-Signature` value: `v1=` + hex HMAC-SHA256 of the exact body bytes under the subscription secret. */
export function signatureHeader(secret: string, rawBody: string | Buffer): string {
  return `v1=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

/**
 * True when any `v1=` signature in `header` (comma-separated, several during PagerDuty's secret
 * rotation) is the HMAC-SHA256 of `rawBody` under any of `secrets`. Constant time per comparison.
 */
export function verifyPagerDutySignature(secrets: readonly string[], rawBody: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const given = header
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.startsWith("v1="))
    .map((p) => Buffer.from(p.slice(3), "hex"))
    .filter((b) => b.length === 32);
  let ok = false;
  for (const s of secrets) {
    const want = createHmac("sha256", s).update(rawBody).digest();
    for (const g of given) if (timingSafeEqual(want, g)) ok = true;
  }
  return ok;
}
