/**
 * The parts of the Atlas Administration API v2 bodies this project uses
 * (see specs/atlas-admin-v2-subset.json). Reads are lenient: Atlas
 * adds fields, so every read type keeps an index signature.
 */

import type { Region } from "../../lib/regions";
import type { AtlasSeverity as Severity } from "../../lib/severity";

/** Atlas's PagerDuty integration regions are PagerDuty's (lib/regions.ts). */
export type AtlasPagerDutyRegion = Region;

export interface AtlasLink {
  href?: string;
  rel?: string;
}

export interface AtlasPage<T> {
  links?: AtlasLink[];
  results: T[];
  totalCount?: number;
}

/** Body of POST/PUT /groups/{groupId}/integrations/PAGER_DUTY. */
export interface PagerDutyIntegrationInput {
  type: "PAGER_DUTY";
  /** 32 hexadecimal digits. Reads return it redacted (all but the last 4 characters are `*`). */
  serviceKey: string;
  region?: AtlasPagerDutyRegion;
}

/** Body of POST/PUT /groups/{groupId}/integrations/WEBHOOK. */
export interface WebhookIntegrationInput {
  type: "WEBHOOK";
  url: string;
  secret?: string;
}

export type IntegrationInput = PagerDutyIntegrationInput | WebhookIntegrationInput;
export type IntegrationType = IntegrationInput["type"];

/** An integration as Atlas returns it (secrets redacted). */
export interface Integration {
  id?: string;
  type: string;
  serviceKey?: string;
  region?: AtlasPagerDutyRegion;
  url?: string;
  secret?: string;
  [key: string]: unknown;
}

export type MatcherOperator = "EQUALS" | "CONTAINS" | "STARTS_WITH" | "ENDS_WITH" | "NOT_EQUALS" | "NOT_CONTAINS" | "REGEX";

export interface AlertMatcher {
  fieldName: string;
  operator: MatcherOperator;
  value: string;
}

/** `threshold` of event alerts (for example REPLICATION_OPLOG_WINDOW_RUNNING_OUT). */
export interface AlertThreshold {
  operator?: "LESS_THAN" | "GREATER_THAN";
  threshold?: number;
  units?: string;
}

/** `metricThreshold` of OUTSIDE_METRIC_THRESHOLD alerts. */
export interface MetricThreshold {
  metricName: string;
  operator?: "LESS_THAN" | "GREATER_THAN";
  threshold?: number;
  units?: string;
  mode?: "AVERAGE";
}

export type { AtlasSeverity as Severity } from "../../lib/severity";

/** A PAGER_DUTY notification: a `serviceKey`, or the project integration's `integrationId`, or an existing `notifierId`. */
export interface PagerDutyNotification {
  typeName: "PAGER_DUTY";
  serviceKey?: string;
  integrationId?: string;
  region?: AtlasPagerDutyRegion;
  delayMin?: number;
  notifierId?: string;
}

export interface WebhookNotification {
  typeName: "WEBHOOK";
  webhookUrl?: string;
  webhookSecret?: string;
  integrationId?: string;
  delayMin?: number;
  intervalMin?: number;
  notifierId?: string;
}

export type AlertNotification = PagerDutyNotification | WebhookNotification;

/** Body of POST /alertConfigs and PUT /alertConfigs/{id}. */
export interface AlertConfigInput {
  eventTypeName: string;
  enabled?: boolean;
  matchers?: AlertMatcher[];
  threshold?: AlertThreshold;
  metricThreshold?: MetricThreshold;
  /** 1 to 25. */
  notifications: AlertNotification[];
  severityOverride?: Severity;
}

/** An alert configuration as Atlas returns it. Notifications may be of types this project does not write. */
export interface AlertConfig extends Omit<AlertConfigInput, "notifications"> {
  id: string;
  groupId?: string;
  created?: string;
  updated?: string;
  enabled: boolean;
  notifications: (AlertNotification | ({ typeName: string } & Record<string, unknown>))[];
  links?: AtlasLink[];
  [key: string]: unknown;
}

export type AlertStatus = "TRACKING" | "OPEN" | "CLOSED" | "CANCELLED";

export interface Alert {
  id: string;
  alertConfigId: string;
  groupId?: string;
  eventTypeName: string;
  status: AlertStatus;
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
  currentValue?: { number?: number; units?: string };
  [key: string]: unknown;
}

/** Credentials for the Atlas Administration API: a service account (OAuth client credentials) or an API key (HTTP Digest). The one definition; provider and relay configs produce it. */
export type AtlasAuthConfig = { kind: "serviceAccount"; clientId: string; clientSecret: string } | { kind: "apiKey"; publicKey: string; privateKey: string };
