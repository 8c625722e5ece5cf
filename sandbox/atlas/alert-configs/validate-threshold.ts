import { METRIC_FAMILIES, type ThresholdRule } from "../../../catalog/atlas";
import { invalidMetricName, missingAttribute } from "../error-codes";
import { join, objectAt, onlyKnown, optEnum, optNumber, reqString } from "../http/body";

/**
 * A discriminated metric threshold (`metricThreshold`, or a stream processor's
 * `threshold`): the metricName picks the view, and the view's units enum is
 * the one that applies. The spec's top-level units enum (display labels such
 * as "msec") contradicts every view (MILLISECONDS...); the views win because
 * they are what Atlas returns.
 */
export function parseMetricThreshold(raw: unknown, path: string, metricFamily: string): Record<string, unknown> {
  const o = objectAt(raw, path);
  onlyKnown(o, path, ["metricName", "operator", "threshold", "units", "mode"]);
  const metricName = reqString(o, "metricName", path);
  const metric = METRIC_FAMILIES[metricFamily]?.[metricName];
  if (!metric) throw invalidMetricName(metricName, join(path, "metricName"));
  const operator = optEnum(o, "operator", path, ["LESS_THAN", "GREATER_THAN"]);
  if (operator === undefined) throw missingAttribute(join(path, "operator"));
  const threshold = optNumber(o, "threshold", path, false);
  if (threshold === undefined) throw missingAttribute(join(path, "threshold"));
  const units = optEnum(o, "units", path, metric.units) ?? metric.unitsDefault ?? undefined;
  const mode = optEnum(o, "mode", path, ["AVERAGE"]) ?? "AVERAGE";
  const out: Record<string, unknown> = { metricName, operator, threshold, mode };
  if (units !== undefined) out.units = units;
  return out;
}

/**
 * A plain `threshold`: operator, integer or double value, units, each from
 * the union of what the variant's schema (and its discriminator mapping)
 * lists, so that both the spec's `<`/`>` and the real `LESS_THAN`/`GREATER_THAN`
 * pass where the spec lists both.
 */
export function parseThreshold(raw: unknown, path: string, rule: ThresholdRule): Record<string, unknown> {
  const o = objectAt(raw, path);
  onlyKnown(o, path, ["operator", "threshold", "units"]);
  const operator = optEnum(o, "operator", path, rule.operators);
  if (operator === undefined) throw missingAttribute(join(path, "operator"));
  const threshold = optNumber(o, "threshold", path, rule.integer);
  if (threshold === undefined) throw missingAttribute(join(path, "threshold"));
  const units = optEnum(o, "units", path, rule.units) ?? rule.unitsDefault ?? undefined;
  const out: Record<string, unknown> = { operator, threshold };
  if (units !== undefined) out.units = units;
  return out;
}
