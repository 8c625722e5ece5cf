import type { FastifyInstance } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/**
 * Keeps every body as raw bytes and parses nothing: signatures are checked on the exact bytes
 * before anything about the request is trusted, and JSON is parsed only after that.
 */
export function registerRawBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (req, body, done) => {
    req.rawBody = body as Buffer;
    done(null, body);
  });
}

export function parseJson(raw: Buffer | undefined): { ok: true; value: unknown } | { ok: false } {
  if (!raw || raw.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/** Atlas and PagerDuty send `application/json` (a charset parameter allowed); anything else is not them. */
export function isJsonContentType(header: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(header ?? "");
}
