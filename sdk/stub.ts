import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ResourceKind } from "../provider/runtime";

/** The package entry point the stubs load; `exports` in the package manifest keeps it public. */
export const RUNTIME_ENTRY = "pagerduty-as-code/provider/runtime";

/**
 * What Pulumi serializes into `__provider` of every resource: two strings and
 * seven one-line methods (about 2 KB). Each method loads the installed
 * provider through the public entry point when the provider host calls it
 * (the host runs in the program directory, so `require` resolves the
 * program's own `pagerduty-as-code`). Nothing else may be captured here: the
 * closure serializer would copy it into state.
 */
export function providerStub(kind: ResourceKind): dynamic.ResourceProvider {
  const entry = RUNTIME_ENTRY;
  const impl = (): Required<dynamic.ResourceProvider> => require(entry).provider(kind);
  return {
    configure: (req) => impl().configure(req),
    check: (olds, news) => impl().check(olds, news),
    diff: (id, olds, news) => impl().diff(id, olds, news),
    create: (inputs) => impl().create(inputs),
    read: (id, props) => impl().read(id, props),
    update: (id, olds, news) => impl().update(id, olds, news),
    delete: (id, props) => impl().delete(id, props),
  };
}

/** One stub per resource type: Pulumi serializes each once per program. */
export const integrationStub = providerStub("PagerDutyIntegration");
export const routingStub = providerStub("AlertRouting");
