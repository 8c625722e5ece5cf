import type { z } from "zod";
import { restErrors } from "./errors";

export type Query = Record<string, string | string[] | undefined>;

/** `statuses[]=a&statuses[]=b` arrives as a string or an array; accept the bracket-less name too. */
export function arrayParam(q: Query, name: string): string[] {
  const v = q[`${name}[]`] ?? q[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x) => x !== "");
}

export function stringParam(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export interface Page {
  limit: number;
  offset: number;
  total: boolean;
}

/** PagerDuty classic pagination: limit (default 25, at most 100), offset, and `total` only on request. */
export function pageParams(q: Query): Page {
  const errors: string[] = [];
  const int = (name: string, dflt: number, min: number): number => {
    const raw = stringParam(q, name);
    if (raw === undefined || raw === "") return dflt;
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < min) {
      errors.push(`${name} must be an integer greater than or equal to ${min}`);
      return dflt;
    }
    return Number(raw);
  };
  const limit = Math.min(int("limit", 25, 1), 100);
  const offset = int("offset", 0, 0);
  const totalRaw = stringParam(q, "total");
  if (totalRaw !== undefined && totalRaw !== "true" && totalRaw !== "false") errors.push("total must be true or false");
  if (errors.length) throw restErrors.invalid(errors);
  return { limit, offset, total: totalRaw === "true" };
}

export function paginate<T>(items: T[], page: Page): { slice: T[]; meta: { limit: number; offset: number; more: boolean; total: number | null } } {
  const slice = items.slice(page.offset, page.offset + page.limit);
  return {
    slice,
    meta: { limit: page.limit, offset: page.offset, more: page.offset + slice.length < items.length, total: page.total ? items.length : null },
  };
}

/** Parses a request body with zod, turning issues into PagerDuty's 400 `errors[]`. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw restErrors.invalid(r.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)));
}
