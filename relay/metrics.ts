/**
 * Prometheus metrics (prom-client), one registry per relay. Labels carry route ids, actions and
 * outcomes, never keys or secrets.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RelayStore } from "./store/types";

export function createMetrics(store: RelayStore, opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "relay_" });
  const webhooks = new Counter({
    name: "relay_webhooks_total",
    help: "Webhooks received, by source (atlas, pagerduty) and outcome (accepted, duplicate, stale, ignored, rejected_signature, unsupported_media_type, malformed, unknown_event, contradiction, too_old, unknown_route, too_large, dead_letter)",
    labelNames: ["source", "outcome"] as const,
    registers: [registry],
  });
  const sent = new Counter({
    name: "relay_events_sent_total",
    help: "PagerDuty Events API calls by action and result (success, rate_limited, server_error, network, rejected)",
    labelNames: ["action", "result"] as const,
    registers: [registry],
  });
  const rateLimitedWaits = new Counter({
    name: "relay_rate_limited_waits_total",
    help: "Deliveries put back to wait for a routing key's token or 429 block",
    registers: [registry],
  });
  const severityFallbacks = new Counter({
    name: "relay_severity_lookup_failures_total",
    help: "Triggers sent with the route's default severity because the alert configuration was not read in time, by reason (error: the read failed; timeout: over its 1 s budget; unavailable: the project API failed or hung in the last 30 s)",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: "relay_dead_letters_total",
    help: "Jobs and webhooks kept as dead letters, by kind",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const acks = new Counter({
    name: "relay_project_acks_total",
    help: "Project API acknowledge/unacknowledge calls made for PagerDuty changes, by action and result",
    labelNames: ["action", "result"] as const,
    registers: [registry],
  });
  const repairs = new Counter({
    name: "relay_reconcile_repairs_total",
    help: "Changes the reconciler found missing, by kind (trigger, resolve, acknowledge)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const reconcileLast = new Gauge({
    name: "relay_reconcile_last_success_timestamp_seconds",
    help: "When each route was last reconciled successfully",
    labelNames: ["route"] as const,
    registers: [registry],
  });
  const subscriptionsPending = new Gauge({
    name: "relay_pagerduty_subscriptions_pending",
    help: "1 while the PagerDuty webhook subscriptions (acknowledgement sync) are not all set up and the relay retries, else 0",
    registers: [registry],
  });
  const acceptSeconds = new Histogram({
    name: "relay_accept_duration_seconds",
    help: "Time to verify, store and answer an Atlas webhook",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const outboxDepth = new Gauge({ name: "relay_outbox_depth", help: "Jobs pending or running", labelNames: ["queue"] as const, registers: [registry] });
  const outboxOldest = new Gauge({ name: "relay_outbox_oldest_age_seconds", help: "Age of the oldest job not yet done", registers: [registry] });
  const deadGauge = new Gauge({ name: "relay_dead_letter_jobs", help: "Jobs currently dead-lettered (waiting for a person)", registers: [registry] });
  return {
    registry,
    webhooks,
    sent,
    rateLimitedWaits,
    severityFallbacks,
    deadLetters,
    acks,
    repairs,
    reconcileLast,
    subscriptionsPending,
    acceptSeconds,
    /** Refreshes the store-derived gauges, then renders. */
    async render(): Promise<string> {
      const s = await store.outbox.stats(Date.now());
      outboxDepth.reset();
      for (const [q, v] of Object.entries(s.byQueue)) outboxDepth.set({ queue: q }, v.depth);
      outboxOldest.set(s.oldestAgeMs / 1000);
      deadGauge.set(s.dead);
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
