import type { FastifyRequest } from "fastify";
import { boolParam, intParam, type Query } from "./query";

/** A link of the `links` arrays (RFC 5988 relation + absolute URL). */
export interface Link {
  href: string;
  rel: string;
}

export interface PageParams {
  pageNum: number;
  itemsPerPage: number;
  includeCount: boolean;
}

/** Paging parameters as the spec defines them: itemsPerPage 1..500 (100), pageNum >= 1, includeCount (true). */
export function parsePaging(query: Query): PageParams {
  return {
    itemsPerPage: intParam(query, "itemsPerPage", 100, 1, 500),
    pageNum: intParam(query, "pageNum", 1, 1, 2 ** 31 - 1),
    includeCount: boolParam(query, "includeCount", true),
  };
}

/** Scheme and host the client used, so links point back at this sandbox. */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? "127.0.0.1"}`;
}

/** The absolute URL of this request's path with some query parameters replaced. */
export function hrefWith(request: FastifyRequest, overrides: Record<string, string | number>): string {
  const [path, qs = ""] = request.url.split("?");
  const params = new URLSearchParams(qs);
  for (const [k, v] of Object.entries(overrides)) params.set(k, String(v));
  const q = params.toString();
  return `${originOf(request)}${path}${q ? `?${q}` : ""}`;
}

export function selfLink(href: string): Link[] {
  return [{ href, rel: "self" }];
}

/**
 * The paged envelope `{links, results, totalCount}` for one page of `items`:
 * `self` always, `previous`/`next` when those pages exist, `totalCount` unless
 * includeCount=false. Clients page until there is no `next`.
 */
export function page<T, R>(request: FastifyRequest, items: readonly T[], p: PageParams, render: (item: T) => R) {
  const start = (p.pageNum - 1) * p.itemsPerPage;
  const slice = items.slice(start, start + p.itemsPerPage);
  const links: Link[] = [{ href: hrefWith(request, { pageNum: p.pageNum, itemsPerPage: p.itemsPerPage }), rel: "self" }];
  if (p.pageNum > 1) links.push({ href: hrefWith(request, { pageNum: p.pageNum - 1, itemsPerPage: p.itemsPerPage }), rel: "previous" });
  if (start + p.itemsPerPage < items.length) links.push({ href: hrefWith(request, { pageNum: p.pageNum + 1, itemsPerPage: p.itemsPerPage }), rel: "next" });
  const body: { links: Link[]; results: R[]; totalCount?: number } = { links, results: slice.map(render) };
  if (p.includeCount) body.totalCount = items.length;
  return body;
}
