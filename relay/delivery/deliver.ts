/**
 * The delivery handler: reads the alert's recorded state and sends PagerDuty the transitions it
 * still lacks, paced per routing key. 429 blocks the key; 5xx and network errors retry with
 * backoff for ever; 400 is a dead letter for a person to look at. Each send's start and end is
 * logged at debug level (dedup key, route and action, never the routing key): the replica tests
 * read them to prove that no two sends of one alert overlap.
 */
import type { Logger } from "pino";
import { isUpstreamError } from "../../clients/http/errors";
import type { PagerDutyEvent } from "../../clients/pagerduty/events";
import { backoffDelay, type BackoffSchedule } from "../../lib/backoff";
import type { Job } from "../../lib/outbox";
import type { RouteConfig } from "../config";
import { afterAction, nextAction } from "../domain/state";
import type { Metrics } from "../metrics";
import type { DeliverPayload, RelayStore } from "../store/types";
import type { JobOutcome } from "../worker";
import { buildEvent, eventProblems } from "./event";
import { keyId, type Pacer } from "./pacer";
import type { SeverityResolver } from "./severity";

export interface EventSender {
  enqueue(event: PagerDutyEvent): Promise<unknown>;
}

export interface DeliverDeps {
  store: RelayStore;
  routes: ReadonlyMap<string, RouteConfig>;
  /** One Events API client per region. */
  senders: (region: RouteConfig["region"]) => EventSender;
  pacer: Pacer;
  severity: SeverityResolver;
  metrics: Metrics;
  log: Logger;
  atlasUiUrl: string;
  /** How long a 429 blocks a key, growing with the job's attempts. */
  rateLimitBlock: BackoffSchedule;
  /** Test hook (RELAY_TEST_PAUSE_AFTER_SEND_MS): runs between PagerDuty's 2xx and the commit. */
  afterSend?: () => Promise<void>;
}

export function deliverHandler(d: DeliverDeps) {
  return async (job: Job): Promise<JobOutcome> => {
    const { routeId, alertId } = job.payload as DeliverPayload;
    const route = d.routes.get(routeId);
    if (!route) return { kind: "dead", error: `route ${routeId} is no longer in the relay config` };
    const kid = keyId(route.routingKey);
    // A few steps at most: trigger then acknowledge, or an inform's trigger then resolve.
    for (let step = 0; step < 3; step++) {
      const alert = await d.store.getAlert(routeId, alertId);
      if (!alert) return { kind: "done" };
      const action = nextAction(
        { status: alert.status, acknowledged: alert.acknowledged, inform: alert.inform },
        alert.pdState,
        alert.pdAttempted,
        alert.ackTimedOut,
      );
      if (!action) return { kind: "done" };
      const wait = await d.pacer.take(kid, Date.now());
      if (wait > 0) {
        d.metrics.rateLimitedWaits.inc();
        return { kind: "wait", runAt: Date.now() + wait };
      }
      const severity =
        action === "trigger"
          ? alert.inform
            ? "info"
            : await d.severity.severity(alert.projectId, alert.alertConfigId, route.defaultSeverity, alert.changedAt)
          : "info";
      const event = buildEvent(alert, action, { routingKey: route.routingKey, severity, atlasUiUrl: d.atlasUiUrl });
      // An event PagerDuty would refuse for a field the relay fills in is never sent (buildEvent should make none).
      const problems = eventProblems(event);
      if (problems.length) {
        d.metrics.deadLetters.inc({ kind: action });
        await d.store.markRefused(routeId, alertId, action, Date.now());
        d.log.error({ route: routeId, alertId, action, problems }, "the relay built an event PagerDuty would refuse; kept as a dead letter, not sent");
        return { kind: "dead", error: `not sent: the ${action} would be refused by PagerDuty (${problems.join("; ")})` };
      }
      // In doubt from here until markSent: a crash after PagerDuty's 202 still leaves the trigger on record.
      await d.store.markAttempt(routeId, alertId, action, Date.now());
      const started = Date.now();
      d.log.debug({ route: routeId, alertId, action, dedupKey: alert.dedupKey }, "send start");
      try {
        await d.senders(route.region).enqueue(event);
      } catch (err) {
        d.log.debug({ route: routeId, alertId, action, dedupKey: alert.dedupKey, result: isUpstreamError(err) ? err.code : "ERROR" }, "send end");
        const message = err instanceof Error ? err.message : String(err);
        // Refused outright, nothing was opened: only an earlier doubt remains.
        if (isUpstreamError(err, "RATE_LIMITED") || isUpstreamError(err, "BAD_REQUEST"))
          await d.store.markAttempt(routeId, alertId, alert.pdAttempted, Date.now());
        if (isUpstreamError(err, "RATE_LIMITED")) {
          d.metrics.sent.inc({ action, result: "rate_limited" });
          const until = Date.now() + backoffDelay(d.rateLimitBlock, job.attempts);
          await d.pacer.block(kid, until);
          d.log.warn({ route: routeId, alertId, action, key: kid, blockedMs: until - Date.now() }, "PagerDuty rate-limited the routing key; blocking it");
          return { kind: "retry", error: message, runAt: until };
        }
        if (isUpstreamError(err, "BAD_REQUEST")) {
          // Not sent again for this state by the reconciler (a person's retry still sends it).
          await d.store.markRefused(routeId, alertId, action, Date.now());
          d.metrics.sent.inc({ action, result: "rejected" });
          d.metrics.deadLetters.inc({ kind: action });
          d.log.error({ route: routeId, alertId, action, err }, "PagerDuty rejected the event; kept as a dead letter");
          return { kind: "dead", error: `PagerDuty rejected the ${action}: ${message}` };
        }
        d.metrics.sent.inc({ action, result: isUpstreamError(err, "UNAVAILABLE") ? "server_error" : "network" });
        d.log.warn({ route: routeId, alertId, action, attempts: job.attempts, err }, "sending to PagerDuty failed; will retry");
        return { kind: "retry", error: message };
      }
      d.log.debug({ route: routeId, alertId, action, dedupKey: alert.dedupKey, result: "ACCEPTED" }, "send end");
      d.metrics.sent.inc({ action, result: "success" });
      await d.afterSend?.();
      const now = Date.now();
      await d.store.markSent({ routeId, alertId, action, at: now }, afterAction(action));
      d.log.info({ route: routeId, alertId, action, dedupKey: alert.dedupKey, ms: now - started }, "sent to PagerDuty");
    }
    return { kind: "done" };
  };
}
