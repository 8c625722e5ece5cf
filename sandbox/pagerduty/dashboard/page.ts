import type { SandboxState } from "../sandbox/state";
import { html, Html } from "./html";

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0;background:#fff}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}code{font-size:12px}.muted{color:#666}
.triggered{color:#b00020;font-weight:600}.acknowledged{color:#a15c00;font-weight:600}.resolved{color:#1e7b34;font-weight:600}
details{margin:.25rem 0}summary{cursor:pointer}
`;

function status(s: string): Html {
  return html`<span class="${s}">${s}</span>`;
}

function services(state: SandboxState): Html {
  if (!state.services.length)
    return html`<p class="muted">No services yet. Create one with <code>POST /services</code> or <code>POST /sandbox/services</code>.</p>`;
  return html`<table><tr><th>Service</th><th>Id</th><th>Integrations (key: last 4 only)</th></tr>${state.services.map(
    (s) =>
      html`<tr><td>${s.name}</td><td><code>${s.id}</code></td><td>${
        s.integrations.length
          ? s.integrations.map(
              (i) =>
                html`<div>${i.name} <span class="muted">(${i.type}, <code>${i.id}</code>)</span> key <code>…${i.integration_key_last4 ?? "none"}</code></div>`,
            )
          : html`<span class="muted">none</span>`
      }</td></tr>`,
  )}</table>`;
}

function incidents(state: SandboxState): Html {
  if (!state.incidents.length) return html`<p class="muted">No incidents yet.</p>`;
  return html`<table><tr><th>#</th><th>Status</th><th>Title</th><th>incident_key</th><th>Service</th><th>Created</th><th>Alert timeline</th></tr>${state.incidents.map(
    (i) =>
      html`<tr id="incident-${i.id}"><td>${i.number}<br><code>${i.id}</code></td><td>${status(i.status)}</td><td>${i.title}</td><td><code>${i.incident_key}</code></td><td><code>${i.service_id}</code></td><td>${i.created_at}</td><td><details><summary>${i.timeline.length} entries, ${i.alerts.length} alert(s)</summary><table><tr><th>At</th><th>What</th><th>Via</th><th>By</th><th>Summary</th><th>Severity</th></tr>${i.timeline.map(
        (e) =>
          html`<tr><td>${e.at}</td><td>${e.kind.replace("_", " ")}</td><td>${e.channel}</td><td>${e.agent?.summary ?? ""}</td><td>${e.summary ?? ""}</td><td>${e.severity ?? ""}</td></tr>`,
      )}</table></details></td></tr>`,
  )}</table>`;
}

function events(state: SandboxState): Html {
  if (!state.events.length) return html`<p class="muted">No events received yet.</p>`;
  return html`<table><tr><th>Received</th><th>Kind</th><th>Action</th><th>dedup_key</th><th>Key</th><th>Outcome</th><th>Summary</th></tr>${state.events
    .slice(0, 50)
    .map(
      (e) =>
        html`<tr><td>${e.received_at}</td><td>${e.kind}</td><td>${e.event_action ?? ""}</td><td><code>${e.dedup_key ?? ""}</code></td><td><code>…${e.key_last4}</code></td><td>${e.outcome.replace(/_/g, " ")}</td><td>${e.summary ?? ""}</td></tr>`,
    )}</table>`;
}

function webhooks(state: SandboxState): Html {
  const subs = state.webhook_subscriptions.length
    ? html`<table><tr><th>Subscription</th><th>URL</th><th>Active</th><th>Events</th><th>Filter</th></tr>${state.webhook_subscriptions.map(
        (s) =>
          html`<tr><td><code>${s.id}</code></td><td>${s.url}</td><td>${s.active ? "yes" : s.temporarily_disabled ? "no (disabled after dropped deliveries)" : "no"}</td><td>${s.events.join(", ")}</td><td>${s.filter.type} ${s.filter.id ?? ""}</td></tr>`,
      )}</table>`
    : html`<p class="muted">No webhook subscriptions.</p>`;
  const deliveries = state.webhook_deliveries.length
    ? html`<table><tr><th>Created</th><th>Event</th><th>Subscription</th><th>Attempts</th><th>Result</th></tr>${state.webhook_deliveries
        .slice(0, 50)
        .map(
          (d) =>
            html`<tr><td>${d.created_at}</td><td>${d.event_type}</td><td><code>${d.subscription_id}</code></td><td>${d.attempts}</td><td>${
              d.delivered_at
                ? `delivered ${d.delivered_at}`
                : d.dropped_at
                  ? `dropped (${d.last_error ?? ""})`
                  : d.failed_at
                    ? `gave up (${d.last_error ?? ""})`
                    : `pending${d.last_error ? ` (last: ${d.last_error})` : ""}`
            }</td></tr>`,
        )}</table>`
    : html``;
  return html`${subs}${deliveries}`;
}

/** The page a person opens to confirm the initial incident arrived. Self-contained: no scripts, no external assets. */
export function renderDashboard(state: SandboxState): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PagerDuty sandbox (${state.region})</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${new Html(STYLE)}</style></head>
<body><h1>PagerDuty sandbox — region ${state.region}</h1>
<p class="muted">Local stand-in for PagerDuty. Reload to refresh. JSON: <a href="/sandbox/state">/sandbox/state</a></p>
<h2>Incidents</h2>${incidents(state)}
<h2>Services</h2>${services(state)}
<h2>Recent events</h2>${events(state)}
<h2>Webhooks</h2>${webhooks(state)}
</body></html>`.value;
}
