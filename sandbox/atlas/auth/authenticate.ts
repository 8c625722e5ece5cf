import type { FastifyRequest } from "fastify";
import type { AtlasContext } from "../deps";
import { unauthorized } from "../error-codes";
import type { TokenStore } from "../store/tokens";
import { DIGEST_REALM, type DigestAuth } from "./digest";

/** Who made a request: a service account (Bearer) or a programmatic API key (Digest). */
export interface Principal {
  kind: "service-account" | "api-key";
  name: string;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * Accepts `Authorization: Bearer <token>` (from /api/oauth/token) or HTTP
 * Digest with the API key pair; anything else is 401. The 401 carries the
 * challenge for the scheme the client tried (a Digest challenge by default,
 * which is what starts the Digest handshake).
 */
export function authenticate(request: FastifyRequest, ctx: AtlasContext, digest: DigestAuth, tokens: TokenStore): Principal {
  const header = request.headers.authorization;
  if (header && /^Bearer\s/i.test(header)) {
    const token = header.replace(/^Bearer\s+/i, "").trim();
    const clientId = token ? tokens.verify(token, ctx.clock.now().getTime()) : undefined;
    if (clientId) return { kind: "service-account", name: clientId };
    throw unauthorized({ "www-authenticate": `Bearer realm="${DIGEST_REALM}", error="invalid_token"` });
  }
  if (header && /^Digest\s/i.test(header)) {
    const result = digest.verify(header, request.method, request.url);
    if (result === "ok") return { kind: "api-key", name: ctx.credentials.publicKey };
    throw unauthorized({ "www-authenticate": digest.challenge(result === "stale") });
  }
  throw unauthorized({ "www-authenticate": digest.challenge(false) });
}
