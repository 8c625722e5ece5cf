import type { Region } from "../config";
import type { MATCHER_OPERATORS } from "./schema";
import type { AtlasSeverity as AlertSeverity } from "../../lib/severity";

export type MatcherOperator = (typeof MATCHER_OPERATORS)[number];

export interface Matcher {
  fieldName: string;
  operator: MatcherOperator;
  value: string;
}

/** For event types with a plain limit (elections, oplog window...). The operator is stored as the event type's spec spells it. */
export interface Threshold {
  operator: "<" | ">" | "LESS_THAN" | "GREATER_THAN";
  threshold: number;
  units: string;
}

/** For metric event types (OUTSIDE_METRIC_THRESHOLD...). */
export interface MetricThreshold {
  metricName: string;
  operator: "LESS_THAN" | "GREATER_THAN";
  threshold: number;
  units: string;
  mode: "AVERAGE";
}

export type { AtlasSeverity as AlertSeverity } from "../../lib/severity";

/**
 * `native`: a PAGER_DUTY notification, the project sends to PagerDuty itself.
 * `relay`: a WEBHOOK notification to the relay, which forwards to PagerDuty.
 */
export type Delivery = "native" | "relay";

/** Inputs after `check`, normalized to what the project API stores so refresh shows no false drift. */
export interface RoutingInputs {
  projectId: string;
  /**
   * The integration's `instanceId` (native delivery): the routing references the
   * project's PAGER_DUTY integration by its stable identity (projectId + type),
   * and this changes only when the integration is created anew, so its routings
   * re-point their notifications. Known at preview, unlike `integrationId`.
   */
  integrationInstanceId?: string;
  region: Region;
  eventTypeName: string;
  matchers: Matcher[];
  threshold?: Threshold;
  metricThreshold?: MetricThreshold;
  severity?: AlertSeverity;
  delayMin: number;
  enabled: boolean;
  delivery: Delivery;
  relayUrl?: string;
  relaySecret?: string;
  /** Set by the SDK from the `import` resource option: create adopts that alert configuration. */
  importId?: string;
}

export interface RoutingOutputs extends RoutingInputs {
  alertConfigId: string;
  /** The project API id of the integration the notification references (native delivery; looked up at create and update). */
  integrationId?: string;
  /** The project API's id for our notification: updates reference it instead of repeating credentials. */
  notifierId: string;
}

/** Ids are `<projectId>/<alertConfigId>`, which is also the import id. */
export function routingResourceId(projectId: string, alertConfigId: string): string {
  return `${projectId}/${alertConfigId}`;
}
