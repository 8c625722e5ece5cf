/** REST resources carry second-precision UTC timestamps (`2015-10-06T21:30:42Z`), as PagerDuty returns them. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Webhook `occurred_at` keeps milliseconds (`2021-06-04T13:35:29.781Z`). */
export function isoMillis(d: Date): string {
  return d.toISOString();
}
