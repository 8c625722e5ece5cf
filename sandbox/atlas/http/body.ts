import { attributeNegative, invalidAttribute, invalidEnumValue, invalidJson, invalidJsonAttribute, missingAttribute } from "../error-codes";

/*
 * Small typed readers over a parsed JSON body. Each throws the Atlas error a
 * client would get for that field (first problem wins, like Atlas), naming the
 * field path in `parameters` and `badRequestDetail`.
 */

export type Obj = Record<string, unknown>;

export const join = (prefix: string, key: string | number) => (typeof key === "number" ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key);

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The request body as an object, or 400 INVALID_JSON. */
export function bodyObject(body: unknown): Obj {
  if (!isObj(body)) throw invalidJson(body === undefined ? "A request body is required." : "Received JSON does not match expected format.");
  return body;
}

export function objectAt(v: unknown, path: string): Obj {
  if (!isObj(v)) throw invalidJsonAttribute(path, "an object");
  return v;
}

/**
 * Unknown attributes are rejected (INVALID_ATTRIBUTE) like Atlas does;
 * `ignored` lists read-only ones clients may echo back from a GET.
 */
export function onlyKnown(o: Obj, path: string, allowed: readonly string[], ignored: readonly string[] = []): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k) && !ignored.includes(k)) throw invalidAttribute(join(path, k));
  }
}

export function present(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

export function optString(o: Obj, key: string, path: string): string | undefined {
  if (!present(o, key)) return undefined;
  const v = o[key];
  if (typeof v !== "string") throw invalidJsonAttribute(join(path, key), "a string");
  return v;
}

export function reqString(o: Obj, key: string, path: string): string {
  const v = optString(o, key, path);
  if (v === undefined || v === "") throw missingAttribute(join(path, key));
  return v;
}

export function optBool(o: Obj, key: string, path: string): boolean | undefined {
  if (!present(o, key)) return undefined;
  if (typeof o[key] !== "boolean") throw invalidJsonAttribute(join(path, key), "true or false");
  return o[key] as boolean;
}

export function optNumber(o: Obj, key: string, path: string, integer: boolean): number | undefined {
  if (!present(o, key)) return undefined;
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw invalidJsonAttribute(join(path, key), integer ? "an integer" : "a number");
  }
  if (integer && (v > 2 ** 31 - 1 || v < -(2 ** 31))) throw invalidJsonAttribute(join(path, key), "a 32-bit integer");
  return v;
}

export function optNonNegativeInt(o: Obj, key: string, path: string): number | undefined {
  const v = optNumber(o, key, path, true);
  if (v !== undefined && v < 0) throw attributeNegative(join(path, key));
  return v;
}

export function optEnum(o: Obj, key: string, path: string, allowed: readonly string[]): string | undefined {
  const v = optString(o, key, path);
  if (v === undefined) return undefined;
  if (!allowed.includes(v)) throw invalidEnumValue(v, join(path, key), allowed);
  return v;
}

export function reqEnum(o: Obj, key: string, path: string, allowed: readonly string[]): string {
  const v = optEnum(o, key, path, allowed);
  if (v === undefined) throw missingAttribute(join(path, key));
  return v;
}

export function optArray(o: Obj, key: string, path: string): unknown[] | undefined {
  if (!present(o, key)) return undefined;
  if (!Array.isArray(o[key])) throw invalidJsonAttribute(join(path, key), "an array");
  return o[key] as unknown[];
}
