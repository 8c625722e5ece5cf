/** Units a threshold accepts; `unitsDefault` is the spec's default when the client omits them. */
export interface UnitsRule {
  units: readonly string[];
  unitsDefault?: string | null;
}

/** A plain (non-metric) `threshold`: operator and units enums, integer or double value. */
export interface ThresholdRule extends UnitsRule {
  operators: readonly string[];
  integer: boolean;
}

/** What one `GroupAlertsConfig` variant accepts besides its event types. */
export interface FamilyRule {
  eventTypes: readonly string[];
  /** Allowed `matchers[].fieldName`; null means any string (the generic AlertMatcher). */
  matcherFields: readonly string[] | null;
  /** Allowed `matchers[].value` (HostMatcher); null means any string. */
  matcherValues: readonly string[] | null;
  matcherValueRequired: boolean;
  maxMatchers: number | null;
  threshold: ThresholdRule | null;
  /** The variant's `threshold` is itself a discriminated metric threshold (stream processors). */
  thresholdMetrics: string | null;
  /** Key into METRIC_FAMILIES when the variant takes `metricThreshold`. */
  metricThreshold: string | null;
}
