/**
 * What `GET /api/atlas/v2/alertConfigs/matchers/fieldNames` answers on real
 * Atlas (recorded traffic, issue 12): the host matcher field names, in this
 * order; `ATLAS_NODE_TYPE` appeared in April 2026. The spec's MatcherFieldView
 * enum (catalog/atlas.ts MATCHER_FIELD_NAMES) lists more; the per-event-type
 * matcher rules that validate configurations still come from the catalog.
 */
export const SERVED_MATCHER_FIELD_NAMES: readonly string[] = [
  "ATLAS_NODE_TYPE",
  "CLUSTER_NAME",
  "HOSTNAME",
  "PORT",
  "HOSTNAME_AND_PORT",
  "APPLICATION_ID",
  "REPLICA_SET_NAME",
  "TYPE_NAME",
  "SHARD_NAME",
];
