/**
 * pino JSON logs. Known secret values are scrubbed from every message and string field, and
 * headers that carry credentials or signatures are redacted by path.
 */
import pino, { type Logger } from "pino";
import { secretScrubber } from "../clients/http/errors";

export const REDACT_PATHS = [
  "req.headers.authorization",
  'req.headers["x-mms-signature"]',
  'req.headers["x-pagerduty-signature"]',
  "routingKey",
  "routing_key",
  "*.routing_key",
  "*.routingKey",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "token",
  "*.token",
];

/** `scheme://user:password@host` → `scheme://[REDACTED]@host`, whatever the userinfo's length. */
export function redactUrlUserinfo(text: string): string {
  return text.includes("://") ? text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi, "$1[REDACTED]@") : text;
}

export function createLogger(opts: { level?: string; secrets: readonly string[]; destination?: pino.DestinationStream }): Logger {
  // The forms of each secret are worked out once, not per line (they were most of a line's cost).
  const scrubKnown = secretScrubber(opts.secrets);
  // A URL's userinfo (a store URL's user:password@) whatever its length, besides every known secret.
  const scrubText = (t: string) => redactUrlUserinfo(scrubKnown(t));
  const scrub = (v: unknown): unknown => (typeof v === "string" ? scrubText(v) : v);
  return pino(
    {
      level: opts.level ?? "info",
      base: { service: "relay" },
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
      hooks: {
        logMethod(args, method) {
          // Scrub every string argument, and the string fields of a leading object (err.message included).
          const out = args.map((a) => {
            if (typeof a === "string") return scrub(a);
            if (a && typeof a === "object") {
              const o: Record<string, unknown> = {};
              for (const [k, v] of Object.entries(a)) {
                if (v instanceof Error) o[k] = { type: v.name, message: scrub(v.message), code: (v as { code?: unknown }).code };
                else o[k] = scrub(v);
              }
              return o;
            }
            return a;
          });
          return method.apply(this, out as Parameters<typeof method>);
        },
      },
    },
    opts.destination,
  );
}
