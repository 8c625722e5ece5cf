import type { Region } from "../config";
import type { PagerDutySeverity as Severity } from "../../lib/severity";

export type { PagerDutySeverity as Severity } from "../../lib/severity";

/** Options for the alert that proves the key when the integration is created or its key changes. */
export interface InitialAlertOptions {
  summary: string;
  severity: Severity;
  /** Leave the initial incident open (it pages on-call); by default it is resolved once accepted. */
  keepOpen: boolean;
}

/** Inputs after `check`: defaults applied, exactly one of `integrationKey` and `pagerdutyServiceId`. */
export interface IntegrationInputs {
  projectId: string;
  integrationKey?: string;
  pagerdutyServiceId?: string;
  region: Region;
  initialAlert: InitialAlertOptions;
  /**
   * Set by the SDK from the `import` resource option: create adopts the
   * existing integration instead of creating one. (The engine's own import
   * cannot reach dynamic providers: pulumi/pulumi#16175.)
   */
  importId?: string;
}

/** Outputs kept in state. `integrationKey` is a secret output. */
export interface IntegrationOutputs extends IntegrationInputs {
  /** The project API's id of the PAGER_DUTY integration. */
  integrationId: string;
  integrationKey: string;
  /** Last 4 characters of the key as the project API shows them (it redacts the rest). */
  keyLast4: string;
  keyLength: number;
  /** The key was found on an Events API v2 integration through the PagerDuty REST API. */
  keyConfirmed: boolean;
  /** Dedup key of the initial alert ("" when imported). */
  initialDedupKey: string;
  /** The initial incident was left open (keepOpen) and not yet resolved. */
  initialIncidentOpen: boolean;
  pagerdutyIntegrationId?: string;
  /** The provider created the PagerDuty integration (service form) and deletes it on delete. */
  createdPagerdutyIntegration: boolean;
  /**
   * Clean-up after a commit point that failed (PagerDuty unreachable...):
   * shown by the next preview as a change and retried by the next `pulumi up`.
   * Never holds a secret.
   */
  pendingCleanup?: PendingCleanup[];
  /**
   * Keys that are no longer the project's but still have a kept-open initial
   * incident to resolve (a pending clean-up). A secret output, like integrationKey.
   */
  retiredKeys?: string[];
}

/** One clean-up step still to do. An incident is found by its dedup key; the key that resolves it is the one whose hash it is. */
export type PendingCleanup =
  | { action: "resolveInitialAlert"; region: Region; dedupKey: string; keyLast4: string }
  | { action: "deletePagerDutyIntegration"; region: Region; serviceId: string; integrationId: string };

export const INTEGRATION_TYPE = "PAGER_DUTY";

/** Resource ids and import ids are `<projectId>/PAGER_DUTY`. */
export function integrationResourceId(projectId: string): string {
  return `${projectId}/${INTEGRATION_TYPE}`;
}
