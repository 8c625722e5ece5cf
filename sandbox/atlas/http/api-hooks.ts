import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "../auth/authenticate";
import { rateLimited } from "../error-codes";
import type { AtlasRuntime } from "../runtime";
import { checkContentType, DEFAULT_VERSIONS, mediaType, negotiateVersion } from "./media-type";
import { boolParam, single, type Query } from "./query";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Versions (YYYY-MM-DD) the operation offers; default DEFAULT_VERSIONS. */
    versions?: readonly string[];
  }
  interface FastifyRequest {
    /** The version negotiated from Accept (responses use it). */
    atlasVersion?: string;
    /** The version of the body's Content-Type (requests are read with it). */
    atlasBodyVersion?: string;
  }
}

export const API_PREFIX = "/api/atlas/v2";

export const pathOf = (url: string) => url.split("?")[0];
export const isApiPath = (path: string) => path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
export const isSandboxPath = (path: string) => path === "/sandbox" || path.startsWith("/sandbox/");

/** The 2023-01-01 acknowledge has `x-sunset: 2027-07-01` in the spec; announced with an RFC 8594 Sunset header. */
const ACK_2023_SUNSET = "Thu, 01 Jul 2027 00:00:00 GMT";

function sunsetFor(request: FastifyRequest, version: string): string | undefined {
  const ack = request.method === "PATCH" && /\/groups\/[^/]+\/alerts\/[^/]+$/.test(pathOf(request.url));
  return ack && version === "2023-01-01" ? ACK_2023_SUNSET : undefined;
}

/**
 * Everything in front of the handlers, in Atlas's order: authentication
 * (API and sandbox paths), then for /api/atlas/v2 the project's token bucket,
 * the versioned Accept (406) and the body's Content-Type (415). All run before
 * the body is parsed, so a bad credential never reaches JSON parsing.
 */
export function registerApiHooks(app: FastifyInstance, rt: AtlasRuntime): void {
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    const api = isApiPath(path);
    if (!api && !isSandboxPath(path)) return;
    request.principal = authenticate(request, rt.ctx, rt.digest, rt.tokens);
    if (!api) return;
    if (rt.buckets) {
      const key = /^\/api\/atlas\/v2\/groups\/([^/]+)/.exec(path)?.[1] ?? "*";
      const d = rt.buckets.take(key);
      if (!d.allowed) throw rateLimited(d.retryAfter, d.limit);
      reply.header("ratelimit-limit", d.limit).header("ratelimit-remaining", d.remaining);
    }
    const offered = request.routeOptions.config?.versions ?? DEFAULT_VERSIONS;
    const version = negotiateVersion(request.headers.accept, offered);
    request.atlasVersion = version;
    request.atlasBodyVersion = checkContentType(request, offered);
    const q = request.query as Query;
    boolParam(q, "envelope", false);
    boolParam(q, "pretty", false);
    reply.header("content-type", mediaType(version));
    const sunset = sunsetFor(request, version);
    if (sunset) reply.header("sunset", sunset);
  });

  // `envelope=true` (status in the body, HTTP 200) and `pretty=true`, for clients that ask.
  app.addHook("onSend", async (request, reply, payload) => {
    // Errors are plain `application/json` (Fastify would append "; charset=utf-8").
    if (reply.getHeader("x-error-code") !== undefined) reply.header("content-type", "application/json");
    if (!isApiPath(pathOf(request.url))) return payload;
    // Exactly the versioned type, as Atlas sends it (Fastify would append "; charset=utf-8").
    if (request.atlasVersion && String(reply.getHeader("content-type") ?? "").startsWith("application/vnd.atlas.")) {
      reply.header("content-type", mediaType(request.atlasVersion));
    }
    const q = request.query as Query;
    const envelope = single(q, "envelope") === "true";
    const pretty = single(q, "pretty") === "true";
    if ((!envelope && !pretty) || typeof payload !== "string" || payload.length === 0) return payload;
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    if (envelope) {
      const status = reply.statusCode;
      const isList = typeof body === "object" && body !== null && Array.isArray((body as { results?: unknown }).results);
      body = isList ? { ...(body as object), status } : { status, content: body };
      reply.code(200);
    }
    return JSON.stringify(body, null, pretty ? 2 : undefined);
  });
}
