import type { AlertConfig } from "../../clients/atlas/types";
import type { Clients } from "../clients";
import { upstreamFailure } from "../errors";
import type { Discovered, Found, Skipped } from "../import/discovery";
import { routingResourceId } from "./types";

/**
 * The project's alert configurations an AlertRouting can own: exactly one
 * notification, a PAGER_DUTY one referencing the project's integration
 * (native) or a WEBHOOK (relay). Anything else is skipped with the reason: an
 * AlertRouting PUTs its one notification, so importing a configuration with
 * other notifications would drop them at its next update.
 */
export async function discoverRoutings(projectId: string, clients: Clients): Promise<Discovered> {
  const configs = await clients.atlas.listAlertConfigs(projectId).catch((err: unknown) => {
    throw upstreamFailure(`listing the alert configurations of project ${projectId}`, err);
  });
  const found: Found[] = [];
  const skipped: Skipped[] = [];
  for (const c of configs) {
    const object = `alertConfig/${c.id}`;
    const description = `${c.eventTypeName} (${c.id})`;
    const reason = notRoutable(c);
    if (reason) {
      skipped.push({ object, description, reason });
      continue;
    }
    const relay = c.notifications[0].typeName === "WEBHOOK";
    found.push({
      object,
      name: `${c.eventTypeName.toLowerCase().replace(/_/g, "-")}-${c.id.slice(-6)}`,
      id: routingResourceId(projectId, c.id),
      ...(relay ? { note: "set relayUrl and relaySecret (the project API shows both redacted): the next pulumi up adopts them without a write" } : {}),
    });
  }
  return { found, skipped };
}

/** Why an AlertRouting cannot own this configuration, or undefined when it can. */
function notRoutable(c: AlertConfig): string | undefined {
  const types = c.notifications.map((n) => n.typeName);
  const others = [...new Set(types.filter((t) => t !== "PAGER_DUTY" && t !== "WEBHOOK"))];
  if (!types.includes("PAGER_DUTY") && !types.includes("WEBHOOK")) return `not routed to PagerDuty (notifications: ${others.join(", ") || "none"})`;
  if (types.length > 1) {
    // A kind whose discover imports such a configuration takes it over: the bulk import
    // (provider/import/bulk.ts) then drops this skip. AlertNotification imports none (its first up finds its notifications).
    return `notifications besides PagerDuty (${[...new Set(types)].join(", ")}): an AlertRouting holds exactly one notification, so its next update would drop the others`;
  }
  const n = c.notifications[0] as { typeName: string; integrationId?: string };
  if (n.typeName === "PAGER_DUTY" && !n.integrationId) {
    return "its PagerDuty notification carries its own key instead of referencing the project's integration: point it at the integration first";
  }
  return undefined;
}
