import { invalidAttribute, invalidEnumValue, invalidJsonAttribute, missingAttribute } from "../error-codes";
import { bodyObject, onlyKnown, present, type Obj } from "../http/body";
import { INTEGRATION_RULES } from "./rules";

/**
 * Validates a POST/PUT body for integration `type` and returns the settings to
 * store. `type` in the body is optional but must match the URL; `id` is
 * read-only and ignored (clients echo a GET back).
 */
export function parseIntegration(type: string, body: unknown): Record<string, unknown> {
  const rule = INTEGRATION_RULES[type];
  if (!rule) throw invalidEnumValue(type, "integrationType", Object.keys(INTEGRATION_RULES));
  const o: Obj = bodyObject(body);
  onlyKnown(o, "", ["type", ...Object.keys(rule.fields)], ["id"]);
  if (present(o, "type") && o.type !== type) {
    throw invalidAttribute("type", `the body says ${JSON.stringify(o.type)} but the URL says ${type}`);
  }
  const settings: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(rule.fields)) {
    const v = o[name];
    if (v === undefined || v === null || v === "") {
      if (rule.required.includes(name)) throw missingAttribute(name);
      if (f.default !== undefined) settings[name] = f.default;
      continue;
    }
    if (f.type === "boolean") {
      if (typeof v !== "boolean") throw invalidJsonAttribute(name, "true or false");
      settings[name] = v;
      continue;
    }
    if (typeof v !== "string") throw invalidJsonAttribute(name, "a string");
    if (f.enum && !f.enum.includes(v)) throw invalidEnumValue(v, name, f.enum);
    if (f.minLength !== undefined && v.length < f.minLength) throw invalidAttribute(name, `must be at least ${f.minLength} characters`);
    if (f.maxLength !== undefined && v.length > f.maxLength) throw invalidAttribute(name, `must be at most ${f.maxLength} characters`);
    const why = f.check?.(v);
    if (why) throw invalidAttribute(name, why);
    settings[name] = v;
  }
  return settings;
}
