/**
 * Regenerates catalog/atlas.json from specs/atlas-admin-v2-subset.json: the one reading of the Atlas
 * alert-configuration spec that the provider and the sandbox share (catalog/atlas.ts gives it types).
 *
 * Neither the provider nor the sandbox reads the spec at run time, so the parts they need are distilled
 * here into data, in one pass over the spec:
 *
 * 1. `readVariant` interprets each `GroupAlertsConfig` variant once: its event types, matcher fields and
 *    values, its `threshold` (operators, units, integer, default units), the stricter thresholds its own
 *    discriminator maps single event types to (ReplicaSetThreshold: TOO_MANY_ELECTIONS -> GREATER_THAN RAW),
 *    and its discriminated metric thresholds (metricName -> the units of the view it maps to; ajv cannot
 *    resolve these discriminators).
 * 2. Two views are derived from those records:
 *    - per variant (`families`, `eventTypeFamily`, `metricFamilies`), for the sandbox, which validates what
 *      Atlas would store: a variant accepts the union of its own threshold and the thresholds its
 *      discriminator maps to;
 *    - per event type (`eventTypes`, `metricUnits`), for the provider's check: an event type takes the
 *      threshold its variant's discriminator maps it to when mapped, else its variant's, and none when the
 *      variant's event-type enum is a `...NoThreshold` one (NO_PRIMARY, PRIMARY_ELECTED).
 *    Plus the enums the sandbox checks (matcher fields, integration, notification and severity types, alert
 *    value units).
 *
 * catalog/atlas.test.ts runs `generateAtlasCatalog` in-process and fails when catalog/atlas.json and the spec
 * disagree. Run: `npm run gen:catalog [-- --out FILE]` (default: catalog/atlas.json).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AtlasCatalogData, EventTypeInfo, FamilyRule, ThresholdRule, UnitsRule } from "../catalog/atlas";

export const SPEC_FILE = "specs/atlas-admin-v2-subset.json";

type Schema = Record<string, any>;

/** Reads the spec's alert-configuration facts into the catalog's data. */
export function generateAtlasCatalog(spec: Schema): AtlasCatalogData {
  const S: Record<string, Schema> = spec.components.schemas;

  // --- resolving the spec ---------------------------------------------------------------------------------
  const nameOf = (ref: Schema): string => ref.$ref.split("/").pop();
  const res = (x: Schema): Schema => ("$ref" in x ? S[nameOf(x)] : x);
  /** The enum of a schema or of each of its oneOf branches, in spec order, without repeats. */
  const enumOf = (x: Schema): string[] => {
    const out: string[] = [];
    for (const o of res(x).oneOf ?? [res(x)]) for (const e of res(o).enum ?? []) if (!out.includes(e)) out.push(e);
    return out;
  };
  const unitsRule = (unitsSchema: Schema | undefined): UnitsRule & { units: string[] } => {
    const u = unitsSchema ? res(unitsSchema) : {};
    const some = Object.keys(u).length > 0;
    return { units: some ? enumOf(u) : [], unitsDefault: u.default ?? null };
  };
  /** A threshold's own operator and units enums (for a discriminated one: its top-level properties). */
  const thresholdRule = (schema: Schema): MutableThreshold => {
    const p = schema.properties ?? {};
    return { operators: "operator" in p ? enumOf(p.operator) : [], integer: res(p.threshold ?? {}).type === "integer", ...unitsRule(p.units) };
  };
  /** metricName -> units rule, from a discriminated metric-threshold schema (in the mapping's order). */
  const metricRules = (schema: Schema): Record<string, UnitsRule> =>
    Object.fromEntries(Object.entries<string>(schema.discriminator.mapping).map(([metric, ref]) => [metric, unitsRule(res({ $ref: ref }).properties.units)]));
  const isDiscriminated = (schema: Schema) => "discriminator" in schema && "oneOf" in schema;

  // --- one pass: each GroupAlertsConfig variant, interpreted once -------------------------------------------
  const metricFamilies: Record<string, Record<string, UnitsRule>> = {};
  const variants: Variant[] = S.GroupAlertsConfig.oneOf.map((ref: Schema): Variant => {
    const vname = nameOf(ref);
    const v = S[vname];
    const props = v.properties;
    const matcherItems = "matchers" in props ? res(props.matchers.items) : {};
    const mprops = matcherItems.properties ?? {};
    const nonEmpty = (xs: string[]) => (xs.length > 0 ? xs : null);
    const rec: Variant = {
      family: familyOf(vname),
      eventTypes: enumOf(props.eventTypeName),
      // null: any string (the generic AlertMatcher).
      matcherFields: "fieldName" in mprops ? nonEmpty(enumOf(mprops.fieldName)) : null,
      matcherValues: "value" in mprops ? nonEmpty(enumOf(mprops.value)) : null,
      matcherValueRequired: (matcherItems.required ?? []).includes("value"),
      maxMatchers: "matchers" in props ? (props.matchers.maxItems ?? null) : null,
      threshold: null,
      thresholdMetrics: null,
      metricThreshold: null,
      mappedThresholds: {},
      // The spec names the event-type enum of a variant whose events take no threshold `...NoThreshold`
      // (ReplicaSetEventTypeViewForNdsGroupAlertableNoThreshold: NO_PRIMARY, PRIMARY_ELECTED), even where the
      // variant still carries the generic `threshold` property.
      noThreshold: "$ref" in props.eventTypeName && /NoThreshold$/.test(nameOf(props.eventTypeName)),
    };
    if ("threshold" in props) {
      const t = res(props.threshold);
      rec.threshold = thresholdRule(t);
      if (isDiscriminated(t)) {
        metricFamilies[nameOf(props.threshold)] = metricRules(t);
        rec.thresholdMetrics = nameOf(props.threshold);
      }
    }
    for (const [event, mref] of Object.entries<string>(v.discriminator?.mapping ?? {})) {
      const mt = res(res({ $ref: mref }).properties?.threshold ?? {});
      if (mt.properties && Object.keys(mt.properties).length > 0) rec.mappedThresholds[event] = thresholdRule(mt);
    }
    if ("metricThreshold" in props) {
      metricFamilies[nameOf(props.metricThreshold)] = metricRules(res(props.metricThreshold));
      rec.metricThreshold = nameOf(props.metricThreshold);
    }
    return rec;
  });

  // --- the sandbox's view: per variant ------------------------------------------------------------------------
  const families: Record<string, FamilyRule> = {};
  for (const rec of variants) {
    // A discriminated `threshold` is validated per metric (thresholdMetrics), not as a plain threshold.
    let threshold = rec.thresholdMetrics ? null : rec.threshold;
    // Event types the discriminator maps to stricter views: accept their thresholds too.
    for (const t of Object.values(rec.mappedThresholds)) threshold = mergeThreshold(threshold, t);
    const { eventTypes, matcherFields, matcherValues, matcherValueRequired, maxMatchers, thresholdMetrics, metricThreshold } = rec;
    families[rec.family] = { eventTypes, matcherFields, matcherValues, matcherValueRequired, maxMatchers, threshold, thresholdMetrics, metricThreshold };
  }

  const eventFamily: Record<string, string> = {};
  for (const rec of variants) if (rec.family !== "default") for (const e of rec.eventTypes) eventFamily[e] ??= rec.family;
  for (const rec of variants) if (rec.family === "default") for (const e of rec.eventTypes) eventFamily[e] ??= "default";

  // --- the provider's view: per event type ---------------------------------------------------------------------
  const events: Record<string, MutableEventType> = {};
  for (const rec of variants) {
    for (const e of rec.eventTypes) {
      // The variant's discriminator maps e to a precise view (TOO_MANY_ELECTIONS: GREATER_THAN, RAW): that view wins.
      const t = rec.noThreshold ? null : (rec.mappedThresholds[e] ?? rec.threshold);
      let cur: MutableEventType = {
        threshold: !rec.noThreshold && rec.threshold !== null,
        metricThreshold: rec.metricThreshold !== null,
        matcherFields: rec.matcherFields ?? [],
        // null: any string, as soon as one variant listing the event type takes any string.
        matcherValues: rec.matcherValues,
        thresholdUnits: t ? t.units : [],
        thresholdOperators: t ? t.operators : [],
      };
      const prev = events[e];
      if (prev !== undefined) {
        cur = {
          threshold: prev.threshold || cur.threshold,
          metricThreshold: prev.metricThreshold || cur.metricThreshold,
          matcherFields: [...prev.matcherFields, ...cur.matcherFields],
          matcherValues: prev.matcherValues === null || cur.matcherValues === null ? null : [...prev.matcherValues, ...cur.matcherValues],
          thresholdUnits: [...prev.thresholdUnits, ...cur.thresholdUnits],
          thresholdOperators: [...prev.thresholdOperators, ...cur.thresholdOperators],
        };
      }
      events[e] = cur;
    }
  }
  for (const info of Object.values(events)) {
    info.matcherFields = sortedSet(info.matcherFields);
    info.thresholdUnits = sortedSet(info.thresholdUnits);
    info.thresholdOperators = sortedSet(info.thresholdOperators);
    if (info.matcherValues !== null) info.matcherValues = sortedSet(info.matcherValues);
  }

  // Metrics a `metricThreshold` names (a stream processor's `threshold` metrics are not among them).
  const metricUnits: Record<string, string[]> = {};
  for (const rec of variants) {
    if (!rec.metricThreshold) continue;
    for (const [m, rule] of Object.entries(metricFamilies[rec.metricThreshold])) metricUnits[m] = sortedSet([...(metricUnits[m] ?? []), ...rule.units]);
  }

  // --- enums the sandbox checks ----------------------------------------------------------------------------------
  const integration = S.ThirdPartyIntegration;
  return {
    families,
    eventTypeFamily: sortedKeys(eventFamily),
    metricFamilies: Object.fromEntries(
      Object.keys(metricFamilies)
        .sort()
        .map((name) => [name, sortedKeys(metricFamilies[name])]),
    ),
    matcherFieldNames: enumOf(S.MatcherFieldView),
    integrationTypes: integration.properties.type.enum,
    integrationSchemas: Object.fromEntries(Object.entries<string>(integration.discriminator.mapping).map(([k, v]) => [k, nameOf({ $ref: v })])),
    notificationTypes: S.AlertsNotificationRootForGroup.oneOf.flatMap((o: Schema) => enumOf(S[nameOf(o)].properties.typeName)),
    severities: S.EventSeverity.enum,
    metricValueUnits: enumOf(S.HostMetricValue.properties.units),
    eventTypes: sortedKeys(events),
    metricUnits: sortedKeys(metricUnits),
  };
}

/** The file's text: one fact per line, so a spec update shows as a readable diff. */
export function renderAtlasCatalog(data: AtlasCatalogData): string {
  const header = { $comment: `Generated by scripts/gen-atlas-catalog.ts from ${SPEC_FILE}. Do not edit; run npm run gen:catalog.` };
  return `${render({ ...header, ...data }, "")}\n`;
}

/** Spread over lines: the sections, each of their entries, and each variant's and metric family's entries. */
function render(value: unknown, indent: string, at: string[] = []): string {
  const spread = at.length < 2 || (at.length === 2 && (at[0] === "families" || at[0] === "metricFamilies"));
  if (value === null || typeof value !== "object" || Array.isArray(value) || !spread) return JSON.stringify(value);
  const inner = `${indent}  `;
  const lines = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, inner, [...at, k])}`);
  return lines.length === 0 ? "{}" : `{\n${lines.join(",\n")}\n${indent}}`;
}

/** camelCase of a variant's name with a leading acronym lowered: NDSAutoscalingAlertConfigViewForNdsGroup -> ndsAutoscaling. */
export function familyOf(variantName: string): string {
  const base = variantName.replace(/AlertConfigViewForNdsGroup/g, "");
  const m = /^([A-Z]{2,}?)(?=[A-Z][a-z]|\d)/.exec(base) ?? /^([A-Z]{2,})(?=\d)/.exec(base);
  if (m) return m[1].toLowerCase() + base.slice(m[1].length);
  return base[0].toLowerCase() + base.slice(1);
}

type MutableThreshold = ThresholdRule & { operators: string[]; units: string[] };
type MutableEventType = { -readonly [K in keyof EventTypeInfo]: EventTypeInfo[K] } & {
  matcherFields: string[];
  thresholdUnits: string[];
  thresholdOperators: string[];
  matcherValues: string[] | null;
};

interface Variant {
  family: string;
  eventTypes: string[];
  matcherFields: string[] | null;
  matcherValues: string[] | null;
  matcherValueRequired: boolean;
  maxMatchers: number | null;
  /** The variant's `threshold`, read as a plain threshold. */
  threshold: MutableThreshold | null;
  /** Its `threshold` is a discriminated metric threshold: key into metricFamilies. */
  thresholdMetrics: string | null;
  /** Key into metricFamilies. */
  metricThreshold: string | null;
  /** The variant's event types take no threshold (their enum is the spec's `...NoThreshold`): the provider's view only. */
  noThreshold: boolean;
  /** Event type -> the threshold of the view the variant's discriminator maps it to. */
  mappedThresholds: Record<string, MutableThreshold>;
}

function mergeThreshold(a: MutableThreshold | null, b: MutableThreshold): MutableThreshold {
  if (a === null) return b;
  return {
    ...a,
    operators: [...a.operators, ...b.operators.filter((x) => !a.operators.includes(x))],
    integer: a.integer && b.integer,
    units: [...a.units, ...b.units.filter((x) => !a.units.includes(x))],
    unitsDefault: a.unitsDefault || b.unitsDefault,
  };
}

const sortedSet = (xs: readonly string[]): string[] => [...new Set(xs)].sort();
const sortedKeys = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

/** The repository root: the nearest directory above this file with a package.json (works from scripts/ and dist/scripts/). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

export function readSpec(root = repoRoot()): Schema {
  return JSON.parse(fs.readFileSync(path.join(root, SPEC_FILE), "utf8"));
}

function main(argv: string[]): void {
  const root = repoRoot();
  const at = argv.indexOf("--out");
  if (argv.includes("--help") || (at >= 0 && !argv[at + 1])) {
    console.log("usage: npm run gen:catalog [-- --out FILE]   (default: catalog/atlas.json)");
    process.exitCode = argv.includes("--help") ? 0 : 2;
    return;
  }
  const out = at >= 0 ? path.resolve(argv[at + 1]) : path.join(root, "catalog", "atlas.json");
  const data = generateAtlasCatalog(readSpec(root));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderAtlasCatalog(data));
  const counts = `${Object.keys(data.eventTypes).length} event types, ${Object.keys(data.families).length} variants, ${Object.keys(data.metricUnits).length} metrics`;
  console.log(`${counts} -> ${path.relative(process.cwd(), out)}`);
}

if (require.main === module) main(process.argv.slice(2));
