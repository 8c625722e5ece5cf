import type { FastifyInstance } from "fastify";

/** One request and its response as the sandbox saw them; tests validate these against the specs. */
export interface Exchange {
  service: "atlas" | "pagerduty-events" | "pagerduty-rest" | "sandbox";
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, unknown>;
  responseBody: unknown;
}

export type ExchangeObserver = (exchange: Exchange) => void;

/**
 * Reports every exchange to `observe`. `classify` names the service a path
 * belongs to (sandbox-only paths are not validated against the public specs).
 */
export function observeExchanges(app: FastifyInstance, observe: ExchangeObserver | undefined, classify: (path: string) => Exchange["service"]): void {
  if (!observe) return;
  app.addHook("onSend", async (request, reply, payload) => {
    const [path, query = ""] = request.url.split("?");
    let responseBody: unknown = payload;
    if (typeof payload === "string") {
      try {
        responseBody = payload.length ? JSON.parse(payload) : undefined;
      } catch {
        responseBody = payload;
      }
    }
    observe({
      service: classify(path),
      method: request.method,
      path,
      query,
      requestHeaders: request.headers,
      requestBody: request.body,
      status: reply.statusCode,
      responseHeaders: reply.getHeaders(),
      responseBody,
    });
    return payload;
  });
}
