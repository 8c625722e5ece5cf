#!/usr/bin/env python3
"""Regenerates catalog/atlas.ts from specs/atlas-admin-v2-subset.json:
the one reading of the Atlas alert-configuration spec that the provider and the
sandbox share.

Neither the provider nor the sandbox reads ../shared at run time, so the parts
they need are distilled here into data, in one pass over the spec:

1. `read_variant` interprets each `GroupAlertsConfig` variant once: its event
   types, matcher fields and values, its `threshold` (operators, units, integer,
   default units), the stricter thresholds its own discriminator maps single
   event types to (ReplicaSetThreshold: TOO_MANY_ELECTIONS -> GREATER_THAN RAW),
   and its discriminated metric thresholds (metricName -> the units of the view
   it maps to; ajv cannot resolve these discriminators).
2. Two views are derived from those records, both written to catalog/atlas.ts:
   - per variant (`FAMILIES`, `EVENT_TYPE_FAMILY`, `METRIC_FAMILIES`), for the
     sandbox, which validates what Atlas would store: a variant accepts the
     union of its own threshold and the thresholds its discriminator maps to;
   - per event type (`EVENT_TYPES`, `METRIC_UNITS`), for the provider's check:
     an event type takes the threshold its variant's discriminator maps it to
     when mapped, else its variant's. provider/ code is serialized by value into
     every resource's state, and Pulumi's serializer captures only the exports
     a module's code reads: the provider imports these two tables by name only.
   Plus the enums the sandbox checks (matcher fields, integration,
   notification and severity types, alert value units).

catalog/atlas.test.ts fails when catalog/atlas.ts and the spec disagree.
Run: python3 scripts/gen-atlas-catalog.py [--out FILE]  (default: catalog/atlas.ts)
"""
import argparse, json, os, re

ap = argparse.ArgumentParser(description="Regenerate catalog/atlas.ts from the Atlas spec.")
ap.add_argument("--out", help="the file to write (default: catalog/atlas.ts)")
args = ap.parse_args()

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
SPEC = "specs/atlas-admin-v2-subset.json"
spec = json.load(open(os.path.join(repo, *SPEC.split("/"))))
S = spec["components"]["schemas"]


# --- resolving the spec --------------------------------------------------------

def name_of(ref):
    return ref["$ref"].split("/")[-1]


def res(x):
    return S[name_of(x)] if "$ref" in x else x


def enum_of(x):
    """The enum of a schema or of each of its oneOf branches, in spec order, without repeats."""
    x = res(x)
    out = []
    for o in x.get("oneOf", [x]):
        for e in res(o).get("enum", []):
            if e not in out:
                out.append(e)
    return out


def family_of(variant_name):
    base = variant_name.replace("AlertConfigViewForNdsGroup", "")
    # camelCase with a leading acronym lowered: NDSAutoscaling -> ndsAutoscaling.
    m = re.match(r"^([A-Z]{2,}?)(?=[A-Z][a-z]|\d)", base) or re.match(r"^([A-Z]{2,})(?=\d)", base)
    if m:
        return m.group(1).lower() + base[len(m.group(1)):]
    return base[0].lower() + base[1:]


def units_rule(units_schema):
    u = res(units_schema) if units_schema else {}
    return {"units": enum_of(u) if u else [], "unitsDefault": u.get("default")}


def threshold_rule(schema):
    """A threshold's own operator and units enums (for a discriminated one: its top-level properties)."""
    p = schema.get("properties", {})
    rule = {"operators": enum_of(p["operator"]) if "operator" in p else [], "integer": res(p.get("threshold", {})).get("type") == "integer"}
    rule.update(units_rule(p.get("units")))
    return rule


def metric_rules(schema):
    """metricName -> units rule, from a discriminated metric-threshold schema (in the mapping's order)."""
    return {metric: units_rule(res({"$ref": ref})["properties"].get("units")) for metric, ref in schema["discriminator"]["mapping"].items()}


def is_discriminated(schema):
    return "discriminator" in schema and "oneOf" in schema


# --- one pass: each GroupAlertsConfig variant, interpreted once -----------------

metric_families = {}  # schema name -> {metricName: units rule}


def read_variant(ref):
    vname = name_of(ref)
    v = S[vname]
    props = v["properties"]
    matcher_items = res(props["matchers"]["items"]) if "matchers" in props else {}
    mprops = matcher_items.get("properties", {})
    rec = {
        "family": family_of(vname),
        "eventTypes": enum_of(props["eventTypeName"]),
        # None: any string (the generic AlertMatcher).
        "matcherFields": (enum_of(mprops["fieldName"]) or None) if "fieldName" in mprops else None,
        "matcherValues": (enum_of(mprops["value"]) or None) if "value" in mprops else None,
        "matcherValueRequired": "value" in matcher_items.get("required", []),
        "maxMatchers": props["matchers"].get("maxItems") if "matchers" in props else None,
        "threshold": None,  # the variant's `threshold`, read as a plain threshold
        "thresholdMetrics": None,  # its `threshold` is a discriminated metric threshold: key into metric_families
        "metricThreshold": None,  # key into metric_families
        "mappedThresholds": {},  # event type -> the threshold of the view the variant's discriminator maps it to
    }
    if "threshold" in props:
        t = res(props["threshold"])
        rec["threshold"] = threshold_rule(t)
        if is_discriminated(t):
            metric_families[name_of(props["threshold"])] = metric_rules(t)
            rec["thresholdMetrics"] = name_of(props["threshold"])
    for event, mref in ((v.get("discriminator") or {}).get("mapping") or {}).items():
        mt = res(res({"$ref": mref}).get("properties", {}).get("threshold", {}))
        if mt.get("properties"):
            rec["mappedThresholds"][event] = threshold_rule(mt)
    if "metricThreshold" in props:
        metric_families[name_of(props["metricThreshold"])] = metric_rules(res(props["metricThreshold"]))
        rec["metricThreshold"] = name_of(props["metricThreshold"])
    return rec


variants = [read_variant(ref) for ref in S["GroupAlertsConfig"]["oneOf"]]


# --- the sandbox's view: per variant ---------------------------------------------

def merge_threshold(a, b):
    if a is None:
        return b
    out = dict(a)
    for k in ("operators", "units"):
        out[k] = a[k] + [x for x in b[k] if x not in a[k]]
    out["integer"] = a["integer"] and b["integer"]
    out["unitsDefault"] = a.get("unitsDefault") or b.get("unitsDefault")
    return out


families = {}
for rec in variants:
    # A discriminated `threshold` is validated per metric (thresholdMetrics), not as a plain threshold.
    threshold = None if rec["thresholdMetrics"] else rec["threshold"]
    # Event types the discriminator maps to stricter views: accept their thresholds too.
    for t in rec["mappedThresholds"].values():
        threshold = merge_threshold(threshold, t)
    families[rec["family"]] = {k: rec[k] for k in ("eventTypes", "matcherFields", "matcherValues", "matcherValueRequired", "maxMatchers")}
    families[rec["family"]].update({"threshold": threshold, "thresholdMetrics": rec["thresholdMetrics"], "metricThreshold": rec["metricThreshold"]})

event_family = {}
for rec in variants:
    if rec["family"] != "default":
        for e in rec["eventTypes"]:
            event_family.setdefault(e, rec["family"])
for rec in variants:
    if rec["family"] == "default":
        for e in rec["eventTypes"]:
            event_family.setdefault(e, "default")


# --- the provider's view: per event type -----------------------------------------

def event_threshold(rec, e):
    """(units, operators) of a `threshold` for event type e of variant rec."""
    if e in rec["mappedThresholds"]:
        # The variant's discriminator maps e to a precise view (TOO_MANY_ELECTIONS: GREATER_THAN, RAW): that view wins.
        return rec["mappedThresholds"][e]["units"], rec["mappedThresholds"][e]["operators"]
    return (rec["threshold"]["units"], rec["threshold"]["operators"]) if rec["threshold"] else ([], [])


events = {}
for rec in variants:
    for e in rec["eventTypes"]:
        units, operators = event_threshold(rec, e)
        prev = events.get(e)
        cur = {"threshold": rec["threshold"] is not None,
               "metricThreshold": rec["metricThreshold"] is not None,
               "matcherFields": rec["matcherFields"] or [],
               # None: any string, as soon as one variant listing the event type takes any string.
               "matcherValues": rec["matcherValues"],
               "thresholdUnits": units,
               "thresholdOperators": operators}
        if prev is not None:
            cur = {"threshold": prev["threshold"] or cur["threshold"],
                   "metricThreshold": prev["metricThreshold"] or cur["metricThreshold"],
                   "matcherFields": prev["matcherFields"] + cur["matcherFields"],
                   "matcherValues": None if prev["matcherValues"] is None or cur["matcherValues"] is None else prev["matcherValues"] + cur["matcherValues"],
                   "thresholdUnits": prev["thresholdUnits"] + cur["thresholdUnits"],
                   "thresholdOperators": prev["thresholdOperators"] + cur["thresholdOperators"]}
        events[e] = cur
for info in events.values():
    for k in ("matcherFields", "thresholdUnits", "thresholdOperators"):
        info[k] = sorted(set(info[k]))
    if info["matcherValues"] is not None:
        info["matcherValues"] = sorted(set(info["matcherValues"]))

# Metrics a `metricThreshold` names (a stream processor's `threshold` metrics are not among them).
metric_units = {}
for rec in variants:
    if rec["metricThreshold"]:
        for m, rule in metric_families[rec["metricThreshold"]].items():
            metric_units[m] = sorted(set(metric_units.get(m, [])) | set(rule["units"]))


# --- enums the sandbox checks ------------------------------------------------------

matcher_field_names = enum_of(S["MatcherFieldView"])
integration_types = S["ThirdPartyIntegration"]["properties"]["type"]["enum"]
integration_schemas = {k: name_of({"$ref": v}) for k, v in S["ThirdPartyIntegration"]["discriminator"]["mapping"].items()}
notification_types = []
for o in S["AlertsNotificationRootForGroup"]["oneOf"]:
    notification_types += enum_of(S[name_of(o)]["properties"]["typeName"])
severities = S["EventSeverity"]["enum"]
metric_value_units = enum_of(S["HostMetricValue"]["properties"]["units"])


# --- writing -------------------------------------------------------------------------

j = json.dumps
HEADER = f"// Generated by scripts/gen-atlas-catalog.py from {SPEC}. Do not edit."

atlas = [
    HEADER,
    "// The Atlas alert-configuration facts: per variant for the sandbox (FAMILIES...), per event type for the",
    "// provider's check (EVENT_TYPES, METRIC_UNITS, at the end). See scripts/gen-atlas-catalog.py.",
    "",
    "/** Units a threshold accepts; `unitsDefault` is the spec's default when the client omits them. */",
    "export interface UnitsRule {",
    "  units: readonly string[];",
    "  unitsDefault?: string | null;",
    "}",
    "",
    "/** A plain (non-metric) `threshold`: operator and units enums, integer or double value. */",
    "export interface ThresholdRule extends UnitsRule {",
    "  operators: readonly string[];",
    "  integer: boolean;",
    "}",
    "",
    "/** What one `GroupAlertsConfig` variant accepts besides its event types. */",
    "export interface FamilyRule {",
    "  eventTypes: readonly string[];",
    "  /** Allowed `matchers[].fieldName`; null means any string (the generic AlertMatcher). */",
    "  matcherFields: readonly string[] | null;",
    "  /** Allowed `matchers[].value` (HostMatcher); null means any string. */",
    "  matcherValues: readonly string[] | null;",
    "  matcherValueRequired: boolean;",
    "  maxMatchers: number | null;",
    "  /** The variant's plain `threshold`, together with the thresholds its discriminator maps event types to. */",
    "  threshold: ThresholdRule | null;",
    "  /** The variant's `threshold` is itself a discriminated metric threshold (stream processors): key into METRIC_FAMILIES. */",
    "  thresholdMetrics: string | null;",
    "  /** Key into METRIC_FAMILIES when the variant takes `metricThreshold`. */",
    "  metricThreshold: string | null;",
    "}",
    "",
    "/** Every alert-configuration variant of `GroupAlertsConfig`, keyed by a short name. */",
    "export const FAMILIES: Readonly<Record<string, FamilyRule>> = {",
]
atlas += [f"  {fam}: {j(rule)}," for fam, rule in families.items()]
atlas += ["};", "", "/** The most specific variant for each event type (`default` only when no other variant lists it). */",
          "export const EVENT_TYPE_FAMILY: Readonly<Record<string, string>> = {"]
atlas += [f"  {e}: {j(event_family[e])}," for e in sorted(event_family)]
atlas += ["};", "", "/** Discriminated metric thresholds: schema name -> metricName -> units. */",
          "export const METRIC_FAMILIES: Readonly<Record<string, Readonly<Record<string, UnitsRule>>>> = {"]
for mf, metrics in sorted(metric_families.items()):
    atlas.append(f"  {mf}: {{")
    atlas += [f"    {m}: {j(r)}," for m, r in sorted(metrics.items())]
    atlas.append("  },")
atlas += ["};", "",
          f"export const MATCHER_FIELD_NAMES: readonly string[] = {j(matcher_field_names)};",
          f"export const INTEGRATION_TYPES: readonly string[] = {j(integration_types)};",
          "/** Integration type -> its schema (HIP_CHAT has none: it is listed but no longer configurable). */",
          f"export const INTEGRATION_SCHEMAS: Readonly<Record<string, string>> = {j(integration_schemas)};",
          f"export const NOTIFICATION_TYPES: readonly string[] = {j(notification_types)};",
          f"export const SEVERITIES: readonly string[] = {j(severities)};",
          "/** `currentValue.units` of an alert (HostMetricValue). */",
          f"export const METRIC_VALUE_UNITS: readonly string[] = {j(metric_value_units)};"]

atlas += [
    "",
    "// The per-event-type view, for the provider's check. provider/ code is serialized by value into every",
    "// resource's state: it calls providerCatalog(), so the serializer captures one JSON string.",
    "",
    "export interface EventTypeInfo {",
    "  threshold: boolean;",
    "  metricThreshold: boolean;",
    "  matcherFields: readonly string[];",
    "  /** The values a matcher may take, or null for any string. */",
    "  matcherValues: readonly string[] | null;",
    "  /**",
    "   * Units a `threshold` of this event type takes: the view its variant's discriminator maps it to, if any, else",
    "   * its variant's.",
    "   */",
    "  thresholdUnits: readonly string[];",
    "  /** How a `threshold` of this event type spells its operator (`<`/`>` or LESS_THAN/GREATER_THAN). */",
    "  thresholdOperators: readonly string[];",
    "}",
    "",
    "/**",
    " * The provider's view (every alert event type a project alert configuration accepts; each metric a",
    " * `metricThreshold` accepts, with its units) as one JSON string: provider/ code is serialized by value",
    " * into every resource's state, and one string is far smaller there than the same tables as objects.",
    " */",
    "export const PROVIDER_CATALOG_JSON = " + json.dumps(json.dumps({"eventTypes": {e: events[e] for e in sorted(events)}, "metricUnits": {m: metric_units[m] for m in sorted(metric_units)}}, separators=(",", ":"))) + ";",
    "",
    "/** Parses the provider's view; call it where the tables are needed (the provider's check). */",
    "export function providerCatalog(): { EVENT_TYPES: Readonly<Record<string, EventTypeInfo>>; METRIC_UNITS: Readonly<Record<string, readonly string[]>> } {",
    "  const parsed = JSON.parse(PROVIDER_CATALOG_JSON);",
    "  return { EVENT_TYPES: parsed.eventTypes, METRIC_UNITS: parsed.metricUnits };",
    "}",
    "",
    "/** The same tables, parsed once, for the sandbox and tests. */",
    "export const { EVENT_TYPES, METRIC_UNITS } = providerCatalog();",
]

out = args.out or os.path.join(repo, "catalog", "atlas.ts")
os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
with open(out, "w") as f:
    f.write("\n".join(atlas) + "\n")
print(f"{len(events)} event types, {len(families)} variants, {len(metric_units)} metrics -> {os.path.relpath(out)}")
