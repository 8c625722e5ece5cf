import * as pulumi from "@pulumi/pulumi";
import type { Region, Severity } from "../provider";
import { DynamicResource } from "./stub";

export interface InitialAlertArgs {
  /** Summary of the initial alert (max 1024 characters). */
  summary?: pulumi.Input<string>;
  /** Severity of the initial alert; default `info`. */
  severity?: pulumi.Input<Severity>;
  /** Leave the initial incident open so on-call sees it; default false (it is resolved once accepted). */
  keepOpen?: pulumi.Input<boolean>;
}

export interface PagerDutyIntegrationArgs {
  /** The Atlas project id (24 hexadecimal characters). */
  projectId: pulumi.Input<string>;
  /** The 32-character Integration Key of an Events API v2 integration. Stored as a secret. Set this or `pagerdutyServiceId`. */
  integrationKey?: pulumi.Input<string>;
  /** A PagerDuty service id: the provider creates an Events API v2 integration on it (needs `pdac:pagerdutyToken`). */
  pagerdutyServiceId?: pulumi.Input<string>;
  /** The PagerDuty account's region; default `US`. */
  region?: pulumi.Input<Region>;
  /** The alert sent to prove the key. */
  initialAlert?: pulumi.Input<InitialAlertArgs>;
}

/**
 * A project's PagerDuty integration. Creating it proves the key with an
 * initial alert, stores it in the project API and resolves the alert; refresh
 * shows a key or region changed by hand; deleting it removes it everywhere.
 */
export class PagerDutyIntegration extends DynamicResource {
  /** The type token: `pulumi-nodejs:dynamic/pdac:PagerDutyIntegration`. */
  static readonly typeToken = "pulumi-nodejs:dynamic/pdac:PagerDutyIntegration";

  declare readonly projectId: pulumi.Output<string>;
  declare readonly region: pulumi.Output<Region>;
  /** The project API's id of the integration; AlertRouting notifications reference it. */
  declare readonly integrationId: pulumi.Output<string>;
  /** Which incarnation of the project's integration this is: changes only when it is created anew (routings follow it). */
  declare readonly instanceId: pulumi.Output<string>;
  /** The key in use (secret). */
  declare readonly integrationKey: pulumi.Output<string>;
  /** The last 4 characters of the key the project API holds. */
  declare readonly keyLast4: pulumi.Output<string>;
  declare readonly keyLength: pulumi.Output<number>;
  /** The key was found on an Events API v2 integration through the PagerDuty REST API. */
  declare readonly keyConfirmed: pulumi.Output<boolean>;
  /** The initial alert's dedup key (the incident key to look for in PagerDuty). */
  declare readonly initialDedupKey: pulumi.Output<string>;
  declare readonly initialIncidentOpen: pulumi.Output<boolean>;
  declare readonly pagerdutyServiceId: pulumi.Output<string | undefined>;
  declare readonly pagerdutyIntegrationId: pulumi.Output<string | undefined>;
  declare readonly createdPagerdutyIntegration: pulumi.Output<boolean>;
  /** Clean-up an earlier up could not finish (retried by the next up). */
  declare readonly pendingCleanup: pulumi.Output<unknown[] | undefined>;

  /**
   * `opts.import` (`<projectId>/PAGER_DUTY`) adopts the project's existing
   * integration: the engine cannot import through dynamic providers
   * (pulumi/pulumi#16175), so the id travels as an input and create adopts.
   */
  constructor(name: string, args: PagerDutyIntegrationArgs, opts?: pulumi.CustomResourceOptions) {
    const { import: importId, ...rest } = opts ?? {};
    const props: Record<string, unknown> = {
      projectId: args?.projectId,
      integrationKey: args?.integrationKey === undefined ? undefined : pulumi.secret(args.integrationKey),
      pagerdutyServiceId: args?.pagerdutyServiceId,
      region: args?.region,
      initialAlert: args?.initialAlert,
      importId,
      // Outputs only: declared so they appear on the resource.
      integrationId: undefined,
      instanceId: undefined,
      keyLast4: undefined,
      keyLength: undefined,
      keyConfirmed: undefined,
      initialDedupKey: undefined,
      initialIncidentOpen: undefined,
      pagerdutyIntegrationId: undefined,
      createdPagerdutyIntegration: undefined,
      pendingCleanup: undefined,
      retiredKeys: undefined,
    };
    super("PagerDutyIntegration", name, props, {
      ...rest,
      additionalSecretOutputs: [...(rest.additionalSecretOutputs ?? []), "integrationKey", "retiredKeys"],
    });
  }
}
