import { transaction } from "../../lib/sqlite";
import { seedDefaultAlertConfigs } from "./alert-configs/defaults";
import type { AtlasContext } from "./deps";
import type { AlertConfigStore } from "./store/alert-configs";
import type { Group, GroupStore } from "./store/groups";

/**
 * Creates a project unless it exists. A new one gets Atlas's default alert
 * configurations (unless `ctx.defaultAlertConfigs` is off), in the same
 * transaction, so a crash never leaves a project half-seeded.
 */
export function ensureProject(
  ctx: AtlasContext,
  stores: { groups: GroupStore; alertConfigs: AlertConfigStore },
  id: string,
  name: string | undefined,
): { group: Group; created: boolean } {
  return transaction(ctx.db, () => {
    const now = ctx.clock.now();
    const res = stores.groups.ensure(id, name, now);
    if (res.created && ctx.defaultAlertConfigs) seedDefaultAlertConfigs(stores.alertConfigs, id, now);
    return res;
  });
}
