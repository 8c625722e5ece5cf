import { isDefaultAlertConfig } from "../../catalog/default-alert-configs";
import type { LiveConfig } from "./merge";
import type { NotificationInputs } from "./schema";

/** Whether the program's selection takes this configuration (explicit ids, or the selector's criteria, all of them). */
export function selects(inputs: Pick<NotificationInputs, "alertConfigIds" | "selector">, c: LiveConfig): boolean {
  if (inputs.alertConfigIds) return inputs.alertConfigIds.includes(c.id);
  const s = inputs.selector;
  if (!s) return false;
  if (s.all) return true;
  if (s.eventTypeNames && !s.eventTypeNames.includes(String(c.eventTypeName))) return false;
  if (s.defaults && !isDefaultAlertConfig(c)) return false;
  return Boolean(s.eventTypeNames || s.defaults);
}

/** The ids the selection resolves to, in the project's order. */
export function resolve(inputs: Pick<NotificationInputs, "alertConfigIds" | "selector">, configs: readonly LiveConfig[]): string[] {
  return configs.filter((c) => selects(inputs, c)).map((c) => c.id);
}

/** Explicit ids the project does not have (deleted, or a typo). */
export function missingIds(inputs: Pick<NotificationInputs, "alertConfigIds">, configs: readonly LiveConfig[]): string[] {
  return (inputs.alertConfigIds ?? []).filter((id) => !configs.some((c) => c.id === id));
}
