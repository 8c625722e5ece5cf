import { METRIC_VALUE_UNITS } from "../../../catalog/atlas";
import { invalidAttribute } from "../error-codes";
import { join, objectAt, onlyKnown, optNumber, optString, present, type Obj } from "../http/body";
import type { AlertFields } from "../lifecycle/engine";

const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;

/** The monitored-thing fields of a sandbox open/update body, checked against the alert schemas. */
export function parseAlertFields(o: Obj): AlertFields {
  const f: AlertFields = {};
  const clusterName = optString(o, "clusterName", "");
  if (clusterName !== undefined) {
    if (!CLUSTER_NAME.test(clusterName)) throw invalidAttribute("clusterName", "letters, digits and hyphens, starting with a letter or digit");
    f.clusterName = clusterName;
  }
  for (const k of ["hostnameAndPort", "replicaSetName", "metricName"] as const) {
    const v = optString(o, k, "");
    if (v !== undefined) f[k] = v;
  }
  if (present(o, "currentValue")) {
    const cv = objectAt(o.currentValue, "currentValue");
    onlyKnown(cv, "currentValue", ["number", "units"]);
    const number = optNumber(cv, "number", "currentValue", false);
    if (number === undefined) throw invalidAttribute(join("currentValue", "number"), "is required");
    const units = optString(cv, "units", "currentValue");
    // HostMetricValue lists display units ("count", "msec"...); the metric-threshold codes (RAW...) are accepted too.
    if (units !== undefined && !METRIC_VALUE_UNITS.includes(units) && !/^[A-Z_]+$/.test(units)) {
      throw invalidAttribute(join("currentValue", "units"), "is not a unit the specification lists");
    }
    f.currentValue = units === undefined ? { number } : { number, units };
  }
  return f;
}
