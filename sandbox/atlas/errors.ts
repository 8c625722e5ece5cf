import type { FastifyReply } from "fastify";

/** One entry of `badRequestDetail.fields` (FieldViolation in the spec). */
export interface FieldViolation {
  field: string;
  description: string;
}

/** The ApiError schema: every Atlas error body. */
export interface ApiErrorBody {
  error: number;
  errorCode: string;
  detail: string;
  reason: string;
  parameters: unknown[];
  badRequestDetail?: { fields: FieldViolation[] };
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

/**
 * An error the API answers with an Atlas body. Thrown anywhere below a route;
 * the app's error handler turns it into the response.
 */
export class AtlasError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    /** Atlas fills `parameters` with the values quoted in `detail` (strings). */
    readonly parameters: unknown[] = [],
    readonly fields?: FieldViolation[],
    /** Extra response headers (WWW-Authenticate, Retry-After...). */
    readonly headers: Record<string, string | number> = {},
  ) {
    super(detail);
    this.name = "AtlasError";
  }

  body(): ApiErrorBody {
    const body: ApiErrorBody = {
      detail: this.detail,
      error: this.status,
      errorCode: this.errorCode,
      parameters: this.parameters,
      reason: REASONS[this.status] ?? "Error",
    };
    if (this.fields?.length) body.badRequestDetail = { fields: this.fields };
    return body;
  }
}

/** Sends an Atlas error: `application/json` (never the versioned type) plus `X-Error-Code`. */
export function sendAtlasError(reply: FastifyReply, err: AtlasError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return reply.code(err.status).header("content-type", "application/json").header("x-error-code", err.errorCode).send(JSON.stringify(err.body()));
}
