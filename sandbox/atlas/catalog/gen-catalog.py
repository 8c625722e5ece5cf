#!/usr/bin/env python3
"""Regenerates sandbox/atlas/catalog/spec-catalog.ts from ../shared/specs/atlas-admin-v2-subset.json.

The sandbox validates alert configurations the way the spec describes them, but
must not read ../shared at run time, so the parts it needs (event types per
alert-configuration variant, matcher fields, threshold and metric-threshold
rules, integration and notification types) are distilled here into data.
catalog.test.ts fails when this file and the spec disagree.

Discriminators are resolved the way the spec means them (ajv cannot): a
metricThreshold's units come from the view its metricName maps to, and a
variant whose threshold has a discriminator mapping accepts the union of the
mapped thresholds. Run: python3 sandbox/atlas/catalog/gen-catalog.py
"""
import json, os, re

here = os.path.dirname(os.path.abspath(__file__))
spec_path = os.path.join(here, "..", "..", "..", "..", "shared", "specs", "atlas-admin-v2-subset.json")
spec = json.load(open(spec_path))
S = spec["components"]["schemas"]


def name_of(ref):
    return ref["$ref"].split("/")[-1]


def res(x):
    return S[name_of(x)] if "$ref" in x else x


def enum_of(x):
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


def metric_rules(schema):
    """metricName -> units rule, from a discriminated metric-threshold schema."""
    out = {}
    for metric, ref in sorted(schema["discriminator"]["mapping"].items()):
        view = res({"$ref": ref})
        out[metric] = units_rule(view["properties"].get("units"))
    return out


def plain_threshold(schema):
    p = schema["properties"]
    rule = {"operators": enum_of(p["operator"]) if "operator" in p else [], "integer": res(p.get("threshold", {})).get("type") == "integer"}
    rule.update(units_rule(p.get("units")))
    return rule


def merge_threshold(a, b):
    if a is None:
        return b
    out = dict(a)
    for k in ("operators", "units"):
        out[k] = a[k] + [v for v in b[k] if v not in a[k]]
    out["integer"] = a["integer"] and b["integer"]
    out["unitsDefault"] = a.get("unitsDefault") or b.get("unitsDefault")
    return out


metric_families = {}  # schema name -> {metric: units rule}
families = {}
event_family = {}
default_events = []
for variant in S["GroupAlertsConfig"]["oneOf"]:
    vname = name_of(variant)
    v = S[vname]
    props = v["properties"]
    fam = family_of(vname)
    events = enum_of(props["eventTypeName"])
    matcher_items = res(props["matchers"]["items"]) if "matchers" in props else {}
    mprops = matcher_items.get("properties", {})
    field_schema = res(mprops["fieldName"]) if "fieldName" in mprops else {}
    rule = {
        "eventTypes": events,
        # None: any string (the generic AlertMatcher).
        "matcherFields": enum_of(field_schema) if "enum" in field_schema or "oneOf" in field_schema else None,
        "matcherValues": enum_of(mprops["value"]) if "value" in mprops and "enum" in res(mprops["value"]) else None,
        "matcherValueRequired": "value" in matcher_items.get("required", []),
        "maxMatchers": props["matchers"].get("maxItems") if "matchers" in props else None,
        "threshold": None,
        "thresholdMetrics": None,
        "metricThreshold": None,
    }
    if "threshold" in props:
        t = res(props["threshold"])
        if "discriminator" in t and "oneOf" in t:
            mf = name_of(props["threshold"])
            metric_families[mf] = metric_rules(t)
            rule["thresholdMetrics"] = mf
        else:
            rule["threshold"] = plain_threshold(t)
    # A variant-level discriminator (ReplicaSetThreshold...) maps event types to
    # stricter variants: accept their thresholds too.
    for ev, ref in (v.get("discriminator", {}).get("mapping", {}) or {}).items():
        mapped = res({"$ref": ref})
        if "threshold" in mapped.get("properties", {}):
            rule["threshold"] = merge_threshold(rule["threshold"], plain_threshold(res(mapped["properties"]["threshold"])))
    if "metricThreshold" in props:
        mf = name_of(props["metricThreshold"])
        metric_families[mf] = metric_rules(res(props["metricThreshold"]))
        rule["metricThreshold"] = mf
    families[fam] = rule
    if fam == "default":
        default_events = events
    else:
        for e in events:
            event_family.setdefault(e, fam)
for e in default_events:
    event_family.setdefault(e, "default")

matcher_field_names = enum_of(S["MatcherFieldView"])
integration_types = S["ThirdPartyIntegration"]["properties"]["type"]["enum"]
integration_schemas = {k: name_of({"$ref": v}) for k, v in S["ThirdPartyIntegration"]["discriminator"]["mapping"].items()}
notification_types = []
for o in S["AlertsNotificationRootForGroup"]["oneOf"]:
    notification_types += enum_of(S[name_of(o)]["properties"]["typeName"])
severities = S["EventSeverity"]["enum"]
metric_value_units = enum_of(S["HostMetricValue"]["properties"]["units"])

j = lambda v: json.dumps(v)
out = [
    "// Generated by sandbox/atlas/catalog/gen-catalog.py from ../shared/specs/atlas-admin-v2-subset.json. Do not edit.",
    "/* eslint-disable */",
    "",
    'import type { FamilyRule, UnitsRule } from "./types";',
    "",
    "/** Every alert-configuration variant of `GroupAlertsConfig`, keyed by a short name. */",
    "export const FAMILIES: Readonly<Record<string, FamilyRule>> = {",
]
for fam, rule in families.items():
    out.append(f"  {fam}: {j(rule)},")
out += ["};", "", "/** The most specific variant for each event type (`default` only when no other variant lists it). */",
        "export const EVENT_TYPE_FAMILY: Readonly<Record<string, string>> = {"]
for e in sorted(event_family):
    out.append(f"  {e}: {j(event_family[e])},")
out += ["};", "", "/** Discriminated metric thresholds: schema name -> metricName -> units. */",
        "export const METRIC_FAMILIES: Readonly<Record<string, Readonly<Record<string, UnitsRule>>>> = {"]
for mf, metrics in sorted(metric_families.items()):
    out.append(f"  {mf}: {{")
    for m, r in metrics.items():
        out.append(f"    {m}: {j(r)},")
    out.append("  },")
out += ["};", "",
        f"export const MATCHER_FIELD_NAMES: readonly string[] = {j(matcher_field_names)};",
        f"export const INTEGRATION_TYPES: readonly string[] = {j(integration_types)};",
        f"/** Integration type -> its schema (HIP_CHAT has none: it is listed but no longer configurable). */",
        f"export const INTEGRATION_SCHEMAS: Readonly<Record<string, string>> = {j(integration_schemas)};",
        f"export const NOTIFICATION_TYPES: readonly string[] = {j(notification_types)};",
        f"export const SEVERITIES: readonly string[] = {j(severities)};",
        f"/** `currentValue.units` of an alert (HostMetricValue). */",
        f"export const METRIC_VALUE_UNITS: readonly string[] = {j(metric_value_units)};",
        ""]
open(os.path.join(here, "spec-catalog.ts"), "w").write("\n".join(out))
print(f"{len(event_family)} event types, {len(families)} variants, {sum(len(m) for m in metric_families.values())} metrics")
