/**
 * The status page at `/`, behind the credentials from the config: routes, recent alerts and what
 * PagerDuty has of them, pending and dead-letter deliveries (a rejected resolve flagged first),
 * last reconcile, and a button to send a dead letter again. Never shows a key or secret.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { RouteConfig } from "../config";
import type { RelayStore } from "../store/types";
import { type AttemptLimiter, authorize, sameOrigin } from "./auth";

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const time = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : "");

export interface StatusPageDeps {
  store: RelayStore;
  routes: readonly RouteConfig[];
  credentials?: { username: string; password: string };
  onRetry: () => void;
  subscriptions?: () => { pending: boolean; lastError?: string } | undefined;
  /** Failed sign-ins, per account (shared with every endpoint that checks credentials). */
  limiter: AttemptLimiter;
  /** The relay's public URL: a POST's Origin may be it (behind a proxy the Host header is not). */
  publicUrl?: string;
}

/** Credentials then, the page's own headers: never framed (clickjacking of the Retry button), no scripts, forms only to itself. */
function authorized(req: FastifyRequest, reply: FastifyReply, d: StatusPageDeps): boolean {
  reply.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  reply.header("x-frame-options", "DENY");
  if (!d.credentials) {
    reply.code(404).type("text/plain").send("The status page is off: set statusPage.username and statusPage.password in the relay config.");
    return false;
  }
  return authorize(req, reply, { kind: "basic", ...d.credentials }, d.limiter);
}

function subscriptionsLine(s: { pending: boolean; lastError?: string } | undefined): string {
  if (!s) return "";
  return s.pending
    ? `<p id="subscriptions" class="pending"><strong>PagerDuty webhook subscriptions: pending</strong> (acknowledgements from PagerDuty wait for them; retrying${s.lastError ? `, last error: ${esc(s.lastError)}` : ""})</p>`
    : `<p id="subscriptions">PagerDuty webhook subscriptions: ready</p>`;
}

export function registerStatusPage(app: FastifyInstance, d: StatusPageDeps): void {
  app.get("/", async (req, reply) => {
    if (!authorized(req, reply, d)) return reply;
    const [alerts, dead, pending, reconciled, intakeDead] = await Promise.all([
      d.store.listAlerts({ limit: 50 }),
      d.store.outbox.list({ states: ["dead"], limit: 100 }),
      d.store.outbox.list({ states: ["pending", "running"], limit: 100 }),
      d.store.lastReconciled(),
      d.store.listIntakeDeadLetters(20),
    ]);
    const deadRows = dead
      .map((j) => {
        const p = j.payload as { routeId?: string; alertId?: string };
        const resolve = /resolve/.test(j.lastError ?? "");
        return `<tr class="dead${resolve ? " resolve" : ""}" data-job="${j.id}"><td>${j.id}</td><td>${esc(j.queue)}</td><td>${esc(p.routeId)}</td><td>${esc(p.alertId)}</td><td>${resolve ? "<strong>REJECTED RESOLVE</strong> " : ""}${esc(j.lastError)}</td><td>${time(j.updatedAt)}</td>
          <td><form method="post" action="/jobs/${j.id}/retry"><button type="submit" name="retry">Retry</button></form></td></tr>`;
      })
      .join("");
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Relay status</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}tr.resolve{background:#fdd}</style></head><body>
<h1>Relay status</h1>
${subscriptionsLine(d.subscriptions?.())}
<h2>Routes</h2><table id="routes"><tr><th>Route</th><th>Project</th><th>Region</th><th>Default severity</th><th>Last reconcile</th><th>Repairs</th></tr>
${d.routes.map((r) => `<tr><td>${esc(r.id)}</td><td>${esc(r.projectId)}</td><td>${esc(r.region)}</td><td>${esc(r.defaultSeverity)}</td><td>${time(reconciled[r.id]?.at) || "never"}</td><td>${reconciled[r.id]?.repairs ?? ""}</td></tr>`).join("")}</table>
<h2>Dead letters (${dead.length})</h2><table id="dead"><tr><th>Job</th><th>Queue</th><th>Route</th><th>Alert</th><th>Error</th><th>At</th><th></th></tr>${deadRows}</table>
<h2>Pending deliveries (${pending.length})</h2><table id="pending"><tr><th>Job</th><th>Queue</th><th>Attempts</th><th>Next run</th><th>Last error</th></tr>
${pending.map((j) => `<tr><td>${j.id}</td><td>${esc(j.queue)}</td><td>${j.attempts}</td><td>${time(j.runAt)}</td><td>${esc(j.lastError)}</td></tr>`).join("")}</table>
<h2>Recent alerts</h2><table id="alerts"><tr><th>Route</th><th>Alert</th><th>Event type</th><th>Project status</th><th>Acknowledged</th><th>PagerDuty</th><th>Changed</th></tr>
${alerts.map((a) => `<tr data-alert="${esc(a.alertId)}"><td>${esc(a.routeId)}</td><td>${esc(a.alertId)}</td><td>${esc(a.facts.eventTypeName)}</td><td>${esc(a.status)}${a.firstStatus !== "OPEN" && a.firstStatus !== "TRACKING" ? " (first seen closed: nobody paged)" : ""}</td><td>${a.acknowledged ? "yes" : ""}</td><td class="pd">${esc(a.pdState)}${a.pdAttempted ? ` (${esc(a.pdAttempted)} in doubt)` : ""}</td><td>${time(a.changedAt)}</td></tr>`).join("")}</table>
<h2>Unroutable webhooks</h2><table id="intake-dead"><tr><th>Route</th><th>Event</th><th>Reason</th><th>At</th></tr>
${intakeDead.map((x) => `<tr><td>${esc(x.routeId)}</td><td>${esc(x.event)}</td><td>${esc(x.reason)}</td><td>${time(x.receivedAt)}</td></tr>`).join("")}</table>
</body></html>`;
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
  });

  app.post<{ Params: { id: string } }>("/jobs/:id/retry", async (req, reply) => {
    if (!authorized(req, reply, d)) return reply;
    // A form post from another site carries the browser's saved credentials: only the page's own origin.
    if (!sameOrigin(req, d.publicUrl))
      return reply.code(403).send({ error: "foreign_origin", message: "A retry must come from the status page itself (its Origin header)." });
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) return reply.code(400).send({ error: "bad_id", message: "job id must be a positive integer" });
    const ok = await d.store.outbox.retryDead(id, Date.now());
    if (!ok) return reply.code(409).send({ error: "not_dead", message: `job ${id} is not a dead letter` });
    d.onRetry();
    return reply.code(303).header("location", "/").send();
  });
}
