import { invalidQueryParameter } from "../error-codes";

export type Query = Record<string, string | string[] | undefined>;

/** The single value of a query parameter (the last one when repeated). */
export function single(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function boolParam(query: Query, name: string, dflt: boolean): boolean {
  const v = single(query, name);
  if (v === undefined) return dflt;
  if (v === "true") return true;
  if (v === "false") return false;
  throw invalidQueryParameter(name, "must be true or false");
}

export function intParam(query: Query, name: string, dflt: number, min: number, max: number): number {
  const v = single(query, name);
  if (v === undefined) return dflt;
  if (!/^-?\d+$/.test(v)) throw invalidQueryParameter(name, "must be an integer");
  const n = Number(v);
  if (n < min || n > max) throw invalidQueryParameter(name, `must be between ${min} and ${max}`);
  return n;
}
