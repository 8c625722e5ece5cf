import type { Captured } from "./capture-server";
import { SpecValidator } from "../openapi";

let validator: SpecValidator | undefined;

/** Validates a captured Events API request body against the PagerDuty Events v2 spec (a 202 answer assumed). */
export function pagerDutyEventErrors(c: Captured): string[] {
  validator ??= new SpecValidator("pagerduty-events", "/v2");
  return validator.validate({
    service: "pagerduty-events",
    method: c.method,
    path: c.path.replace(/^\/(us|eu)/, ""),
    query: "",
    requestHeaders: c.headers,
    requestBody: c.json,
    status: 202,
    responseHeaders: { "content-type": "application/json" },
    responseBody: { status: "success", message: "Event processed", dedup_key: (c.json as { dedup_key?: string })?.dedup_key },
  });
}
