/**
 * The provider as the dynamic-provider host runs it: the package's stable
 * public entry point `pagerduty-as-code/provider/runtime`. What Pulumi
 * serializes into each resource's state is a small stub (sdk/stub.ts) whose
 * methods `require()` this module at call time, so state holds data, not code,
 * and upgrading the package upgrades the provider of existing stacks.
 *
 * Contract with every stub ever written to state (keep it): `provider(kind)`
 * returns a Pulumi `ResourceProvider` for "PagerDutyIntegration",
 * "AlertRouting" or "AlertNotification".
 *
 * One configuration and one set of API clients per provider process: the
 * OAuth token and the HTTP connection pool are shared by every resource.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { RESOURCES } from "./registry";
import type { ResourceKind } from "./state";

export { STATE_VERSION, type ResourceKind } from "./state";

export function provider(kind: ResourceKind): dynamic.ResourceProvider {
  // The providers of provider/registry.ts: the plugin serves the same objects.
  const p = RESOURCES.find((r) => r.kind === kind)?.provider;
  if (!p) throw new Error(`pagerduty-as-code has no resource type ${JSON.stringify(kind)}: upgrade the pagerduty-as-code package of the program`);
  return p;
}
