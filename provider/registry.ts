/**
 * The resource kinds, each registered once: its input and output schemas (zod,
 * with a description on every field and secrets marked), its import id, its
 * provider, and how the bulk import finds its objects in a project. Everything
 * that serves or describes resources reads this list: `provider(kind)` (the
 * dynamic stub's entry point), the plugin (`provider/plugin/`), `schema.json`
 * and the generated SDKs (`provider/schema/`), and the bulk import
 * (`provider/import/`). A new resource is one more entry.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { z } from "zod";
import { discoverIntegration } from "./integration/discover";
import { withInstanceId } from "./integration/instance";
import { PagerDutyIntegrationProvider } from "./integration/provider";
import { integrationInputsSchema, integrationOutputFields } from "./integration/schema";
import type { Discovery } from "./import/discovery";
import { discoverRoutings } from "./routing/discover";
import { AlertRoutingProvider } from "./routing/provider";
import { routingInputsSchema, routingOutputFields } from "./routing/schema";
import { AlertNotificationProvider } from "./notification/provider";
import { NotificationArgsSchema, notificationOutputFields } from "./notification/schema";
import { type ResourceKind, versioned } from "./state";

export interface ResourceRegistration {
  kind: ResourceKind;
  /** What the resource is, for the schema and the SDKs' documentation. */
  description: string;
  /** The inputs' shape (check validates with the same definitions). */
  inputs: z.ZodType;
  /** Outputs besides the inputs. */
  outputs: Record<string, z.ZodType>;
  /** The id `pulumi import` takes, as the README writes it; absent for a kind that cannot be imported. */
  importId?: string;
  /** The provider both front doors call (the same object for the whole process). */
  provider: dynamic.ResourceProvider;
  /** The resources of this kind a project already has, for the bulk import. */
  discover: Discovery;
}

export const RESOURCES: readonly ResourceRegistration[] = [
  {
    kind: "PagerDutyIntegration",
    description:
      "A project's PagerDuty integration. Creating it proves the key with an initial alert, stores it in the project API and resolves the alert; refresh shows a key or region changed by hand; deleting it removes it everywhere.",
    inputs: integrationInputsSchema(),
    outputs: integrationOutputFields,
    importId: "<projectId>/PAGER_DUTY",
    provider: versioned("PagerDutyIntegration", withInstanceId(new PagerDutyIntegrationProvider())),
    discover: discoverIntegration,
  },
  {
    kind: "AlertRouting",
    description:
      "One of a project's alerts routed to PagerDuty: an alert configuration whose notification goes to the project's PagerDuty integration (native delivery) or to the relay (relay delivery).",
    inputs: routingInputsSchema(),
    outputs: routingOutputFields,
    importId: "<projectId>/<alertConfigId>",
    provider: versioned("AlertRouting", new AlertRoutingProvider()),
    discover: discoverRoutings,
  },
  {
    kind: "AlertNotification",
    description:
      "PagerDuty added to alert configurations the program does not own (the project's defaults, the team's own): one notification, native or through the relay, on each selected configuration, every other field and notification left as it was. Destroy, or a configuration leaving the selection, removes only that notification.",
    inputs: NotificationArgsSchema,
    outputs: notificationOutputFields,
    // Not importable: what it owns is one notification per configuration, found again by its own first up.
    provider: versioned("AlertNotification", new AlertNotificationProvider()),
    // Nothing to import (see above): configurations with other notifications stay listed by the routings' discovery.
    discover: async () => ({ found: [], skipped: [] }),
  },
];

/** The registration of `kind`, or an error that says how to get it. */
export function registration(kind: string): ResourceRegistration {
  const r = RESOURCES.find((x) => x.kind === kind);
  if (!r) throw new Error(`pagerduty-as-code has no resource type ${JSON.stringify(kind)}: upgrade the pagerduty-as-code package or plugin`);
  return r;
}
