/**
 * A periodic pass per route: the project's OPEN alerts of the configurations this route serves
 * (received webhooks for, or listed in its config; never the project's other configurations,
 * which would page twice) against what PagerDuty was sent. A missed open is triggered; an alert
 * the relay triggered that is no longer listed open is read, and resolved only when the read says
 * CLOSED or CANCELLED (never on absence alone); an acknowledgement PagerDuty lacks is sent.
 */
import type { Logger } from "pino";
import type { Alert } from "../../clients/atlas/types";
import type { RouteConfig } from "../config";
import { isTerminal, mayHaveIncident, type AlertStatus } from "../domain/state";
import type { Metrics } from "../metrics";
import type { AlertObservation, RelayStore } from "../store/types";

export interface AlertReader {
  listAlerts(groupId: string, status?: "OPEN" | "TRACKING" | "CLOSED"): Promise<Alert[]>;
  getAlert(groupId: string, id: string): Promise<Alert | undefined>;
}

export interface ReconcileDeps {
  store: RelayStore;
  atlas: AlertReader;
  metrics: Metrics;
  log: Logger;
  onChanged: () => void;
}

export function observationOf(route: RouteConfig, a: Alert, now: number): AlertObservation {
  const ackUntil = typeof a.acknowledgedUntil === "string" ? a.acknowledgedUntil : null;
  const status = String(a.status) as AlertStatus;
  return {
    routeId: route.id,
    projectId: route.projectId,
    alertId: String(a.id),
    alertConfigId: typeof a.alertConfigId === "string" ? a.alertConfigId : null,
    event: "reconcile",
    status,
    acknowledged: ackUntil !== null && Date.parse(ackUntil) > now,
    acknowledgedUntil: ackUntil,
    inform: false,
    updatedMs: Date.parse(String(a.updated ?? a.created ?? new Date(now).toISOString())),
    facts: {
      eventTypeName: String(a.eventTypeName ?? "ALERT"),
      clusterName: a.clusterName as string | undefined,
      hostnameAndPort: a.hostnameAndPort as string | undefined,
      replicaSetName: a.replicaSetName as string | undefined,
      metricName: a.metricName as string | undefined,
      currentValue: a.currentValue as { number?: number; units?: string } | undefined,
      created: a.created as string | undefined,
      humanReadable: typeof a.humanReadable === "string" ? a.humanReadable : undefined,
    },
  };
}

/** One pass over one route. Returns how many repairs it made. */
export async function reconcileRoute(d: ReconcileDeps, route: RouteConfig): Promise<number> {
  const served = new Set([...(await d.store.servedConfigs(route.id)), ...route.alertConfigIds]);
  const now = Date.now();
  let repairs = 0;
  const open = (await d.atlas.listAlerts(route.projectId, "OPEN")).filter((a) => typeof a.alertConfigId === "string" && served.has(a.alertConfigId));
  const openIds = new Set(open.map((a) => String(a.id)));
  for (const a of open) {
    const known = await d.store.getAlert(route.id, String(a.id));
    const obs = observationOf(route, a, now);
    const missedOpen = !known || (known.pdState === "none" && !isTerminal(known.status));
    const missedAck = known !== undefined && obs.acknowledged && known.pdState === "triggered";
    if (!missedOpen && !missedAck) continue;
    // PagerDuty refused it (400) in this state: sending it again each pass only makes a new dead letter.
    if (known?.pdRefused === (missedOpen ? "trigger" : "acknowledge") && known.status === obs.status && known.acknowledged === obs.acknowledged) continue;
    // Same state machine as webhooks: a stale read changes nothing.
    const r = await d.store.observeAlert(obs, now);
    if (!known) {
      repairs++;
      d.metrics.repairs.inc({ kind: "trigger" });
    } else if (r.outcome === "stale") {
      await d.store.enqueueDelivery(route.id, String(a.id), now);
    } else {
      repairs++;
      d.metrics.repairs.inc({ kind: missedAck ? "acknowledge" : "trigger" });
    }
  }
  // Alerts PagerDuty may show open (a trigger accepted or in doubt) that the project no longer lists as open: read each one.
  for (const known of await d.store.listAlerts({ routeId: route.id, activeOnly: true, limit: 10_000 })) {
    if (openIds.has(known.alertId) || known.inform) continue;
    if (!mayHaveIncident(known.pdState, known.pdAttempted)) continue;
    const a = await d.atlas.getAlert(route.projectId, known.alertId);
    if (!a || !isTerminal(String(a.status) as AlertStatus)) continue; // absent or still tracking: never resolve on absence alone
    const r = await d.store.observeAlert(observationOf(route, a, now), now);
    if (r.outcome !== "stale") {
      repairs++;
      d.metrics.repairs.inc({ kind: "resolve" });
    }
  }
  if (repairs) d.onChanged();
  return repairs;
}

export class Reconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly d: ReconcileDeps,
    private readonly routes: readonly RouteConfig[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass over every route (also used by tests and the status page). */
  runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      for (const route of this.routes) {
        try {
          const repairs = await reconcileRoute(this.d, route);
          const at = Date.now();
          await this.d.store.setReconciled(route.id, at, repairs);
          this.d.metrics.reconcileLast.set({ route: route.id }, at / 1000);
          if (repairs) this.d.log.info({ route: route.id, repairs }, "reconciliation repaired missed changes");
        } catch (err) {
          this.d.log.warn({ route: route.id, err }, "reconciliation failed; will try at the next interval");
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
