import { deepEqual, isUnknown, type NamedDiff } from "../inputs";
import { ROUTING_FIELDS } from "./mapping";
import type { RoutingInputs, RoutingOutputs } from "./types";

/** Fields that differ between state (possibly refreshed) and the program. */
export function changedRoutingFields(olds: RoutingOutputs, news: RoutingInputs): string[] {
  const changed: string[] = ROUTING_FIELDS.filter((f) => isUnknown(news[f]) || !deepEqual(olds[f] ?? undefined, news[f] ?? undefined));
  // Our notification was removed or replaced by hand (state read back without one): put it back.
  if ("notifierId" in olds && !olds.notifierId && !changed.includes("delivery")) changed.push("delivery");
  return changed;
}

/** Another project replaces (an alert configuration belongs to one project); everything else updates in place. */
export function diffRouting(olds: RoutingOutputs, news: RoutingInputs): NamedDiff {
  const changed = changedRoutingFields(olds, news);
  const replaces = changed.includes("projectId") ? ["projectId"] : [];
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: false, diffs: changed };
}
