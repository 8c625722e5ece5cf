import type { FastifyInstance, FastifyReply } from "fastify";
import type { AtlasContext } from "../deps";
import type { TokenStore } from "../store/tokens";
import { parseBasic } from "./basic";
import { safeEqual } from "./safe-equal";

/** RFC 6749 §5.2 error body: what OAuth client libraries parse from a token endpoint. */
function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  if (status === 401) reply.header("www-authenticate", 'Basic realm="MMS Public API"');
  return reply.code(status).header("cache-control", "no-store").send({ error, error_description: description });
}

function formOf(body: unknown): URLSearchParams {
  return body instanceof URLSearchParams ? body : new URLSearchParams();
}

/**
 * Service-account token endpoint: client credentials grant with HTTP Basic
 * client authentication, like Atlas. Errors follow RFC 6749 (not the Atlas
 * ApiError shape) because this is an OAuth endpoint, not /api/atlas/v2.
 */
export function registerOAuthRoutes(app: FastifyInstance, ctx: AtlasContext, tokens: TokenStore): void {
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, new URLSearchParams(String(body)));
  });

  app.post("/api/oauth/token", async (request, reply) => {
    const basic = parseBasic(request.headers.authorization);
    const { clientId, clientSecret } = ctx.credentials;
    if (!basic || !(safeEqual(basic.user, clientId) && safeEqual(basic.password, clientSecret))) {
      return oauthError(reply, 401, "invalid_client", "Client authentication failed.");
    }
    const form = formOf(request.body);
    const grant = form.get("grant_type");
    if (!grant) return oauthError(reply, 400, "invalid_request", "grant_type is required.");
    if (grant !== "client_credentials") return oauthError(reply, 400, "unsupported_grant_type", "Only client_credentials is supported.");
    const token = tokens.issue(clientId, ctx.clock.now().getTime(), ctx.tokenTtlSeconds);
    return reply.header("cache-control", "no-store").send({ access_token: token, token_type: "Bearer", expires_in: ctx.tokenTtlSeconds });
  });

  // RFC 7009 revocation, as Atlas offers for service-account tokens.
  app.post("/api/oauth/revoke", async (request, reply) => {
    const basic = parseBasic(request.headers.authorization);
    const { clientId, clientSecret } = ctx.credentials;
    if (!basic || !(safeEqual(basic.user, clientId) && safeEqual(basic.password, clientSecret))) {
      return oauthError(reply, 401, "invalid_client", "Client authentication failed.");
    }
    const token = formOf(request.body).get("token");
    if (token) tokens.revoke(token);
    return reply.code(200).send({});
  });
}
