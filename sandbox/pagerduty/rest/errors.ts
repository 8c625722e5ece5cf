/**
 * REST API error bodies: `{error: {message, code, errors?}}`. Codes follow
 * PagerDuty's error-code table (2001 invalid input, 2006 authentication,
 * 2020 rate limit, 2100 not found); the 401 message wording is unverified.
 */
export interface RestErrorBody {
  error: { message: string; code: number; errors?: string[] };
}

export class RestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: RestErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error.message);
  }
}

export const restErrors = {
  invalid: (errors: string[]) => new RestError(400, { error: { message: "Invalid Input Provided", code: 2001, errors } }),
  unauthorized: () => new RestError(401, { error: { message: "Unauthorized", code: 2006 } }),
  notFound: () => new RestError(404, { error: { message: "Not Found", code: 2100 } }),
  rateLimited: (headers: Record<string, string>) => new RestError(429, { error: { message: "Rate Limit Exceeded", code: 2020 } }, headers),
  server: (status = 500) => new RestError(status, { error: { message: "Internal Server Error", code: 5000 } }),
};
