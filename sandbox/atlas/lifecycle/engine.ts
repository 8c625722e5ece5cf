import { transaction, type Db } from "../../../lib/sqlite";
import type { AlertConfig } from "../alert-configs/model";
import type { Alert, AlertDoc, Channel } from "../alerts/model";
import { alertView } from "../alerts/view";
import type { AtlasContext } from "../deps";
import { newObjectId } from "../ids";
import { humanReadable } from "../notify/describe";
import { resolveEvent, triggerEvent } from "../notify/pagerduty";
import { webhookHeaders } from "../notify/webhook";
import type { AlertConfigStore } from "../store/alert-configs";
import type { AlertStore } from "../store/alerts";
import type { GroupStore } from "../store/groups";
import type { IntegrationStore } from "../store/integrations";
import type { InboxStore } from "../store/inbox";
import type { OutboxStore } from "../store/outbox";
import { messageOf, recipientOf } from "../notify/inbox";
import type { StoredNotification } from "../alert-configs/model";
import { atlasTime } from "../time";
import { DELIVERED_TYPES, resolveChannel } from "./channels";

/** What an alert carries about the monitored thing (set on open, changed by update). */
export type AlertFields = Pick<AlertDoc, "clusterName" | "hostnameAndPort" | "replicaSetName" | "metricName" | "currentValue">;

export type AlertEvent = "alert.open" | "alert.update" | "alert.close" | "alert.cancel" | "alert.acknowledge";

interface Stores {
  db: Db;
  groups: GroupStore;
  integrations: IntegrationStore;
  alertConfigs: AlertConfigStore;
  alerts: AlertStore;
  outbox: OutboxStore;
  inbox: InboxStore;
}

const ACTIVE = ["TRACKING", "OPEN"] as const;

/**
 * The alert state machine and its notifications, as Atlas runs them:
 *
 * - an alert starts TRACKING and turns OPEN once the smallest `delayMin` of
 *   its configuration has passed;
 * - each PAGER_DUTY/WEBHOOK notification fires (alert.open / PagerDuty
 *   trigger) once its own `delayMin` has passed and the alert is not
 *   acknowledged;
 * - updates of an OPEN alert go to the notifications that fired (webhook
 *   alert.update, PagerDuty trigger with the same dedup key);
 * - close sends alert.close / PagerDuty resolve; cancel sends alert.cancel /
 *   resolve when the alert had been OPEN; acknowledge sends
 *   alert.acknowledge to webhooks (PagerDuty is not told).
 *
 * Every change and its outbox rows are written in one transaction; the
 * outbox worker delivers them afterwards.
 */
export class AlertEngine {
  constructor(
    private readonly ctx: AtlasContext,
    private readonly s: Stores,
    private readonly kick: () => void,
  ) {}

  private now(): Date {
    return this.ctx.clock.now();
  }

  private run<T>(fn: () => T): T {
    const result = transaction(this.s.db, fn);
    this.kick();
    return result;
  }

  open(cfg: AlertConfig, fields: AlertFields, origin: string): Alert {
    return this.run(() => {
      const now = this.now();
      const a: Alert = {
        id: newObjectId(),
        groupId: cfg.groupId,
        alertConfigId: cfg.id,
        status: "TRACKING",
        doc: { eventTypeName: cfg.doc.eventTypeName, created: atlasTime(now), updated: atlasTime(now), ...fields },
        channels: [],
        fired: [],
        origin,
        createdMs: now.getTime(),
      };
      this.s.alerts.insert(a);
      if (this.evaluate(a, cfg, now)) this.s.alerts.save(a);
      return a;
    });
  }

  update(a: Alert, fields: AlertFields): Alert {
    return this.run(() => {
      const now = this.now();
      Object.assign(a.doc, fields);
      a.doc.updated = atlasTime(now);
      if (a.status === "OPEN" && !this.acknowledged(a, now)) this.notifyFired(a, "alert.update", now);
      const cfg = this.s.alertConfigs.get(a.groupId, a.alertConfigId);
      if (cfg) this.evaluate(a, cfg, now);
      this.s.alerts.save(a);
      return a;
    });
  }

  close(a: Alert): Alert {
    return this.run(() => this.end(a, "CLOSED", this.now()));
  }

  cancel(a: Alert): Alert {
    return this.run(() => this.end(a, "CANCELLED", this.now()));
  }

  acknowledge(a: Alert, until: string, comment: string | undefined, username: string): Alert {
    return this.run(() => {
      const now = this.now();
      a.doc.acknowledgedUntil = until;
      a.doc.acknowledgingUsername = username;
      if (comment !== undefined) a.doc.acknowledgementComment = comment;
      else delete a.doc.acknowledgementComment;
      a.doc.updated = atlasTime(now);
      // Acknowledging a CLOSED alert is accepted but tells nobody: its close was the last word.
      if (a.status === "OPEN" || a.status === "TRACKING") this.notifyFired(a, "alert.acknowledge", now);
      this.s.alerts.save(a);
      return a;
    });
  }

  unacknowledge(a: Alert): Alert {
    return this.run(() => {
      const now = this.now();
      delete a.doc.acknowledgedUntil;
      delete a.doc.acknowledgementComment;
      delete a.doc.acknowledgingUsername;
      a.doc.updated = atlasTime(now);
      // Notifications held back by the acknowledgement may fire now.
      const cfg = this.s.alertConfigs.get(a.groupId, a.alertConfigId);
      if (cfg) this.evaluate(a, cfg, now);
      this.s.alerts.save(a);
      return a;
    });
  }

  /** Cancels the active alerts of a configuration being deleted or disabled. */
  cancelForConfig(groupId: string, alertConfigId: string): number {
    return this.run(() => {
      const now = this.now();
      const active = this.s.alerts.byConfig(groupId, alertConfigId, ACTIVE);
      for (const a of active) this.end(a, "CANCELLED", now);
      return active.length;
    });
  }

  /** Moves every active alert the clock has caught up with; returns how many changed. */
  evaluateAll(): number {
    return this.run(() => {
      const now = this.now();
      let changed = 0;
      for (const a of this.s.alerts.active()) {
        const cfg = this.s.alertConfigs.get(a.groupId, a.alertConfigId);
        if (!cfg?.doc.enabled) {
          this.end(a, "CANCELLED", now);
          changed++;
        } else if (this.evaluate(a, cfg, now)) {
          this.s.alerts.save(a);
          changed++;
        }
      }
      return changed;
    });
  }

  private end(a: Alert, status: "CLOSED" | "CANCELLED", now: Date): Alert {
    const wasOpen = a.status === "OPEN";
    a.status = status;
    a.doc.updated = atlasTime(now);
    if (status === "CLOSED") a.doc.resolved = atlasTime(now);
    // A TRACKING alert never notified anyone, so there is nothing to resolve.
    if (wasOpen) this.notifyFired(a, status === "CLOSED" ? "alert.close" : "alert.cancel", now);
    this.s.alerts.save(a);
    return a;
  }

  private acknowledged(a: Alert, now: Date): boolean {
    return a.doc.acknowledgedUntil !== undefined && new Date(a.doc.acknowledgedUntil).getTime() > now.getTime();
  }

  /** TRACKING -> OPEN and first notifications, per delays. Mutates `a`; true when it changed. */
  private evaluate(a: Alert, cfg: AlertConfig, now: Date): boolean {
    if (a.status !== "TRACKING" && a.status !== "OPEN") return false;
    const due = (delayMin: number) => now.getTime() >= a.createdMs + delayMin * 60_000;
    let changed = false;
    const minDelay = Math.min(...cfg.doc.notifications.map((n) => n.delayMin));
    if (a.status === "TRACKING" && due(minDelay)) {
      a.status = "OPEN";
      a.doc.updated = atlasTime(now);
      changed = true;
    }
    if (a.status !== "OPEN" || this.acknowledged(a, now)) return changed;
    for (const n of cfg.doc.notifications) {
      if (a.fired.includes(n.notifierId) || !due(n.delayMin)) continue;
      a.fired.push(n.notifierId);
      changed = true;
      if (!DELIVERED_TYPES.includes(n.typeName)) {
        this.toInbox(a, n, "alert.open", now);
        continue;
      }
      const channel = resolveChannel(this.ctx, this.s.integrations, a.groupId, n);
      if (typeof channel === "string") {
        this.recordUndeliverable(a, n.notifierId, n.typeName, channel, now);
        continue;
      }
      a.channels.push(channel);
      this.enqueue(a, channel, "alert.open", now, cfg.doc.severityOverride);
    }
    return changed;
  }

  private notifyFired(a: Alert, event: AlertEvent, now: Date): void {
    const cfg = this.s.alertConfigs.get(a.groupId, a.alertConfigId);
    // Recipients the sandbox does not reach over the network hear of the close or cancel of what they were told.
    if (event === "alert.close" || event === "alert.cancel") {
      for (const n of cfg?.doc.notifications ?? []) if (!DELIVERED_TYPES.includes(n.typeName) && a.fired.includes(n.notifierId)) this.toInbox(a, n, event, now);
    }
    for (const c of a.channels) this.enqueue(a, c, event, now, cfg?.doc.severityOverride);
  }

  /** A GROUP, USER, EMAIL, SLACK... notification counts as sent: it lands in the sandbox inbox and sets lastNotified. */
  private toInbox(a: Alert, n: StoredNotification, event: AlertEvent, now: Date): void {
    a.doc.lastNotified = atlasTime(now);
    this.s.inbox.insert({
      id: newObjectId(),
      groupId: a.groupId,
      alertId: a.id,
      alertConfigId: a.alertConfigId,
      notifierId: n.notifierId,
      typeName: n.typeName,
      event,
      recipient: recipientOf(n),
      ...messageOf(a, event),
      created: atlasTime(now),
    });
  }

  private enqueue(a: Alert, c: Channel, event: AlertEvent, now: Date, severity: string | undefined): void {
    if (c.typeName === "PAGER_DUTY" && event === "alert.acknowledge") return;
    a.doc.lastNotified = atlasTime(now);
    const view = alertView(a, a.origin, this.s.groups.get(a.groupId)?.orgId);
    let body: string;
    let headers: Record<string, string>;
    if (c.typeName === "PAGER_DUTY") {
      const ev = event === "alert.open" || event === "alert.update" ? triggerEvent(a, view, c.routingKey!, severity) : resolveEvent(a, c.routingKey!);
      body = JSON.stringify(ev);
      headers = { "content-type": "application/json" };
    } else {
      body = JSON.stringify({ ...view, humanReadable: humanReadable(a) });
      headers = webhookHeaders(event, body, c.secret);
    }
    const t = now.getTime();
    this.s.outbox.enqueue({
      id: newObjectId(),
      groupId: a.groupId,
      alertId: a.id,
      channel: c.notifierId,
      kind: c.typeName === "PAGER_DUTY" ? "pagerduty" : "webhook",
      event,
      url: c.url,
      headers,
      body,
      nextAttemptAt: t,
      createdAt: t,
    });
  }

  private recordUndeliverable(a: Alert, notifierId: string, typeName: string, why: string, now: Date): void {
    const t = now.getTime();
    this.s.outbox.enqueueFailed({
      id: newObjectId(),
      groupId: a.groupId,
      alertId: a.id,
      channel: notifierId,
      kind: typeName === "PAGER_DUTY" ? "pagerduty" : "webhook",
      event: "alert.open",
      url: "",
      headers: {},
      body: "",
      nextAttemptAt: t,
      createdAt: t,
      lastError: why,
    });
  }
}
