import * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../provider/runtime";

/** The package entry point the stubs load; `exports` in the package manifest keeps it public. */
export const RUNTIME_ENTRY = "pagerduty-as-code/provider/runtime";

/**
 * What each resource keeps in `__provider` (in its inputs and again in its
 * outputs): one line of CommonJS, about 100 bytes, whose `handler` the
 * dynamic-provider host calls once per process to get the provider, loaded
 * from the installed package through the public entry point. The host runs in
 * the program directory, so `require` resolves the program's own
 * `pagerduty-as-code`, and upgrading the package upgrades the provider of
 * existing stacks.
 *
 * Written by hand rather than by Pulumi's closure serializer, which wraps each
 * function in about 170 bytes of scaffolding: a provider object of seven
 * methods came to 2.2 KB, stored twice per resource.
 */
export function providerStub(kind: ResourceKind): string {
  return `exports.handler = () => require(${JSON.stringify(RUNTIME_ENTRY)}).provider(${JSON.stringify(kind)});\n`;
}

/**
 * A resource of the Node dynamic-provider host (`pulumi-nodejs:dynamic/pdac:<kind>`):
 * what `pulumi.dynamic.Resource` registers, with the stub above as `__provider`
 * instead of a serialized provider object.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
  protected constructor(kind: ResourceKind, name: string, props: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super(`pulumi-nodejs:dynamic/pdac:${kind}`, name, { ...props, __provider: providerStub(kind) }, opts);
  }
}
