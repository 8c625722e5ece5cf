import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { restErrors } from "../rest/errors";

/** The dashboard's cookie: an HMAC of the token, so the cookie never is the token itself. */
export const DASHBOARD_COOKIE = "pd_sandbox_session";

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token from `Authorization: Token token=<t>` (quotes tolerated), or undefined. */
export function tokenFrom(header: unknown): string | undefined {
  if (typeof header !== "string") return undefined;
  const m = /^Token token="?([^"\s]+)"?$/i.exec(header.trim());
  return m?.[1];
}

const sessionOf = (token: string) => createHmac("sha256", token).update("pagerduty-sandbox-dashboard").digest("hex");

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== "string") return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

const LOGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>PagerDuty sandbox</title>
<p>This dashboard needs the sandbox's PagerDuty REST API token (printed by <code>npm run sandbox</code>).
Open <code>/?token=&lt;token&gt;</code> once: the browser keeps a session cookie.</p>`;

/**
 * The sandbox controls (`/sandbox/*`: faults, services, state, webhook drain)
 * and the dashboard need the REST token, like the REST API: anyone who can
 * reach the port could otherwise inject faults or read integrations. Scripts
 * send `Authorization: Token token=...`; a browser opens `/?token=...` once
 * and gets an HttpOnly, SameSite=Strict cookie (then a redirect that drops
 * the token from the address bar).
 */
export function requireSandboxToken(scope: FastifyInstance, restToken: string): void {
  const session = sessionOf(restToken);
  scope.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenFrom(request.headers.authorization);
    if (token && sameSecret(token, restToken)) return;
    const c = cookie(request, DASHBOARD_COOKIE);
    if (c && sameSecret(c, session)) return;
    const path = request.url.split("?")[0];
    if (path === "/" && request.method === "GET") {
      const q = (request.query ?? {}) as Record<string, unknown>;
      if (typeof q.token === "string" && sameSecret(q.token, restToken)) {
        return reply
          .code(303)
          .header("set-cookie", `${DASHBOARD_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict`)
          .header("location", "/")
          .header("cache-control", "no-store")
          .send();
      }
      return reply.code(401).type("text/html; charset=utf-8").header("content-security-policy", "default-src 'none'").send(LOGIN_PAGE);
    }
    throw restErrors.unauthorized();
  });
}
