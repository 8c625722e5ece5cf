import type { Integration } from "../store/integrations";
import { redactValue } from "../redact";
import { INTEGRATION_RULES } from "./rules";

/** An integration as every read returns it: `{id, type, ...settings}` with secrets redacted. */
export function integrationView(i: Integration): Record<string, unknown> {
  const fields = INTEGRATION_RULES[i.type]?.fields ?? {};
  const out: Record<string, unknown> = { id: i.id, type: i.type };
  for (const [k, v] of Object.entries(i.settings)) {
    const r = fields[k]?.redact;
    out[k] = r && typeof v === "string" ? redactValue(r, v) : v;
  }
  return out;
}
