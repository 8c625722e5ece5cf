import type { Region } from "../config";
import type { Clients } from "../clients";
import type { InitialAlertOptions } from "./types";

/** A dedup key unique to one resource and one key-proving attempt. */
export function newInitialDedupKey(projectId: string): string {
  const { randomBytes } = require("node:crypto") as typeof import("node:crypto");
  return `pdac-initial-${projectId}-${randomBytes(6).toString("hex")}`;
}

/** Triggers the alert that proves the key: PagerDuty answers 400 to a malformed key, 202 otherwise. */
export async function triggerInitialAlert(
  clients: Clients,
  target: { projectId: string; region: Region; key: string; dedupKey: string },
  opts: InitialAlertOptions,
): Promise<void> {
  await clients.events(target.region).enqueue({
    routing_key: target.key,
    event_action: "trigger",
    dedup_key: target.dedupKey,
    client: "Pulumi PagerDutyIntegration",
    payload: {
      summary: opts.summary,
      source: `atlas-project-${target.projectId}`,
      severity: opts.severity,
      component: "pagerduty-integration",
      class: "integration-test",
      custom_details: {
        projectId: target.projectId,
        why: opts.keepOpen
          ? "Initial alert sent when the integration was configured; left open as requested (initialAlert.keepOpen)."
          : "Initial alert sent when the integration was configured; it is resolved as soon as PagerDuty accepts it.",
      },
    },
  });
}

export async function resolveInitialAlert(clients: Clients, target: { region: Region; key: string; dedupKey: string }): Promise<void> {
  await clients.events(target.region).enqueue({ routing_key: target.key, event_action: "resolve", dedup_key: target.dedupKey });
}
