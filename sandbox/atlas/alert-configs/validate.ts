import { EVENT_TYPE_FAMILY, FAMILIES, SEVERITIES } from "../../../catalog/atlas";
import {
  invalidAttribute,
  metricThresholdPresent,
  missingAttribute,
  missingMetricThreshold,
  missingNotifications,
  thresholdPresent,
  tooManyGroupNotifications,
} from "../error-codes";
import { bodyObject, join, objectAt, onlyKnown, optArray, optBool, optEnum, optString, present, reqEnum, reqString } from "../http/body";
import type { AlertConfigDoc, Matcher, StoredNotification } from "./model";
import { parseNotification, type NotifierLookup } from "./validate-notification";
import { parseMetricThreshold, parseThreshold } from "./validate-threshold";

const OPERATORS = ["EQUALS", "CONTAINS", "STARTS_WITH", "ENDS_WITH", "NOT_EQUALS", "NOT_CONTAINS", "REGEX"];
const EVENT_TYPES = Object.keys(EVENT_TYPE_FAMILY);
/** Read-only attributes a client may echo back from a GET; ignored. */
const READ_ONLY = ["id", "groupId", "created", "updated", "links"];

function parseMatchers(raw: unknown[] | undefined, familyName: string): Matcher[] {
  const family = FAMILIES[familyName];
  const list = raw ?? [];
  if (family.maxMatchers !== null && list.length > family.maxMatchers) {
    throw invalidAttribute("matchers", `at most ${family.maxMatchers} matcher(s) for this event type`);
  }
  return list.map((m, i) => {
    const path = `matchers[${i}]`;
    const o = objectAt(m, path);
    onlyKnown(o, path, ["fieldName", "operator", "value"]);
    const fieldName = family.matcherFields ? reqEnum(o, "fieldName", path, family.matcherFields) : reqString(o, "fieldName", path);
    const operator = reqEnum(o, "operator", path, OPERATORS);
    // HostMatcher: value is a host type for TYPE_NAME; for the other host fields (HOSTNAME...) any string.
    const value = family.matcherValues && fieldName === "TYPE_NAME" ? optEnum(o, "value", path, family.matcherValues) : optString(o, "value", path);
    if (value === undefined && family.matcherValueRequired) throw missingAttribute(join(path, "value"));
    if (operator === "REGEX" && value !== undefined) {
      try {
        new RegExp(value);
      } catch {
        throw invalidAttribute(join(path, "value"), "is not a valid regular expression");
      }
    }
    return value === undefined ? { fieldName, operator } : { fieldName, operator, value };
  });
}

/**
 * Validates a POST/PUT alert configuration against the spec variant its
 * eventTypeName selects and returns it as stored. `enabled` defaults to false.
 */
export function parseAlertConfig(body: unknown, lookup: NotifierLookup): AlertConfigDoc {
  const o = bodyObject(body);
  onlyKnown(o, "", ["eventTypeName", "enabled", "matchers", "threshold", "metricThreshold", "severityOverride", "notifications"], READ_ONLY);
  if (!present(o, "eventTypeName")) throw missingAttribute("eventTypeName");
  const eventTypeName = reqEnum(o, "eventTypeName", "", EVENT_TYPES);
  const familyName = EVENT_TYPE_FAMILY[eventTypeName];
  const family = FAMILIES[familyName];
  const doc: AlertConfigDoc = {
    eventTypeName,
    enabled: optBool(o, "enabled", "") ?? false,
    matchers: parseMatchers(optArray(o, "matchers", ""), familyName),
    notifications: [],
  };

  if (present(o, "threshold")) {
    if (family.threshold) doc.threshold = parseThreshold(o.threshold, "threshold", family.threshold);
    else if (family.thresholdMetrics) doc.threshold = parseMetricThreshold(o.threshold, "threshold", family.thresholdMetrics);
    else throw thresholdPresent(eventTypeName);
  }
  if (present(o, "metricThreshold")) {
    if (!family.metricThreshold) throw metricThresholdPresent(eventTypeName);
    doc.metricThreshold = parseMetricThreshold(o.metricThreshold, "metricThreshold", family.metricThreshold);
  } else if (family.metricThreshold && !(family.thresholdMetrics && doc.threshold)) {
    throw missingMetricThreshold(eventTypeName);
  }
  const severity = optEnum(o, "severityOverride", "", SEVERITIES);
  if (severity !== undefined) doc.severityOverride = severity;

  const notifications = optArray(o, "notifications", "");
  if (!notifications || notifications.length === 0) throw missingNotifications();
  if (notifications.length > 25) throw invalidAttribute("notifications", "at most 25 notifications");
  doc.notifications = notifications.map((n, i) => parseNotification(n, i, lookup));
  if (doc.notifications.filter((n: StoredNotification) => n.typeName === "GROUP").length > 1) throw tooManyGroupNotifications();
  const ids = new Set<string>();
  for (const [i, n] of doc.notifications.entries()) {
    if (ids.has(n.notifierId)) throw invalidAttribute(`notifications[${i}].notifierId`, "is used twice in this configuration");
    ids.add(n.notifierId);
  }
  return doc;
}

/** PATCH (toggle): `{enabled}` only. */
export function parseToggle(body: unknown): boolean {
  const o = bodyObject(body);
  onlyKnown(o, "", ["enabled"]);
  const enabled = optBool(o, "enabled", "");
  if (enabled === undefined) throw missingAttribute("enabled");
  return enabled;
}
