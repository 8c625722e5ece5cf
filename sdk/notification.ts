import * as pulumi from "@pulumi/pulumi";
import type { Attachment, Delivery, Skip } from "../provider";
import { DEFAULT_REGION } from "../lib/regions";
import { DynamicResource } from "./stub";
import type { PagerDutyIntegration } from "./integration";

/** Which of a project's alert configurations; criteria given together must all hold. */
export interface AlertNotificationSelector {
  /** Configurations of these event types, for example `["NO_PRIMARY", "OUTSIDE_METRIC_THRESHOLD"]`. */
  eventTypeNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** The project's default configurations (those Atlas gives every new project). */
  defaults?: pulumi.Input<boolean>;
  /** Every configuration of the project. */
  all?: pulumi.Input<boolean>;
}

export interface AlertNotificationArgs {
  /** Native delivery: the project's PagerDutyIntegration (its notification references it; the key is never repeated). */
  integration?: PagerDutyIntegration;
  /** The Atlas project id; default: the integration's. Required when there is no integration. */
  projectId?: pulumi.Input<string>;
  /** The configurations to notify from, by id. Give this or `selector`. */
  alertConfigIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** The configurations to notify from, evaluated whenever the provider reads (`pulumi refresh`, `pulumi up --refresh`). */
  selector?: pulumi.Input<AlertNotificationSelector>;
  /** Minutes the project waits before sending this notification; default 0. */
  delayMin?: pulumi.Input<number>;
  /** `native` (default): a PAGER_DUTY notification. `relay`: a WEBHOOK notification to the relay route. */
  delivery?: pulumi.Input<Delivery>;
  /** With `relay`: the relay route's webhook URL. */
  relayUrl?: pulumi.Input<string>;
  /** With `relay`: the route's webhook secret (stored as a secret). */
  relaySecret?: pulumi.Input<string>;
}

/**
 * PagerDuty added to alert configurations the program does not own (Atlas's defaults, the ones
 * teams made in the UI): one notification on each selected configuration, every other field and
 * notification left exactly as it was. Destroy, or a configuration leaving the selection, removes
 * only that notification.
 */
export class AlertNotification extends DynamicResource {
  static readonly typeToken = "pulumi-nodejs:dynamic/pdac:AlertNotification";

  declare readonly projectId: pulumi.Output<string>;
  declare readonly delayMin: pulumi.Output<number>;
  declare readonly delivery: pulumi.Output<Delivery>;
  /** The project API id of the PagerDuty integration the notifications reference (native delivery). */
  declare readonly integrationId: pulumi.Output<string | undefined>;
  /** The configurations the selection resolved to when the provider last read or wrote. */
  declare readonly matched: pulumi.Output<string[]>;
  /** The configurations that carry this notification, with its notifierId in each. */
  declare readonly attachments: pulumi.Output<Attachment[]>;
  /** Matched configurations that already notify the same integration or route: left alone, never paged twice. */
  declare readonly skipped: pulumi.Output<Skip[]>;

  constructor(name: string, args: AlertNotificationArgs, opts?: pulumi.CustomResourceOptions) {
    const { integration, relaySecret, ...rest } = args;
    if (!integration && args.projectId === undefined) {
      throw new Error(`AlertNotification ${name}: give integration (a PagerDutyIntegration), or projectId with delivery "relay"`);
    }
    // As AlertRouting: the integration's instance id and region (known at preview), never its integrationId.
    const props: Record<string, unknown> = {
      ...rest,
      projectId: args.projectId ?? integration!.projectId,
      integrationInstanceId: integration?.instanceId,
      region: integration?.region ?? DEFAULT_REGION,
      relaySecret: relaySecret === undefined ? undefined : pulumi.secret(relaySecret),
      integrationId: undefined,
      matched: undefined,
      attachments: undefined,
      skipped: undefined,
    };
    super("AlertNotification", name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "relaySecret"] });
  }
}
