import type { Region } from "../config";
import { matchesRedacted } from "../inputs";
import type { AlertSeverity, Delivery, Matcher, MetricThreshold, RoutingInputs, RoutingOutputs, Threshold } from "./types";
import { DEFAULT_REGION } from "../../lib/regions";

/** The alert configuration body the project API stores for a routing; `integrationId` is the project's PAGER_DUTY integration's (native delivery). */
export function toAlertConfig(inputs: RoutingInputs, integrationId: string | undefined, notifierId?: string): Record<string, unknown> {
  const notification: Record<string, unknown> =
    inputs.delivery === "native"
      ? { typeName: "PAGER_DUTY", integrationId, region: inputs.region, delayMin: inputs.delayMin }
      : { typeName: "WEBHOOK", webhookUrl: inputs.relayUrl, webhookSecret: inputs.relaySecret, delayMin: inputs.delayMin };
  if (notifierId) notification.notifierId = notifierId;
  return {
    eventTypeName: inputs.eventTypeName,
    enabled: inputs.enabled,
    matchers: inputs.matchers,
    ...(inputs.threshold ? { threshold: inputs.threshold } : {}),
    ...(inputs.metricThreshold ? { metricThreshold: inputs.metricThreshold } : {}),
    ...(inputs.severity ? { severityOverride: inputs.severity } : {}),
    notifications: [notification],
  };
}

/**
 * The live alert configuration seen as routing inputs. Defaults the API fills
 * in (region US, no matchers, delay 0, mode AVERAGE) come back as the inputs
 * would state them, and redacted secrets that still match state keep the
 * state's value, so an untouched configuration shows no drift.
 */
export function fromAlertConfig(live: any, state: Partial<RoutingOutputs>): RoutingOutputs {
  const notifications: any[] = Array.isArray(live.notifications) ? live.notifications : [];
  const ours =
    notifications.find((n) => state.notifierId && n.notifierId === state.notifierId) ??
    notifications.find((n) => n.typeName === (state.delivery === "relay" ? "WEBHOOK" : "PAGER_DUTY")) ??
    notifications.find((n) => n.typeName === "PAGER_DUTY" || n.typeName === "WEBHOOK");
  const delivery: Delivery = ours?.typeName === "WEBHOOK" ? "relay" : "native";
  const out: RoutingOutputs = {
    projectId: String(live.groupId ?? state.projectId),
    alertConfigId: String(live.id),
    notifierId: ours?.notifierId ?? "",
    integrationInstanceId: state.integrationInstanceId,
    region: ((delivery === "native" ? ours?.region : state.region) ?? DEFAULT_REGION) as Region,
    eventTypeName: String(live.eventTypeName),
    matchers: (Array.isArray(live.matchers) ? live.matchers : []).map(
      (m: any): Matcher => ({ fieldName: m.fieldName, operator: m.operator, value: m.value ?? "" }),
    ),
    delayMin: Number(ours?.delayMin ?? 0),
    enabled: live.enabled === true,
    delivery: ours ? delivery : (state.delivery ?? "native"),
  };
  if (delivery === "native" && ours?.integrationId) out.integrationId = String(ours.integrationId);
  // Ours no more: gone, changed by hand to a raw serviceKey, or pointing at an integration that is not ours any more.
  const repointed = delivery === "native" && ours && (!ours.integrationId || (state.integrationId !== undefined && ours.integrationId !== state.integrationId));
  if (!ours || repointed) out.notifierId = "";
  if (live.threshold && live.threshold.operator !== undefined) {
    out.threshold = { operator: live.threshold.operator, threshold: live.threshold.threshold, units: live.threshold.units } as Threshold;
  }
  if (live.metricThreshold?.metricName) {
    const m = live.metricThreshold;
    out.metricThreshold = {
      metricName: m.metricName,
      operator: m.operator,
      threshold: m.threshold,
      units: m.units,
      mode: m.mode ?? "AVERAGE",
    } as MetricThreshold;
  }
  if (live.severityOverride) out.severity = live.severityOverride as AlertSeverity;
  if (delivery === "relay" && ours) {
    out.relayUrl = sameRedactedUrl(state.relayUrl, ours.webhookUrl) ? state.relayUrl : ours.webhookUrl;
    out.relaySecret =
      state.relaySecret && ours.webhookSecret && matchesRedacted(state.relaySecret, ours.webhookSecret) ? state.relaySecret : ours.webhookSecret;
  }
  // Relay routings have no integration; an undefined value cannot cross the provider protocol.
  if (out.integrationId === undefined) delete out.integrationId;
  return out;
}

/** Atlas shows a webhook URL as scheme://host/****<last 4 of the rest>; equal when ours redacts to the same. */
export function sameRedactedUrl(ours: string | undefined, live: string | undefined): boolean {
  if (!ours || !live) return false;
  if (ours === live) return true;
  if (!live.includes("*")) return false;
  const u = new URL(ours);
  const origin = `${u.protocol}//${u.host}/`;
  return live.startsWith(origin) && live.slice(-4) === ours.slice(-4);
}

/** Routing fields compared by diff and shown by refresh (everything but ids). */
export const ROUTING_FIELDS = [
  "projectId",
  "integrationInstanceId",
  "region",
  "eventTypeName",
  "matchers",
  "threshold",
  "metricThreshold",
  "severity",
  "delayMin",
  "enabled",
  "delivery",
  "relayUrl",
  "relaySecret",
] as const satisfies ReadonlyArray<keyof RoutingInputs>;
