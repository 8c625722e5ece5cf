import type { AlertConfigStore } from "../store/alert-configs";
import { newObjectId } from "../ids";
import { atlasTime } from "../time";
import type { AlertConfig } from "./model";
import { parseAlertConfig } from "./validate";

/** Project owners by e-mail, every 60 minutes: the notification of every recorded default. */
const group = () => ({ typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false, delayMin: 0, intervalMin: 60 });
const metric = (metricName: string, operator: string, threshold: number, units: string, enabled = true) => ({
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  enabled,
  metricThreshold: { metricName, operator, threshold, units, mode: "AVERAGE" },
  notifications: [group()],
});

/**
 * Atlas's "default alert settings": what a new real project already has
 * (recorded at project creation, issue 12; all with GROUP notifications).
 * Event types, thresholds and enabled flags are recorded; the GROUP
 * notification's roles, interval and delay are the documented defaults the
 * recording did not detail (sandbox choice). Written as API request bodies so
 * they pass the same validation as anything a user creates.
 */
export const DEFAULT_ALERT_CONFIGS: readonly object[] = [
  {
    eventTypeName: "REPLICATION_OPLOG_WINDOW_RUNNING_OUT",
    enabled: true,
    threshold: { operator: "LESS_THAN", threshold: 1, units: "HOURS" },
    notifications: [group()],
  },
  { eventTypeName: "NO_PRIMARY", enabled: true, notifications: [group()] },
  { eventTypeName: "CLUSTER_MONGOS_IS_MISSING", enabled: true, notifications: [group()] },
  metric("CONNECTIONS_PERCENT", "GREATER_THAN", 80, "RAW"),
  metric("DISK_PARTITION_SPACE_USED_DATA", "GREATER_THAN", 90, "RAW"),
  metric("NORMALIZED_SYSTEM_CPU_USER", "GREATER_THAN", 95, "RAW"),
  metric("NORMALIZED_SYSTEM_CPU_STEAL", "GREATER_THAN", 50, "RAW", false),
  metric("NETWORK_BYTES_IN", "GREATER_THAN", 0, "BYTES", false),
  metric("QUERY_TARGETING_SCANNED_OBJECTS_PER_RETURNED", "GREATER_THAN", 1000, "RAW"),
  { eventTypeName: "CREDIT_CARD_ABOUT_TO_EXPIRE", enabled: true, notifications: [group()] },
  { eventTypeName: "HOST_HAS_INDEX_SUGGESTIONS", enabled: true, notifications: [group()] },
  { eventTypeName: "JOINED_GROUP", enabled: true, notifications: [group()] },
  { eventTypeName: "USERS_WITHOUT_MULTI_FACTOR_AUTH", enabled: true, notifications: [group()] },
];

const noLookup = { byNotifierId: () => undefined, integrationById: () => undefined, integrationOfType: () => undefined };

/** Gives a project created just now the default alert configurations, in the order above. */
export function seedDefaultAlertConfigs(store: AlertConfigStore, groupId: string, now: Date): AlertConfig[] {
  const at = atlasTime(now);
  return DEFAULT_ALERT_CONFIGS.map((body) => {
    const c: AlertConfig = { id: newObjectId(), groupId, created: at, updated: at, doc: parseAlertConfig(body, noLookup) };
    store.insert(c);
    return c;
  });
}
