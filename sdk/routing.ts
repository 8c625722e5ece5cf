import * as pulumi from "@pulumi/pulumi";
import type { AlertSeverity, Delivery, Matcher } from "../provider";
import { DEFAULT_REGION } from "../lib/regions";
import { DynamicResource } from "./stub";
import type { PagerDutyIntegration } from "./integration";

export interface ThresholdArgs {
  /** `>` or `<` (GREATER_THAN / LESS_THAN also accepted). */
  operator: pulumi.Input<string>;
  threshold: pulumi.Input<number>;
  /** For example `HOURS`, `MINUTES`, `RAW`. */
  units: pulumi.Input<string>;
}

export interface MetricThresholdArgs {
  /** For example `OPLOG_SLAVE_LAG_MASTER_TIME`, `NORMALIZED_SYSTEM_CPU_USER`, `DISK_PARTITION_SPACE_USED_DATA`. */
  metricName: pulumi.Input<string>;
  /** `GREATER_THAN` or `LESS_THAN` (`>` / `<` also accepted). */
  operator: pulumi.Input<string>;
  threshold: pulumi.Input<number>;
  units: pulumi.Input<string>;
  mode?: pulumi.Input<"AVERAGE">;
}

export interface AlertRoutingArgs {
  /**
   * The PagerDuty integration of the project: the notification references it (by its id in the project), so the key is never repeated.
   * Required for `native` delivery; not needed with `delivery: "relay"` (the relay's route holds the key; give `projectId`).
   */
  integration?: PagerDutyIntegration;
  /** The Atlas project id; default: the integration's. Required when there is no integration. */
  projectId?: pulumi.Input<string>;
  /** The Atlas alert event type, for example `NO_PRIMARY`, `OUTSIDE_METRIC_THRESHOLD`, `REPLICATION_OPLOG_WINDOW_RUNNING_OUT`. */
  eventTypeName: pulumi.Input<string>;
  /** Which clusters, hosts or replica sets the alert applies to. */
  matchers?: pulumi.Input<pulumi.Input<Matcher>[]>;
  threshold?: pulumi.Input<ThresholdArgs>;
  metricThreshold?: pulumi.Input<MetricThresholdArgs>;
  /** The alert configuration's severity (`severityOverride`): INFO, WARNING, ERROR or CRITICAL. */
  severity?: pulumi.Input<AlertSeverity | Lowercase<AlertSeverity>>;
  /** Minutes the project waits before notifying; default 0. */
  delayMin?: pulumi.Input<number>;
  /** Default true. */
  enabled?: pulumi.Input<boolean>;
  /** `native` (default): the project notifies PagerDuty. `relay`: a webhook to the relay, which forwards. */
  delivery?: pulumi.Input<Delivery>;
  /** With `relay`: the relay's webhook URL. */
  relayUrl?: pulumi.Input<string>;
  /** With `relay`: the webhook secret the relay checks (stored as a secret). */
  relaySecret?: pulumi.Input<string>;
}

/** One of a project's alerts routed to PagerDuty: an alert configuration whose notification goes to the integration. */
export class AlertRouting extends DynamicResource {
  static readonly typeToken = "pulumi-nodejs:dynamic/pdac:AlertRouting";

  declare readonly projectId: pulumi.Output<string>;
  /** The project API's alert configuration id. */
  declare readonly alertConfigId: pulumi.Output<string>;
  declare readonly notifierId: pulumi.Output<string>;
  /** The project API id of the integration the notification references (native delivery). */
  declare readonly integrationId: pulumi.Output<string | undefined>;
  declare readonly region: pulumi.Output<string>;
  declare readonly eventTypeName: pulumi.Output<string>;
  declare readonly matchers: pulumi.Output<Matcher[]>;
  declare readonly severity: pulumi.Output<AlertSeverity | undefined>;
  declare readonly delayMin: pulumi.Output<number>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly delivery: pulumi.Output<Delivery>;

  /** `opts.import` (`<projectId>/<alertConfigId>`) adopts an existing alert configuration (see PagerDutyIntegration). */
  constructor(name: string, args: AlertRoutingArgs, opts?: pulumi.CustomResourceOptions) {
    const { import: importId, ...options } = opts ?? {};
    const { integration, relaySecret, ...rest } = args;
    if (!integration && args.projectId === undefined) {
      throw new Error(`AlertRouting ${name}: give integration (a PagerDutyIntegration), or projectId with delivery "relay"`);
    }
    // The integration's inputs and instance id, never its integrationId: those
    // are known when `pulumi preview` runs, so a change to the integration shows
    // on a routing only when it changes the routing too.
    const props: Record<string, unknown> = {
      ...rest,
      projectId: args.projectId ?? integration!.projectId,
      integrationInstanceId: integration?.instanceId,
      region: integration?.region ?? DEFAULT_REGION,
      integrationId: undefined,
      relaySecret: relaySecret === undefined ? undefined : pulumi.secret(relaySecret),
      importId,
      alertConfigId: undefined,
      notifierId: undefined,
    };
    super("AlertRouting", name, props, { ...options, additionalSecretOutputs: [...(options.additionalSecretOutputs ?? []), "relaySecret"] });
  }
}
