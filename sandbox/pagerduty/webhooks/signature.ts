import { createHmac } from "node:crypto";

/** `X-PagerDuty-Signature` value: `v1=` + hex HMAC-SHA256 of the exact body bytes under the subscription secret. */
export function signatureHeader(secret: string, rawBody: string | Buffer): string {
  return `v1=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}
