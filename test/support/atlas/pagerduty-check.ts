import { REGION_NAMES } from "../../../lib/regions";
import type { RecordedRequest } from "../fake-server";
import { SpecValidator } from "../openapi";

let validator: SpecValidator | undefined;
/** The harness serves each region's Events API under /<region> (test/support/atlas/harness.ts). */
const REGION_PREFIX = new RegExp(`^/(${REGION_NAMES.map((r) => r.toLowerCase()).join("|")})(?=/)`);

/** Validates a captured Events API request body against the PagerDuty Events v2 spec (a 202 answer assumed). */
export function pagerDutyEventErrors(c: RecordedRequest): string[] {
  validator ??= new SpecValidator("pagerduty-events", "/v2");
  return validator.validate({
    service: "pagerduty-events",
    method: c.method,
    path: c.path.replace(REGION_PREFIX, ""),
    query: "",
    requestHeaders: c.headers,
    requestBody: c.json,
    status: 202,
    responseHeaders: { "content-type": "application/json" },
    responseBody: { status: "success", message: "Event processed", dedup_key: (c.json as { dedup_key?: string })?.dedup_key },
  });
}
