import { deepEqual, isUnknown, matchesRedacted, type NamedDiff } from "../inputs";
import type { IntegrationInputs, IntegrationOutputs } from "./types";

/**
 * What changed between the state (`olds`, possibly refreshed) and the program.
 * Another project replaces the resource, deleting first (a project has one
 * PAGER_DUTY integration); key, service and region update in place. Pending
 * clean-up is a change, so preview shows it and up retries it.
 */
export function diffIntegration(olds: IntegrationOutputs, news: IntegrationInputs): NamedDiff {
  const changed: string[] = [];
  if (olds.projectId !== news.projectId) changed.push("projectId");
  if (olds.region !== news.region) changed.push("region");
  if (keyChanged(olds, news) || adoptsKey(olds, news)) changed.push("integrationKey");
  if ((olds.pagerdutyServiceId ?? undefined) !== (news.pagerdutyServiceId ?? undefined)) changed.push("pagerdutyServiceId");
  if (!deepEqual(olds.initialAlert, news.initialAlert)) changed.push("initialAlert");
  // Clean-up a previous up could not finish (PagerDuty unreachable...): the next up retries it.
  if ((olds.pendingCleanup ?? []).length > 0) changed.push("pendingCleanup");
  const replaces = changed.includes("projectId") ? ["projectId"] : [];
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0, diffs: changed };
}

/**
 * Whether the key the project should hold differs from the one it holds. The
 * state's `keyLast4`/`keyLength` are what the project API last showed (a
 * refresh updates them), so a key changed by hand shows here even when the
 * program did not change. The service form's key is the provider's own.
 */
export function keyChanged(olds: IntegrationOutputs, news: IntegrationInputs): boolean {
  if (news.integrationKey !== undefined && isUnknown(news.integrationKey)) return true;
  const stateKey = olds.integrationKey && !olds.integrationKey.includes("*") ? olds.integrationKey : undefined;
  const desired = news.integrationKey ?? (news.pagerdutyServiceId === olds.pagerdutyServiceId ? stateKey : undefined);
  if (desired === undefined) return news.integrationKey !== undefined;
  if (olds.keyLast4 !== desired.slice(-4) || olds.keyLength !== desired.length) return true;
  if (olds.integrationKey?.includes("*")) return !matchesRedacted(desired, olds.integrationKey);
  return stateKey !== undefined && stateKey !== desired;
}

/**
 * The program supplies the real key of an integration whose state holds it
 * redacted (`pulumi import` reads it so): same length and last 4 characters.
 * A change, so the next `pulumi up` records the key in state, without an API
 * write or an alert (the project already holds it).
 */
export function adoptsKey(olds: IntegrationOutputs, news: IntegrationInputs): boolean {
  const k = news.integrationKey;
  return typeof k === "string" && !isUnknown(k) && !k.includes("*") && !!olds.integrationKey?.includes("*") && matchesRedacted(k, olds.integrationKey);
}
