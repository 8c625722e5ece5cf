import { randomBytes } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * `instanceId`: which incarnation of the project's PAGER_DUTY integration a
 * resource is. Check gives a new resource a fresh one and carries it over
 * otherwise, so it is an input, known at preview. Routings take it instead of
 * the integration's `integrationId`, which is an output and so unknown in the
 * preview of any update of the integration (the Node dynamic-provider host
 * ignores `stables`): a key or region change previews no routing change, while
 * an integration created anew (deleted by hand, then `pulumi up`) previews and
 * makes exactly the routing updates that re-point their notifications.
 */
export function withInstanceId<I extends Record<string, any>, O extends Record<string, any>>(
  impl: dynamic.ResourceProvider<I, O>,
): dynamic.ResourceProvider<I, O> {
  return {
    ...bind(impl),
    check: async (olds, news) => {
      const res = await impl.check!(olds, news);
      if (!res.failures?.length && res.inputs) (res.inputs as Record<string, unknown>).instanceId = olds?.instanceId ?? newInstanceId();
      return res;
    },
    read: async (id, props) => {
      const res = await impl.read!(id, props);
      const integrationId = (res.props as Record<string, unknown> | undefined)?.integrationId;
      const instanceId = props?.instanceId ?? (typeof integrationId === "string" && integrationId ? importedInstanceId(integrationId) : undefined);
      if (instanceId !== undefined) {
        if (res.props) (res.props as Record<string, unknown>).instanceId = instanceId;
        if (res.inputs) (res.inputs as Record<string, unknown>).instanceId = instanceId;
      }
      return res;
    },
  };
}

/**
 * The instance id of an integration read without state (`pulumi import`):
 * derived from the project API's id of the live integration, so a routing
 * imported alongside (whose notification references that id) derives the same
 * one and the two match without any state.
 */
export function importedInstanceId(integrationId: string): string {
  return `imported-${integrationId}`;
}

function newInstanceId(): string {
  return randomBytes(8).toString("hex");
}

function bind<I, O>(impl: dynamic.ResourceProvider<I, O>): dynamic.ResourceProvider<I, O> {
  return {
    configure: async (req) => impl.configure?.(req),
    check: async (olds, news) => impl.check!(olds, news),
    diff: async (id, olds, news) => impl.diff!(id, olds, news),
    create: async (inputs) => impl.create(inputs),
    read: async (id, props) => impl.read!(id, props),
    update: async (id, olds, news) => impl.update!(id, olds, news),
    delete: async (id, props) => impl.delete?.(id, props),
  };
}
