import type { Exchange } from "../../sandbox/http/exchange";
import { SpecValidator } from "./openapi";

/*
 * Conformance of recorded Atlas exchanges: the shared SpecValidator, plus
 * narrow corrections for places where the spec cannot be right (each listed
 * below and reported to the integrator). Everything else is validated as is.
 *
 * 1. ApiError.parameters declares `items: {type: object}`; Atlas fills it with
 *    the quoted values as strings. Strings are accepted, nothing else.
 * 2. Error statuses Atlas returns on every operation but the spec documents
 *    only on some (406 INVALID_VERSION_DATE is documented nowhere; 415, 413,
 *    and 400 on operations without a badRequest response; 404 for unknown
 *    paths): the body must still be an ApiError with `X-Error-Code` and
 *    `application/json`.
 * 3. createGroupAlertConfig: Atlas answers 201, the spec documents 200; the
 *    201 body is validated against the 200 schema.
 * 4. metricThreshold schemas (HostMetricThreshold...) are `oneOf` many views
 *    that differ only by the discriminator mapping, which ajv cannot use, and
 *    their top-level `units` enum (display labels) contradicts every view's
 *    (MILLISECONDS...). A metricThreshold is validated against the view its
 *    metricName maps to, then removed before the rest is validated.
 *    Likewise ReplicaSetThresholdAlertConfigViewForNdsGroup maps
 *    REPLICATION_OPLOG_WINDOW_RUNNING_OUT / TOO_MANY_ELECTIONS (discriminator
 *    on eventTypeName) to variants whose threshold is LESS_THAN/HOURS or
 *    GREATER_THAN/RAW, while the unmapped schema says `<`/`>` and display
 *    units: such a threshold is validated against the mapped variant's.
 * 5. MatcherFieldView is `type: object` with `oneOf` string enums (overlapping):
 *    the fieldNames response is checked to be listed strings.
 * 6. acknowledgeGroupAlert 2023-01-01 takes the whole AlertView as request
 *    schema, whose `required` are read-only fields a client does not send;
 *    that request body is validated against AcknowledgeAlert's fields instead.
 * 7. StreamProcessorAlertViewForNdsGroup.eventTypeName references the HOST
 *    event types (copy-paste in the spec), so every host alert (HOST_DOWN...)
 *    matches two `oneOf` branches. Alerts with a host event type are
 *    validated against HostAlertViewForNdsGroup alone.
 * 8. HostMatcher.value is the host-type enum (PRIMARY...) for every
 *    fieldName, which only makes sense for TYPE_NAME; for HOSTNAME, PORT...
 *    the value is checked to be a string.
 *
 * 9. DefaultAlertConfigViewForNdsGroup declares `eventTypeName` as
 *    `{type: object}` with `oneOf` string enums, so the event types listed
 *    only there (CREDIT_CARD_ABOUT_TO_EXPIRE, JOINED_GROUP,
 *    USERS_WITHOUT_MULTI_FACTOR_AUTH... which a new real project has among its
 *    default alert configurations) can never validate. Such a configuration is
 *    validated against that variant with `eventTypeName` as a string from its
 *    enums, then left out of the rest of the validation.
 *
 * Not corrected (tests avoid them): the "default" alert variant
 * (DefaultAlertViewForNdsGroup) has the same `{type: object}` eventTypeName.
 */

let shared: { v: SpecValidator; ajv: any; compiled: Map<string, any> } | undefined;

function tools() {
  if (!shared) {
    const v = new SpecValidator("atlas");
    const Ajv = require("ajv").default;
    const addFormats = require("ajv-formats").default;
    const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false });
    addFormats(ajv);
    ajv.addKeyword({ keyword: "x-xgen-version" });
    ajv.addSchema(v.spec, "atlas-spec");
    shared = { v, ajv, compiled: new Map() };
  }
  return shared;
}

function schemaErrors(name: string, value: unknown, where: string): string[] {
  const t = tools();
  let fn = t.compiled.get(name);
  if (!fn) {
    fn = t.ajv.compile({ $ref: `atlas-spec#/components/schemas/${name}` });
    t.compiled.set(name, fn);
  }
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e: any) => `${where}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const clone = <T>(x: T): T => (x === undefined ? x : JSON.parse(JSON.stringify(x)));
const isObj = (x: unknown): x is Record<string, any> => typeof x === "object" && x !== null && !Array.isArray(x);

/** The alert-config variant (not the broken default one) listing this event type, and its metricThreshold schema. */
function metricSchemaFor(eventTypeName: string): any {
  const s = tools().v.spec.components.schemas;
  const res = (x: any) => (x.$ref ? s[x.$ref.split("/").pop()] : x);
  const enumOf = (x: any): string[] => (res(x).oneOf ?? [res(x)]).flatMap((o: any) => res(o).enum ?? []);
  for (const b of s.GroupAlertsConfig.oneOf) {
    const variant = res(b);
    if (variant.properties.metricThreshold && enumOf(variant.properties.eventTypeName).includes(eventTypeName)) return res(variant.properties.metricThreshold);
  }
  return undefined;
}

/** The variant-level discriminator target of an event type (ReplicaSetThreshold...), if any. */
function mappedVariantFor(eventTypeName: string): any {
  const s = tools().v.spec.components.schemas;
  for (const b of s.GroupAlertsConfig.oneOf) {
    const variant = s[b.$ref.split("/").pop()];
    const ref = variant.discriminator?.mapping?.[eventTypeName];
    if (ref) return s[ref.split("/").pop()];
  }
  return undefined;
}

/** Corrections 4 and 8, applied to one alert configuration (mutates the copy). */
function checkAlertConfig(cfg: unknown, where: string): string[] {
  if (!isObj(cfg)) return [];
  const errors: string[] = [];
  const mapped = mappedVariantFor(String(cfg.eventTypeName));
  if (mapped && cfg.threshold !== undefined) {
    const ref = mapped.properties.threshold?.$ref;
    errors.push(...(ref ? schemaErrors(ref.split("/").pop(), cfg.threshold, `${where}.threshold`) : [`${where}: unexpected threshold`]));
    delete cfg.threshold;
  }
  for (const [i, m] of (Array.isArray(cfg.matchers) ? cfg.matchers : []).entries()) {
    if (isObj(m) && m.fieldName !== "TYPE_NAME" && ["HOSTNAME", "PORT", "HOSTNAME_AND_PORT", "REPLICA_SET_NAME", "ATLAS_NODE_TYPE"].includes(m.fieldName)) {
      if (typeof m.value !== "string") errors.push(`${where}.matchers[${i}].value must be a string`);
      delete m.value;
    }
  }
  return [...errors, ...checkMetricThreshold(cfg, where)];
}

/** Correction 4 (mutates the copy). */
function checkMetricThreshold(cfg: Record<string, any>, where: string): string[] {
  if (cfg.metricThreshold === undefined) return [];
  const mt = cfg.metricThreshold;
  delete cfg.metricThreshold;
  const schema = metricSchemaFor(String(cfg.eventTypeName));
  if (!schema) return [`${where}: metricThreshold on ${cfg.eventTypeName}, whose variants take none`];
  const ref = schema.discriminator?.mapping?.[mt?.metricName];
  if (!ref) return [`${where}: metricName ${mt?.metricName} is not in the discriminator mapping`];
  return schemaErrors(ref.split("/").pop(), mt, `${where}.metricThreshold`);
}

/** Event types only the default variant lists (correction 9), and that variant with a string eventTypeName. */
function defaultVariant(): { only: Set<string>; schema: string } {
  const t = tools();
  const s = t.v.spec.components.schemas;
  const res = (x: any) => (x.$ref ? s[x.$ref.split("/").pop()] : x);
  const enumOf = (x: any): string[] => (res(x).oneOf ?? [res(x)]).flatMap((o: any) => res(o).enum ?? []);
  const name = "DefaultAlertConfigViewForNdsGroup";
  const others = new Set<string>();
  for (const b of s.GroupAlertsConfig.oneOf) if (!b.$ref.endsWith(`/${name}`)) for (const e of enumOf(res(b).properties.eventTypeName)) others.add(e);
  const listed: string[] = enumOf(s[name].properties.eventTypeName);
  const key = "correction9:DefaultAlertConfigViewForNdsGroup";
  if (!t.compiled.has(key)) {
    const patched = JSON.parse(JSON.stringify(s[name]).replaceAll('"$ref":"#/', '"$ref":"atlas-spec#/'));
    patched.properties.eventTypeName = { type: "string", enum: listed };
    t.compiled.set(key, t.ajv.compile(patched));
  }
  return { only: new Set(listed.filter((e) => !others.has(e))), schema: key };
}

function defaultVariantErrors(cfg: Record<string, any>, where: string): string[] {
  const fn = tools().compiled.get(defaultVariant().schema);
  if (fn(cfg)) return [];
  return (fn.errors ?? []).map((e: any) => `${where}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

const onlyDefault = (cfg: unknown): cfg is Record<string, any> => isObj(cfg) && defaultVariant().only.has(String(cfg.eventTypeName));

/** Corrections 4, 8 and 9 on a body holding one configuration or a page of them; returns the body left to validate. */
function checkConfigs(body: unknown, where: string, errors: string[]): unknown {
  if (isObj(body) && Array.isArray(body.results)) {
    body.results = body.results.filter((c: unknown, i: number) => {
      if (!onlyDefault(c)) {
        errors.push(...checkAlertConfig(c, `${where}.results[${i}]`));
        return true;
      }
      errors.push(...defaultVariantErrors(c, `${where}.results[${i}]`));
      return false;
    });
    return body;
  }
  if (onlyDefault(body)) {
    errors.push(...defaultVariantErrors(body, where));
    return undefined;
  }
  errors.push(...checkAlertConfig(body, where));
  return body;
}

function checkApiError(ex: Exchange, where: string): string[] {
  const errors: string[] = [];
  const body = clone(ex.responseBody) as any;
  if (!String(ex.responseHeaders["content-type"] ?? "").startsWith("application/json"))
    errors.push(`${where}: error content-type ${ex.responseHeaders["content-type"]}`);
  if (!isObj(body)) return [...errors, `${where}: error body is not an object`];
  if (ex.responseHeaders["x-error-code"] !== body.errorCode) errors.push(`${where}: X-Error-Code ${ex.responseHeaders["x-error-code"]} != ${body.errorCode}`);
  if (body.error !== ex.status) errors.push(`${where}: body.error ${body.error} != ${ex.status}`);
  if (Array.isArray(body.parameters)) {
    if (body.parameters.some((p: unknown) => typeof p !== "string" && !isObj(p))) errors.push(`${where}: parameters must be strings or objects`);
    body.parameters = []; // correction 1
  }
  return [...errors, ...schemaErrors("ApiError", body, `${where} error`)];
}

const ALERT_OPS = ["getGroupAlert", "acknowledgeGroupAlert", "listGroupAlerts", "getGroupAlertConfigAlerts"];

/** Correction 7: host alerts checked against the host view, then taken out of the copy. */
function checkHostAlerts(copy: Exchange, where: string): string[] {
  const s = tools().v.spec.components.schemas;
  const hostTypes: string[] = s.HostEventTypeViewForNdsGroupAlertable.enum;
  const isHost = (a: unknown) => isObj(a) && hostTypes.includes(a.eventTypeName);
  const body = copy.responseBody as any;
  if (isObj(body) && Array.isArray(body.results)) {
    const errors = body.results.flatMap((a: unknown, i: number) => (isHost(a) ? schemaErrors("HostAlertViewForNdsGroup", a, `${where}.results[${i}]`) : []));
    body.results = body.results.filter((a: unknown) => !isHost(a));
    return errors;
  }
  if (isHost(body)) {
    copy.responseBody = undefined;
    return schemaErrors("HostAlertViewForNdsGroup", body, where);
  }
  return [];
}

/** Validation errors of one Atlas exchange, corrections applied. */
export function atlasExchangeErrors(ex: Exchange): string[] {
  const { v } = tools();
  const where = `${ex.method} ${ex.path} -> ${ex.status}`;
  const op = v.find(ex.method, ex.path);
  const copy: Exchange = { ...ex, requestBody: clone(ex.requestBody), responseBody: clone(ex.responseBody) };
  const errors: string[] = [];
  if (ex.status >= 400) {
    errors.push(...checkApiError(ex, where));
    if (!op?.op.responses?.[String(ex.status)]) return errors; // correction 2
    if (isObj(copy.responseBody)) copy.responseBody.parameters = [];
  }
  if (!op) return [...errors, `${where}: no such operation in the spec`];
  const opId = op.op.operationId;
  if (opId === "createGroupAlertConfig" && ex.status === 201) copy.status = 200; // correction 3
  if (["createGroupAlertConfig", "updateGroupAlertConfig"].includes(opId) && ex.status < 400)
    copy.requestBody = checkConfigs(copy.requestBody, `${where} request`, errors);
  if (/AlertConfig/.test(opId) && opId !== "getGroupAlertConfigAlerts" && ex.status < 300)
    copy.responseBody = checkConfigs(copy.responseBody, `${where} response`, errors);
  if (ALERT_OPS.includes(opId) && ex.status < 300) errors.push(...checkHostAlerts(copy, `${where} response`));
  if (opId === "listAlertConfigMatcherFieldNames" && ex.status === 200) {
    // correction 5
    const names = Object.values<any>(v.spec.components.schemas.MatcherFieldView.oneOf).flatMap((o: any) => o.enum);
    if (!Array.isArray(copy.responseBody) || copy.responseBody.some((n: unknown) => !names.includes(n)))
      errors.push(`${where}: field names must be listed strings`);
    copy.responseBody = [];
  }
  if (opId === "acknowledgeGroupAlert" && String(ex.requestHeaders["content-type"] ?? "").includes("2023-01-01") && ex.status < 400) {
    // correction 6
    const { acknowledgedUntil, acknowledgementComment } = (copy.requestBody ?? {}) as Record<string, unknown>;
    errors.push(...schemaErrors("AcknowledgeAlert", JSON.parse(JSON.stringify({ acknowledgedUntil, acknowledgementComment })), `${where} request`));
    copy.requestBody = undefined;
  }
  return [...errors, ...v.validate(copy)];
}
