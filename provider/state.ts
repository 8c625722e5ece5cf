import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * The version of what the provider writes to state (inputs and outputs of each
 * resource). State without `schemaVersion` was written by 0.1.0, whose whole
 * provider was serialized into `__provider`; `upgradeOf` reads every older
 * version, so a new release can refresh, update and delete old stacks.
 *
 * Bump it when the shape of state changes, and add the step to `upgradeOf`.
 */
export const STATE_VERSION = 1;

type Props = Record<string, any>;

export type ResourceKind = "PagerDutyIntegration" | "AlertRouting" | "AlertNotification";

/** The instance id v0 integrations (and the routings that use them) get: they predate instance ids. */
export const V0_INSTANCE_ID = "v0";

/**
 * Old state (inputs or outputs, `{}` for a resource not created yet) in
 * today's shape. v0 -> v1: an integration gets the instance id "v0", and a
 * routing references that instance instead of the integration's
 * `integrationId` (kept as an output); the engine replaces the serialized
 * provider in `__provider` by the stub on the next update.
 */
export function upgradeOf<T extends Props | undefined>(kind: ResourceKind, props: T): T {
  if (!props || Object.keys(props).length === 0) return props;
  const from = typeof props.schemaVersion === "number" ? props.schemaVersion : 0;
  if (from > STATE_VERSION) {
    throw new Error(
      `this state was written by a newer pagerduty-as-code (state version ${from}; this one reads up to ${STATE_VERSION}): upgrade the pagerduty-as-code package of the program`,
    );
  }
  if (from === 0) {
    const up: Props = { ...props };
    if (kind === "PagerDutyIntegration") up.instanceId ??= V0_INSTANCE_ID;
    if (kind === "AlertRouting" && up.delivery !== "relay") up.integrationInstanceId ??= V0_INSTANCE_ID;
    return up as T;
  }
  return props;
}

/**
 * `props` without undefined values, at any depth. The host encodes what `read` returns with
 * protobuf's `Struct.fromJavaScript`, which throws "Unexpected struct type" on undefined (an
 * optional input a relay routing leaves out), unlike create and update, whose results Pulumi's
 * own serializer cleans.
 */
function defined<T>(props: T): T {
  if (Array.isArray(props)) return props.map((v) => defined(v)) as T;
  if (!props || typeof props !== "object") return props;
  return Object.fromEntries(
    Object.entries(props)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, defined(v)]),
  ) as T;
}

function stamp<T>(props: T): T {
  if (props && typeof props === "object") (props as Props).schemaVersion = STATE_VERSION;
  return props;
}

/**
 * Wraps a provider so that everything it writes carries `schemaVersion` and
 * everything it reads is upgraded first. A resource whose state is older shows
 * as changed (`schemaVersion`), and its update rewrites the state without any
 * API call when nothing else changed: the next `pulumi up` swaps old state
 * (and its serialized code) for the small stub and the current version.
 */
export function versioned<I extends Props, O extends Props>(kind: ResourceKind, impl: dynamic.ResourceProvider<I, O>): dynamic.ResourceProvider<I, O> {
  const upgradeState = <T extends Props | undefined>(props: T): T => upgradeOf(kind, props);
  return {
    configure: async (req) => impl.configure?.(req),
    check: async (olds, news) => {
      const res = await impl.check!(upgradeState(olds), news);
      if (!res.failures?.length && res.inputs) stamp(res.inputs);
      return res;
    },
    diff: async (id, olds, news) => {
      const res = await impl.diff!(id, upgradeState(olds), news);
      if (olds.schemaVersion === STATE_VERSION) return res;
      const diffs = (res as { diffs?: string[] }).diffs;
      return { ...res, changes: true, ...(diffs ? { diffs: [...diffs, "schemaVersion"] } : {}) };
    },
    create: async (inputs) => {
      const res = await impl.create(inputs);
      stamp(res.outs);
      return res;
    },
    read: async (id, props) => {
      const res = await impl.read!(id, upgradeState(props));
      return { ...res, props: stamp(defined(res.props)), inputs: stamp(defined(res.inputs)) };
    },
    update: async (id, olds, news) => {
      const current = upgradeState(olds);
      // Only the version is behind: rewrite the state, call no API.
      if (!(await impl.diff!(id, current, news)).changes) return { outs: stamp({ ...current }) };
      const res = await impl.update!(id, current, news);
      stamp(res.outs);
      return res;
    },
    delete: async (id, props) => impl.delete?.(id, upgradeState(props)),
  };
}
