import { didYouMean, editDistance, nearest } from "./suggest";
import { EVENT_TYPES, METRIC_UNITS } from "../catalog/atlas";

const eventTypes = Object.keys(EVENT_TYPES);
const metrics = Object.keys(METRIC_UNITS);

describe("editDistance", () => {
  it.each<[string, string, number]>([
    ["", "", 0],
    ["ABC", "ABC", 0],
    ["NO_PRIMRY", "NO_PRIMARY", 1],
    ["NO_PIRMARY", "NO_PRIMARY", 1], // a swap of neighbours counts once
    ["HOURS", "HOUR", 1],
    ["kitten", "sitting", 3],
    ["", "RAW", 3],
  ])("%j -> %j = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("nearest allowed value", () => {
  it.each<[string, string, string | undefined, readonly string[]]>([
    ["event type, one letter missing", "NO_PRIMRY", "NO_PRIMARY", eventTypes],
    ["event type, lower case", "no_primary", "NO_PRIMARY", eventTypes],
    ["event type, letters swapped", "PRIMARY_ELECETD", "PRIMARY_ELECTED", eventTypes],
    ["event type, 3 edits but a third of the value", "PRIMARY", "NO_PRIMARY", eventTypes],
    ["event type, too far", "PRIMARY_LOST", undefined, eventTypes],
    ["event type, nonsense", "DISK_IS_ON_FIRE", undefined, eventTypes],
    ["metric name", "OPLOG_SLAVE_LAG_MASTR_TIME", "OPLOG_SLAVE_LAG_MASTER_TIME", metrics],
    ["metric name, 3 edits", "NORMALIZD_SYSTM_CPU_USR", "NORMALIZED_SYSTEM_CPU_USER", metrics],
    ["metric name, 4 edits", "NORMLIZD_SYSTM_CPU_USR", undefined, metrics],
    ["matcher field", "HOSTNAME_AND_PROT", "HOSTNAME_AND_PORT", ["HOSTNAME_AND_PORT", "REPLICA_SET_NAME", "TYPE_NAME", "CLUSTER_NAME"]],
    ["matcher field, plural", "CLUSTER_NAMES", "CLUSTER_NAME", ["HOSTNAME_AND_PORT", "REPLICA_SET_NAME", "TYPE_NAME", "CLUSTER_NAME"]],
    ["unit", "SECOND", "SECONDS", ["SECONDS", "MINUTES", "HOURS"]],
    ["unit, short value: 1 edit is a third of RAW", "RAX", undefined, ["RAW"]],
    ["unit, short value: a third of HOURS is 1.67", "HOUR", "HOURS", ["RAW", "HOURS"]],
    ["unit, short value: 2 edits of HOURS is too many", "HUR", undefined, ["HOURS"]],
    ["the nearest of two candidates", "MINUTE", "MINUTES", ["MINUTES_XY", "MINUTES"]],
  ])("%s: %j -> %j", (_name, input, expected, allowed) => {
    expect(nearest(input, allowed)).toBe(expected);
  });
});

describe("didYouMean", () => {
  it.each<[unknown, string]>([
    ["NO_PRIMRY", ": did you mean NO_PRIMARY?"],
    ["NOTHING_LIKE_IT", " (see the list)"],
    [42, " (see the list)"],
  ])("%j -> %j", (input, text) => {
    expect(didYouMean(input, eventTypes, " (see the list)")).toBe(text);
  });
});
