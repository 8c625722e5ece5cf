import { DEFAULT_ALERT_CONFIGS } from "../../../catalog/default-alert-configs";
import type { AlertConfigStore } from "../store/alert-configs";
import { newObjectId } from "../ids";
import { atlasTime } from "../time";
import type { AlertConfig } from "./model";
import { parseAlertConfig } from "./validate";

const noLookup = { byNotifierId: () => undefined, integrationById: () => undefined, integrationOfType: () => undefined };

/**
 * Gives a project created just now Atlas's default alert configurations (the recorded set in
 * catalog/default-alert-configs.ts, in its order), through the same validation as anything a user creates.
 */
export function seedDefaultAlertConfigs(store: AlertConfigStore, groupId: string, now: Date): AlertConfig[] {
  const at = atlasTime(now);
  return DEFAULT_ALERT_CONFIGS.map((body) => {
    const c: AlertConfig = { id: newObjectId(), groupId, created: at, updated: at, doc: parseAlertConfig(body, noLookup) };
    store.insert(c);
    return c;
  });
}
