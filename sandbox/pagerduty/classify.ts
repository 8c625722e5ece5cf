import type { Exchange } from "../http/exchange";

export type RouteKind = "events" | "rest" | "sandbox";

/** Which surface a path belongs to: decides error bodies, faults, auth and the exchange's spec. */
export function routeKind(path: string): RouteKind {
  const p = path.split("?")[0];
  if (p === "/v2" || p.startsWith("/v2/")) return "events";
  if (p === "/" || p === "/favicon.ico" || p === "/sandbox" || p.startsWith("/sandbox/")) return "sandbox";
  return "rest";
}

export function classifyExchange(path: string): Exchange["service"] {
  const kind = routeKind(path);
  return kind === "events" ? "pagerduty-events" : kind === "rest" ? "pagerduty-rest" : "sandbox";
}
