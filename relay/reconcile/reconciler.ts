/**
 * A periodic pass per route: the project's OPEN alerts of the configurations that route to it,
 * against what PagerDuty was sent. A missed open is triggered; an alert the relay triggered that
 * is no longer listed open is read, and resolved only when the read says CLOSED or CANCELLED
 * (never on absence alone); an acknowledgement PagerDuty lacks is sent.
 *
 * Scope (relay/reconcile/scope.ts): the configurations the route knows (its `alertConfigIds`,
 * those it received webhooks for, later those registered with it), each kept only while its
 * notifications, read live on this pass, still include a WEBHOOK to this route; never the
 * project's other configurations (they would page twice). A trigger waits for that webhook's
 * `delayMin`, as Atlas does. Resolves of alerts the relay already triggered do not depend on the
 * scope: an incident the relay opened is closed by the relay.
 */
import type { Logger } from "pino";
import type { Alert } from "../../clients/atlas/types";
import type { RouteConfig } from "../config";
import { isTerminal, mayHaveIncident, nextAction, type AlertStatus, type PdAction } from "../domain/state";
import type { Metrics } from "../metrics";
import type { AlertObservation, AlertRecord, RelayStore } from "../store/types";
import { type AlertConfigLister, watchedConfigs } from "./scope";

export interface AlertReader extends AlertConfigLister {
  listAlerts(groupId: string, status?: "OPEN" | "TRACKING" | "CLOSED"): Promise<Alert[]>;
  getAlert(groupId: string, id: string): Promise<Alert | undefined>;
}

export interface ReconcileDeps {
  store: RelayStore;
  atlas: AlertReader;
  metrics: Metrics;
  log: Logger;
  onChanged: () => void;
  /** The relay's public URL: a webhook must point at its host too (without it, the path's last 4 characters decide). */
  publicUrl?: string;
  /** Configurations registered with a route at run time (issue 17); none by default. */
  registeredConfigs?: (routeId: string) => Promise<string[]>;
  /** A configuration read on this pass (its severity, for the sends that follow). */
  onConfigRead?: (projectId: string, alertConfigId: string, cfg: { severityOverride?: string } | undefined) => void;
  /** Alerts the project no longer lists as open read per route and pass (default 200); the next pass goes on from there. */
  maxReadsPerPass?: number;
  now?: () => number;
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

/** What the pass would have PagerDuty do for an open alert the project lists, or why not. */
function missedAction(known: AlertRecord | undefined, obs: AlertObservation): PdAction | undefined {
  if (!known) return obs.status === "OPEN" ? "trigger" : undefined;
  if (isTerminal(known.status)) return undefined; // closed stays closed (a stale list)
  const action = nextAction({ status: obs.status, acknowledged: obs.acknowledged, inform: false }, known.pdState, known.pdAttempted, known.ackTimedOut);
  if (action !== "trigger" && action !== "acknowledge") return undefined;
  // PagerDuty refused it (400) in this very state: sending it again each pass only makes a new dead letter.
  if (known.pdRefused === action && known.status === obs.status && known.acknowledged === obs.acknowledged) return undefined;
  return action;
}

/** One pass over one route. Returns how many repairs it made. */
export async function reconcileRoute(d: ReconcileDeps, route: RouteConfig): Promise<number> {
  const now = (d.now ?? Date.now)();
  let repairs = 0;
  const known = new Set([...route.alertConfigIds, ...(await d.store.servedConfigs(route.id)), ...((await d.registeredConfigs?.(route.id)) ?? [])]);
  const watched = await watchedConfigs(d.atlas, route, known, { publicUrl: d.publicUrl, log: d.log, onRead: d.onConfigRead });
  const listed = await d.atlas.listAlerts(route.projectId, "OPEN");
  const openIds = new Set(listed.map((a) => String(a.id)));
  for (const a of listed) {
    const w = typeof a.alertConfigId === "string" ? watched.get(a.alertConfigId) : undefined;
    if (!w) continue;
    // Atlas notifies the webhook `delayMin` after the alert opened; before that (and for an alert that closes inside it) nobody is paged.
    const created = Date.parse(String(a.created ?? ""));
    if (w.delayMin > 0 && !(created + w.delayMin * 60_000 <= now)) continue;
    const record = await d.store.getAlert(route.id, String(a.id));
    const obs = observationOf(route, a, now);
    const action = missedAction(record, obs);
    if (!action) continue;
    // Same state machine as webhooks: a stale read changes nothing.
    const r = await d.store.observeAlert(obs, now);
    if (record && r.outcome === "stale") await d.store.enqueueDelivery(route.id, String(a.id), now);
    else {
      repairs++;
      d.metrics.repairs.inc({ kind: action });
    }
  }
  repairs += await reconcileClosed(d, route, openIds, now);
  if (repairs) d.onChanged();
  return repairs;
}

/**
 * Alerts PagerDuty may show open (a trigger accepted or in doubt) that the project no longer lists
 * as open: each is read, at most `maxReadsPerPass` a pass, going on from where the last pass
 * stopped (a cursor in the store's settings), so every one is read within a few passes however
 * many there are.
 */
async function reconcileClosed(d: ReconcileDeps, route: RouteConfig, openIds: ReadonlySet<string>, now: number): Promise<number> {
  const maxReads = d.maxReadsPerPass ?? 200;
  const cursorKey = `reconcile-cursor/${route.id}`;
  const start = (await d.store.getSetting(cursorKey)) ?? "";
  let reads = 0;
  let repairs = 0;
  // From the cursor to the last alert, then from the first up to the cursor: once round at most.
  let after = start;
  let secondHalf = false;
  for (;;) {
    const page = await d.store.listActiveAlerts(route.id, { after, limit: 500 });
    for (const known of page) {
      if (secondHalf && known.alertId >= start) return finish("");
      after = known.alertId;
      if (openIds.has(known.alertId) || known.inform || !mayHaveIncident(known.pdState, known.pdAttempted)) continue;
      reads++;
      const a = await d.atlas.getAlert(route.projectId, known.alertId);
      // Resolved only on a read that says closed or cancelled: absent or still open, never on absence alone.
      if (a && isTerminal(String(a.status) as AlertStatus)) {
        const r = await d.store.observeAlert(observationOf(route, a, now), now);
        if (r.outcome !== "stale") {
          repairs++;
          d.metrics.repairs.inc({ kind: "resolve" });
        }
      }
      if (reads >= maxReads) return finish(known.alertId);
    }
    if (page.length === 500) continue;
    if (secondHalf || start === "") return finish("");
    secondHalf = true;
    after = "";
  }
  async function finish(cursor: string): Promise<number> {
    if (cursor !== start) await d.store.setSetting(cursorKey, cursor);
    return repairs;
  }
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
