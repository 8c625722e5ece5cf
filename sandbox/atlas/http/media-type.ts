import type { FastifyRequest } from "fastify";
import { invalidVersion, unsupportedMediaType } from "../error-codes";

/** Every operation of the subset offers 2023-01-01; a route lists more in `config.versions`. */
export const DEFAULT_VERSIONS: readonly string[] = ["2023-01-01"];

const ATLAS_TYPE = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/i;

export const mediaType = (version: string) => `application/vnd.atlas.${version}+json`;

/** The version of one `application/vnd.atlas.<date>+json` media type (parameters ignored). */
export function versionOf(contentType: string | undefined): string | undefined {
  const base = (contentType ?? "").split(";")[0].trim();
  return ATLAS_TYPE.exec(base)?.[1];
}

/**
 * The version to answer with: the first Atlas media range in Accept that the
 * operation offers. Atlas has no fallback for `*\/*`, `application/json` or an
 * unknown date: all are 406 INVALID_VERSION_DATE.
 */
export function negotiateVersion(accept: string | undefined, offered: readonly string[]): string {
  for (const range of (accept ?? "").split(",")) {
    const v = versionOf(range);
    if (v && offered.includes(v)) return v;
  }
  throw invalidVersion();
}

/** True when the request carries a body (fastify parses only then). */
export function hasBody(request: FastifyRequest): boolean {
  const len = request.headers["content-length"];
  if (len !== undefined) return Number(len) > 0;
  return request.headers["transfer-encoding"] !== undefined;
}

/** A body must be sent as one of the operation's versioned media types. Returns the body's version. */
export function checkContentType(request: FastifyRequest, offered: readonly string[]): string | undefined {
  if (!hasBody(request)) return undefined;
  const got = String(request.headers["content-type"] ?? "");
  const v = versionOf(got);
  if (!v || !offered.includes(v)) throw unsupportedMediaType(got, offered.map(mediaType));
  return v;
}
