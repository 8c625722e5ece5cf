export type AlertStatus = "TRACKING" | "OPEN" | "CLOSED" | "CANCELLED";

/** The alert's fields besides ids and status (what AlertViewForNdsGroup returns). */
export interface AlertDoc {
  eventTypeName: string;
  created: string;
  updated: string;
  resolved?: string;
  lastNotified?: string;
  acknowledgedUntil?: string;
  acknowledgementComment?: string;
  acknowledgingUsername?: string;
  clusterName?: string;
  hostnameAndPort?: string;
  replicaSetName?: string;
  metricName?: string;
  currentValue?: { number: number; units?: string };
}

/**
 * Where one notification of the alert was sent when it fired: kept so that
 * updates and the resolve go to the same routing key (PagerDuty drops
 * follow-ups sent with a different key) even if the configuration changed.
 */
export interface Channel {
  notifierId: string;
  typeName: "PAGER_DUTY" | "WEBHOOK";
  url: string;
  routingKey?: string;
  secret?: string;
}

export interface Alert {
  id: string;
  groupId: string;
  alertConfigId: string;
  status: AlertStatus;
  doc: AlertDoc;
  /** Notifications that have fired (open sent) for this alert. */
  channels: Channel[];
  /** notifierIds already handled for the open event (fired, or skipped with an error). */
  fired: string[];
  /** Scheme and host of the API the alert was raised through, for links in notifications. */
  origin: string;
  createdMs: number;
}
