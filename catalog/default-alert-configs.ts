// The alert configurations a new Atlas project starts with ("default alert settings"), as recorded
// when a real project was created (issue 12), in that order. One copy: the sandbox seeds new projects
// with it, and the provider recognises a project's defaults by it (Atlas marks none as default).

/** Project owners by e-mail, every 60 minutes: the notification of every recorded default. */
const group = () => ({ typeName: "GROUP", roles: ["GROUP_OWNER"], emailEnabled: true, smsEnabled: false, delayMin: 0, intervalMin: 60 });
const metric = (metricName: string, operator: string, threshold: number, units: string, enabled = true) => ({
  eventTypeName: "OUTSIDE_METRIC_THRESHOLD",
  enabled,
  metricThreshold: { metricName, operator, threshold, units, mode: "AVERAGE" },
  notifications: [group()],
});

/**
 * Event types, thresholds and enabled flags are recorded; the GROUP notification's roles, interval
 * and delay are the documented defaults the recording did not detail. Written as API request bodies.
 */
export const DEFAULT_ALERT_CONFIGS: ReadonlyArray<Readonly<Record<string, unknown>>> = [
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

/** What identifies a default: its event type, and its metric for metric alerts. */
function identity(c: AlertConfigLike): string {
  const metric = (c.metricThreshold as { metricName?: unknown } | null | undefined)?.metricName;
  return `${String(c.eventTypeName)}/${c.eventTypeName === "OUTSIDE_METRIC_THRESHOLD" ? String(metric) : ""}`;
}

/** An alert configuration as the project API returns it (or a request body): only these fields are looked at. */
export type AlertConfigLike = { eventTypeName?: unknown; metricThreshold?: unknown; matchers?: unknown } & Record<string, unknown>;

const DEFAULT_IDENTITIES = new Set(DEFAULT_ALERT_CONFIGS.map((c) => identity(c)));

/**
 * Whether an alert configuration read from a project is one of its defaults: the event type (and
 * metric) of a recorded default, with no matchers. Thresholds, `enabled` and notifications may
 * have been edited since (teams tune the defaults and add notifications to them); a configuration
 * scoped by matchers to some clusters is someone's own.
 */
export function isDefaultAlertConfig(c: AlertConfigLike): boolean {
  const unscoped = !Array.isArray(c.matchers) || c.matchers.length === 0;
  return unscoped && DEFAULT_IDENTITIES.has(identity(c));
}
