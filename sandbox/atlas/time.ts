/** Atlas writes timestamps as ISO 8601 UTC without milliseconds (`2026-01-01T00:00:00Z`). */
export function atlasTime(d: Date | number): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Parses an ISO 8601 date-time with an explicit zone; undefined when it is not one. */
export function parseDateTime(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
