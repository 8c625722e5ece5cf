import { createHash } from "node:crypto";
import type { Region } from "../config";
import type { Clients } from "../clients";
import type { InitialAlertOptions } from "./types";

/**
 * The initial alert's dedup key: a hash of the project id and the key, so a
 * create retried after a crash triggers and resolves the same incident as the
 * attempt that died (the dedup key was never saved), and so the key whose
 * incident it is can be recognised later. Contains neither the project id,
 * nor the key, nor its last 4 characters.
 */
export function initialDedupKey(projectId: string, key: string): string {
  return `pdac-initial-${createHash("sha256").update(`pdac-initial\0${projectId}\0${key}`).digest("hex").slice(0, 40)}`;
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
