import { deepEqual, isUnknown, type NamedDiff } from "../inputs";
import { sameRedactedUrl } from "../routing/mapping";
import type { NotificationInputs, NotificationOutputs } from "./schema";

/** The arguments diff compares with state. */
export const NOTIFICATION_FIELDS = [
  "projectId",
  "alertConfigIds",
  "selector",
  "integrationInstanceId",
  "region",
  "delayMin",
  "delivery",
  "relayUrl",
  "relaySecret",
] as const satisfies ReadonlyArray<keyof NotificationInputs>;

/** Arguments that choose the configurations. */
const SELECTION_FIELDS = ["projectId", "alertConfigIds", "selector"] as const;

/** Arguments whose change rewrites our notification everywhere (its target or delay). */
export const TARGET_FIELDS = ["integrationInstanceId", "region", "delayMin", "delivery", "relayUrl", "relaySecret"] as const;

/**
 * What state (as last written, or as `refresh` read it) says is out of step with the program,
 * though no argument changed: a matched configuration without our notification (it newly
 * matches, or ours was removed by hand), ours on a configuration that left the selection, ours
 * changed by hand, or a configuration named by id that is gone. What a changed argument already
 * explains (a new selection, a new delay or target) is not named twice.
 */
export function unreconciled(olds: NotificationOutputs, news: NotificationInputs, changed: readonly string[] = []): string[] {
  const matched = olds.matched ?? [];
  const attachments = olds.attachments ?? [];
  const out = new Set<string>();
  if (!changed.some((f) => SELECTION_FIELDS.includes(f as never))) {
    const covered = new Set([...attachments.map((a) => a.alertConfigId), ...(olds.skipped ?? []).map((s) => s.alertConfigId)]);
    if (matched.some((id) => !covered.has(id)) || attachments.some((a) => !matched.includes(a.alertConfigId))) out.add("attachments");
    if (news.alertConfigIds?.some((id) => !matched.includes(id))) out.add("matched");
  }
  if (!changed.some((f) => TARGET_FIELDS.includes(f as never))) {
    const wrongTarget = (target: string) => (news.delivery === "relay" ? !sameRedactedUrl(news.relayUrl, target) : target !== olds.integrationId);
    if (attachments.some((a) => a.delayMin !== news.delayMin || wrongTarget(a.target))) out.add("attachments");
  }
  return [...out];
}

export function changedNotificationFields(olds: NotificationOutputs, news: NotificationInputs): string[] {
  const changed: string[] = NOTIFICATION_FIELDS.filter((f) => isUnknown(news[f]) || !deepEqual(olds[f] ?? undefined, news[f] ?? undefined));
  return [...changed, ...unreconciled(olds, news, changed)];
}

/** Another project replaces; everything else (selection, target, delay, repairs) updates in place. */
export function diffNotification(olds: NotificationOutputs, news: NotificationInputs): NamedDiff {
  const changed = changedNotificationFields(olds, news);
  return { changes: changed.length > 0, replaces: changed.includes("projectId") ? ["projectId"] : [], deleteBeforeReplace: false, diffs: changed };
}
