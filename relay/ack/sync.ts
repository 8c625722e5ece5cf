/**
 * PagerDuty → project: an incident acknowledged in PagerDuty acknowledges each project alert
 * behind it; unacknowledged undoes the relay's own acknowledgement; resolved while the alert is
 * still open acknowledges it (the project owns open/closed). A change is made only when the
 * project's known state differs, so nothing echoes back and forth.
 */
import type { Logger } from "pino";
import { isUpstreamError } from "../../clients/http/errors";
import type { Job } from "../../lib/outbox";
import { isTerminal, type PdState } from "../domain/state";
import type { Metrics } from "../metrics";
import type { AlertRecord, PdWebhookPayload, RelayStore } from "../store/types";
import type { JobOutcome } from "../worker";

export interface ProjectAcker {
  acknowledgeAlert(projectId: string, alertId: string, until: string, comment?: string): Promise<unknown>;
  unacknowledgeAlert(projectId: string, alertId: string): Promise<unknown>;
}

export interface IncidentAlertsReader {
  getIncidentAlerts(incidentId: string): Promise<Array<{ alert_key?: string }>>;
}

export interface AckSyncDeps {
  store: RelayStore;
  atlas: ProjectAcker;
  /** Without a REST token the incident's alerts cannot be listed: only incident_key is used. */
  incidents?: IncidentAlertsReader;
  acknowledgeHours: number;
  metrics: Metrics;
  log: Logger;
  onChanged: () => void;
}

async function alertsOf(d: AckSyncDeps, p: PdWebhookPayload): Promise<AlertRecord[]> {
  const keys = new Set<string>();
  if (p.event.data.incident_key) keys.add(p.event.data.incident_key);
  if (d.incidents) {
    // An incident can group several alerts: each alert_key is one project alert's dedup key.
    for (const a of await d.incidents.getIncidentAlerts(p.event.data.id)) if (a.alert_key) keys.add(a.alert_key);
  }
  const out: AlertRecord[] = [];
  for (const k of keys) out.push(...(await d.store.findAlertsByDedupKey(k)));
  return out;
}

export function ackSyncHandler(d: AckSyncDeps) {
  return async (job: Job): Promise<JobOutcome> => {
    const p = job.payload as PdWebhookPayload;
    const type = p.event.event_type;
    let alerts: AlertRecord[];
    try {
      alerts = await alertsOf(d, p);
    } catch (err) {
      return { kind: "retry", error: `listing the alerts of incident ${p.event.data.id}: ${err instanceof Error ? err.message : String(err)}` };
    }
    const who = p.event.agent?.summary ? ` by ${p.event.agent.summary}` : "";
    for (const a of alerts) {
      const now = Date.now();
      const pd: PdState = type === "incident.acknowledged" ? "acknowledged" : type === "incident.resolved" ? "resolved" : "triggered";
      await d.store.notePdState(a.routeId, a.alertId, pd, now);
      const open = !isTerminal(a.status);
      try {
        if ((type === "incident.acknowledged" || type === "incident.resolved") && open && !a.acknowledged) {
          const until = new Date(now + d.acknowledgeHours * 3_600_000).toISOString();
          const comment = `${type === "incident.resolved" ? "Resolved" : "Acknowledged"} in PagerDuty${who}`.slice(0, 200);
          await d.atlas.acknowledgeAlert(a.projectId, a.alertId, until, comment);
          await d.store.setAckedByRelay(a.routeId, a.alertId, true, now);
          d.metrics.acks.inc({ action: "acknowledge", result: "success" });
          d.log.info({ route: a.routeId, alertId: a.alertId, event: type }, "acknowledged the project alert for PagerDuty");
        } else if (type === "incident.unacknowledged" && open && a.ackedByRelay) {
          await d.atlas.unacknowledgeAlert(a.projectId, a.alertId);
          await d.store.setAckedByRelay(a.routeId, a.alertId, false, now);
          d.metrics.acks.inc({ action: "unacknowledge", result: "success" });
        }
      } catch (err) {
        const action = type === "incident.unacknowledged" ? "unacknowledge" : "acknowledge";
        if (isUpstreamError(err) && !err.ambiguous && err.code !== "RATE_LIMITED" && err.code !== "UNAUTHORIZED") {
          // The project refused (e.g. the alert closed meanwhile): nothing to retry.
          d.metrics.acks.inc({ action, result: "refused" });
          d.log.warn({ route: a.routeId, alertId: a.alertId, err }, "the project refused the acknowledgement change");
          continue;
        }
        d.metrics.acks.inc({ action, result: "error" });
        return { kind: "retry", error: err instanceof Error ? err.message : String(err) };
      }
    }
    if (alerts.length) d.onChanged();
    return { kind: "done" };
  };
}
