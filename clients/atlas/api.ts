import type { ErrorBodyInfo, Headers, UpstreamApi } from "../http/client";
import { nonBlank } from "../http/client";

/** Atlas errors: `X-Error-Code` and `{error, errorCode, detail, reason}`; the OAuth token endpoint's `{error, error_description}`. */
export function parseAtlasError(body: unknown, headers: Headers): ErrorBodyInfo {
  const out: ErrorBodyInfo = {};
  const headerCode = headers["x-error-code"];
  if (headerCode) out.upstreamCode = String(headerCode);
  if (!body || typeof body !== "object" || Array.isArray(body)) return out;
  const b = body as Record<string, any>;
  if (typeof b.errorCode === "string") {
    out.upstreamCode = b.errorCode;
    out.detail = nonBlank(b.detail) ?? nonBlank(b.reason);
  } else if (typeof b.error === "string") {
    out.upstreamCode = b.error;
    out.detail = nonBlank(b.error_description) ?? b.error;
  }
  return out;
}

/** How the HTTP client names and explains Atlas Administration API failures. */
export const ATLAS_API: UpstreamApi = {
  service: "atlas",
  label: "Atlas Administration API",
  parseError: parseAtlasError,
  hints: {
    UNAUTHORIZED: "Check the Atlas credentials (service account client id and secret, or API public and private key).",
    FORBIDDEN:
      "The credentials lack a role on this project (Project Owner is needed for integrations and alert settings), or the caller's IP address is not on the API access list.",
    CONFLICT: "It already exists: import or update it instead of creating it.",
  },
};
