import type { FastifyInstance } from "fastify";
import { registerRawJsonParser } from "../../lib/raw-json";

/** Marks a body that arrived with a non-JSON content type; routes try it as JSON anyway. */
export class UntypedBody {
  constructor(readonly raw: Buffer) {}
}

/**
 * JSON bodies keep their raw bytes (raw-json.ts). Any other content type is
 * accepted as bytes instead of fastify's 415, so every surface answers with
 * its own service's error body (and a client that forgot the header still
 * gets PagerDuty-like behaviour: the body is tried as JSON).
 */
export function registerBodyParsers(app: FastifyInstance): void {
  registerRawJsonParser(app);
  // fastify's own text/plain parser would hand routes a string; treat it like any other type.
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("*", { parseAs: "buffer" }, (req, body, done) => {
    const buf = typeof body === "string" ? Buffer.from(body) : body;
    req.rawBody = buf;
    done(null, buf.length ? new UntypedBody(buf) : undefined);
  });
}

/** The JSON value of a body, or `malformed` when it is not JSON. */
export function jsonBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (body instanceof UntypedBody) {
    try {
      return { ok: true, value: JSON.parse(body.raw.toString("utf8")) };
    } catch {
      return { ok: false };
    }
  }
  return { ok: true, value: body };
}
