/**
 * What the relay keeps durably, behind one interface so SQLite (embedded default) and PostgreSQL
 * (several replicas, issue 13) are interchangeable. Every method is async; each one that changes
 * state does so in one transaction.
 */
import type { Outbox } from "../../lib/outbox";
import type { AlertStatus, AtlasEvent, PdAction, PdState } from "../domain/state";

/** The fields of an Atlas alert the relay uses to build PagerDuty events (kept from the latest webhook). */
export interface AlertFacts {
  eventTypeName: string;
  humanReadable?: string;
  clusterName?: string;
  hostnameAndPort?: string;
  replicaSetName?: string;
  metricName?: string;
  currentValue?: { number?: number; units?: string };
  created?: string;
  acknowledgingUsername?: string;
}

export interface AlertRecord {
  routeId: string;
  projectId: string;
  alertId: string;
  dedupKey: string;
  alertConfigId: string | null;
  status: AlertStatus;
  acknowledged: boolean;
  acknowledgedUntil: string | null;
  inform: boolean;
  updatedMs: number;
  rank: number;
  lastEvent: AtlasEvent | "reconcile";
  /** What PagerDuty has (sent by the relay, or reported by PagerDuty's own webhooks). */
  pdState: PdState;
  /**
   * The action whose send started and whose outcome is not recorded yet ("in doubt"): committed
   * before each send, cleared when the success is recorded. See domain/state `mayHaveIncident`.
   */
  pdAttempted: PdAction | null;
  /**
   * The action PagerDuty refused (400) for the alert's current state: the reconciler does not
   * send it again (a new dead letter every pass) until the state changes or a send succeeds.
   */
  pdRefused: PdAction | null;
  /** The relay acknowledged the alert in the project because PagerDuty did (undone on unacknowledge). */
  ackedByRelay: boolean;
  /**
   * PagerDuty's acknowledgement timed out (incident.unacknowledged): the relay does not acknowledge
   * the alert again, whatever the project says, until PagerDuty reports an acknowledgement again.
   */
  ackTimedOut: boolean;
  facts: AlertFacts;
  /** First state the relay saw: an alert first seen closed paged no one. */
  firstStatus: AlertStatus;
  createdAt: number;
  changedAt: number;
}

/** One observation of an alert (a webhook, or a read by the reconciler). */
export interface AlertObservation {
  routeId: string;
  projectId: string;
  alertId: string;
  alertConfigId: string | null;
  event: AtlasEvent | "reconcile";
  status: AlertStatus;
  acknowledged: boolean;
  acknowledgedUntil: string | null;
  inform: boolean;
  updatedMs: number;
  facts: AlertFacts;
}

export type ObserveResult = { outcome: "new" | "advanced" | "stale"; alert: AlertRecord };

/** Delivery job payload: level-triggered, it names the alert, not the event. */
export interface DeliverPayload {
  routeId: string;
  alertId: string;
}

/** PagerDuty webhook job payload: the verified event, processed after the 2xx. */
export interface PdWebhookPayload {
  webhookId: string | null;
  event: {
    id?: string;
    event_type: string;
    agent?: { summary?: string | null } | null;
    data: { id: string; status?: string; incident_key?: string | null; service?: { id?: string } };
  };
}

/** A verified webhook the relay could not route (the alert's project is not the route's). */
export interface IntakeDeadLetter {
  id: number;
  routeId: string;
  reason: string;
  event: string;
  projectId: string | null;
  alertId: string | null;
  receivedAt: number;
}

export interface SentEvent {
  routeId: string;
  alertId: string;
  action: PdAction;
  at: number;
}

export const QUEUES = { deliver: "relay.deliver", pdWebhook: "relay.pd-webhook" } as const;

export interface RelayStore {
  readonly kind: "sqlite" | "postgres";
  /**
   * Records the observation if it is newer than what is stored (state moves only forward) and,
   * in the same transaction, enqueues the alert's delivery job (one pending per alert). Also
   * remembers that the route serves the alert's configuration.
   */
  observeAlert(o: AlertObservation, now: number): Promise<ObserveResult>;
  getAlert(routeId: string, alertId: string): Promise<AlertRecord | undefined>;
  findAlertsByDedupKey(dedupKey: string): Promise<AlertRecord[]>;
  listAlerts(opts: { routeId?: string; limit?: number; activeOnly?: boolean }): Promise<AlertRecord[]>;
  /**
   * A route's alerts PagerDuty may still show open (domain/state mayHaveIncident, or open in the
   * project) in alert id order, after `after`: the reconciler reads them a bounded page per pass,
   * from where the last pass stopped, so none is left out however many there are.
   */
  listActiveAlerts(routeId: string, opts: { after?: string; limit: number }): Promise<AlertRecord[]>;
  /** After a send succeeded: PagerDuty's state moves to `pd` (only forward). */
  setPdState(routeId: string, alertId: string, pd: PdState, now: number): Promise<void>;
  /**
   * Committed before a send starts: the action is in doubt until `markSent` (a crash in between
   * leaves it on record). `null` puts back "nothing in doubt" (or restores an earlier doubt) after
   * PagerDuty refused the send outright (400, 429).
   */
  markAttempt(routeId: string, alertId: string, action: PdAction | null, now: number): Promise<void>;
  /** A send succeeded: PagerDuty's state moves forward, the doubt and any refusal are cleared and the send is recorded, in one transaction. */
  markSent(e: SentEvent, pd: PdState): Promise<void>;
  /** PagerDuty refused `action` (400) for the alert's current state; cleared when the status or acknowledgement changes, or a send succeeds. */
  markRefused(routeId: string, alertId: string, action: PdAction, now: number): Promise<void>;
  /**
   * PagerDuty's webhook told the relay its state (never re-trigger). `triggered` comes from
   * incident.unacknowledged: it also sets ackTimedOut; `acknowledged` clears it.
   */
  notePdState(routeId: string, alertId: string, pd: PdState, now: number): Promise<void>;
  setAckedByRelay(routeId: string, alertId: string, acked: boolean, now: number): Promise<void>;
  /** Re-enqueues delivery of an alert (reconciler, dead-letter retry). */
  enqueueDelivery(routeId: string, alertId: string, now: number): Promise<void>;

  /** Alert configurations this route has received webhooks for. */
  servedConfigs(routeId: string): Promise<string[]>;

  recordIntakeDeadLetter(d: Omit<IntakeDeadLetter, "id">): Promise<void>;
  listIntakeDeadLetters(limit: number): Promise<IntakeDeadLetter[]>;

  /**
   * Records a PagerDuty webhook id and enqueues its processing job, in one transaction. False when
   * the id was already seen (a redelivery): nothing is enqueued.
   */
  acceptPdWebhook(payload: PdWebhookPayload, now: number): Promise<boolean>;
  /** Deletes finished jobs and the send log older than `before` (alert states stay). */
  pruneHistory(before: number): Promise<number>;
  /**
   * Retention: deletes alerts closed with nothing PagerDuty may still show open (not changed since
   * `before`), served configurations no webhook named since `before`, and intake dead letters
   * received before `before`. In batches, so a large prune never holds the store for long.
   */
  pruneRetained(before: number): Promise<{ alerts: number; servedConfigs: number; intakeDeadLetters: number }>;
  /** Forgets webhook ids older than `before` (kept at least 72 hours). */
  pruneWebhookIds(before: number): Promise<number>;

  recordSent(e: SentEvent): Promise<void>;
  recentSent(limit: number): Promise<SentEvent[]>;

  setReconciled(routeId: string, at: number, repairs: number): Promise<void>;
  lastReconciled(): Promise<Record<string, { at: number; repairs: number }>>;

  /** Key/value settings (the adopted webhook subscription id and secret). */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  /** The jobs (the one outbox, lib/outbox): deliveries and PagerDuty webhooks, enqueued by the methods above. */
  readonly outbox: Outbox;

  /** Cheap query proving the store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
