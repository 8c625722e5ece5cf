import type { FastifyInstance, FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** The exact bytes received, kept for signature checks and size accounting. */
    rawBody?: Buffer;
  }
}

/** Error thrown for a body that is not valid JSON; each app maps it to its service's error body. */
export class MalformedJsonError extends Error {
  readonly code = "MALFORMED_JSON";
}

/**
 * Parses JSON bodies (any `+json` media type too) keeping the raw bytes on
 * `request.rawBody`. An empty body parses as `undefined`.
 */
export function registerRawJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json/,
    { parseAs: "buffer" },
    (req: FastifyRequest, body: Buffer | string, done: (err: Error | null, body?: unknown) => void) => {
      const buf = typeof body === "string" ? Buffer.from(body) : body;
      req.rawBody = buf;
      if (buf.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(buf.toString("utf8")));
      } catch {
        done(new MalformedJsonError("Request body is not valid JSON"));
      }
    },
  );
}
