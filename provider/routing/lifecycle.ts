import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { Clients } from "../clients";
import { ProviderError, upstreamFailure } from "../errors";
import { PROJECT_ID } from "../inputs";
import { changedRoutingFields } from "./diff";
import { fromAlertConfig, toAlertConfig } from "./mapping";
import { routingResourceId, type RoutingInputs, type RoutingOutputs } from "./types";

/** A configuration identical to the program and created this recently is taken to be an earlier attempt of this create that crashed. */
export const ADOPT_WITHIN_MS = 60 * 60 * 1000;

/**
 * Create: the project must already have its PagerDuty integration; then POST
 * the alert configuration. Safe to run again: an identical configuration
 * (every field, the same integration) created within the last hour is the
 * attempt that crashed or whose POST failed ambiguously, and is adopted
 * instead of creating a duplicate that would page on-call twice.
 */
export async function createRouting(inputs: RoutingInputs, clients: Clients): Promise<CreateResult<RoutingOutputs>> {
  if (inputs.importId) return adoptRouting(inputs, clients);
  // Relay delivery needs no PAGER_DUTY integration: the relay's route holds the key.
  let integrationId: string | undefined;
  if (inputs.delivery !== "relay") {
    const integration = await clients.atlas.getIntegration(inputs.projectId, "PAGER_DUTY").catch((err: unknown) => {
      throw upstreamFailure(`reading the PagerDuty integration of project ${inputs.projectId}`, err);
    });
    if (!integration) {
      throw new ProviderError(
        "INTEGRATION_MISSING",
        `project ${inputs.projectId} has no PagerDuty integration: declare a PagerDutyIntegration for it and pass it as this routing's integration`,
        "integration",
      );
    }
    integrationId = String(integration.id);
  }
  const earlier = await findEarlierAttempt(inputs, integrationId, clients);
  if (earlier) return created(inputs, integrationId, earlier);
  let live: unknown;
  try {
    live = await clients.atlas.createAlertConfig(inputs.projectId, toAlertConfig(inputs, integrationId) as any);
  } catch (err) {
    // The POST may have landed (a timeout, a 5xx after processing): adopt it rather than leave a duplicate for the retry.
    const landed = (err as { ambiguous?: boolean }).ambiguous ? await findEarlierAttempt(inputs, integrationId, clients).catch(() => undefined) : undefined;
    if (landed) return created(inputs, integrationId, landed);
    throw upstreamFailure(`creating the ${inputs.eventTypeName} alert configuration in project ${inputs.projectId}`, err);
  }
  return created(inputs, integrationId, live);
}

function created(inputs: RoutingInputs, integrationId: string | undefined, live: unknown): CreateResult<RoutingOutputs> {
  const outs = fromAlertConfig(live, inputs);
  return {
    id: routingResourceId(inputs.projectId, outs.alertConfigId),
    outs: { ...inputs, alertConfigId: outs.alertConfigId, notifierId: outs.notifierId, ...(integrationId ? { integrationId } : {}) },
  };
}

/** The project's alert configuration identical to the program in every field, referencing this integration, created within ADOPT_WITHIN_MS. */
async function findEarlierAttempt(inputs: RoutingInputs, integrationId: string | undefined, clients: Clients): Promise<unknown> {
  const configs = await clients.atlas.listAlertConfigs(inputs.projectId).catch((err: unknown) => {
    throw upstreamFailure(`listing the alert configurations of project ${inputs.projectId}`, err);
  });
  const now = Date.now();
  return configs.find((c) => {
    const at = Date.parse(String((c as { created?: string }).created ?? ""));
    if (!Number.isFinite(at) || now - at > ADOPT_WITHIN_MS) return false;
    // With the integration's id as state, a notification referencing another integration reads back as not ours (notifierId "").
    const seen = fromAlertConfig(c, { ...inputs, ...(integrationId ? { integrationId } : {}) });
    return seen.notifierId !== "" && (c as { notifications?: unknown[] }).notifications?.length === 1 && changedRoutingFields(seen, inputs).length === 0;
  });
}

/**
 * Import: take over an existing alert configuration without writing, provided
 * it is what the program declares; otherwise name the fields that differ.
 */
async function adoptRouting(inputs: RoutingInputs, clients: Clients): Promise<CreateResult<RoutingOutputs>> {
  const id = inputs.importId!;
  const { projectId } = parseRoutingId(id);
  if (projectId !== inputs.projectId)
    throw new ProviderError("INVALID_ID", `the import id ${id} names project ${projectId} but projectId is ${inputs.projectId}`, "projectId");
  const { importId: _ignored, ...declared } = inputs;
  const read = await readRouting(id, declared, clients);
  if (!read.props)
    throw new ProviderError("INTEGRATION_MISSING", `nothing to import: alert configuration ${id} does not exist; remove the import option to create it`);
  const differ = changedRoutingFields(read.props, declared);
  if (differ.length > 0) {
    throw new ProviderError(
      "ALREADY_EXISTS",
      `cannot import ${id}: it differs from the program in ${differ.join(", ")}. Make the program match the existing alert configuration, then run pulumi up again.`,
    );
  }
  const integrationId = read.props.integrationId;
  return { id, outs: { ...declared, alertConfigId: read.props.alertConfigId, notifierId: read.props.notifierId, ...(integrationId ? { integrationId } : {}) } };
}

/** Read (refresh and import): the live configuration as inputs, or nothing when it is gone. */
export async function readRouting(id: string, props: Partial<RoutingOutputs>, clients: Clients): Promise<ReadResult<RoutingOutputs>> {
  const { projectId, alertConfigId } = parseRoutingId(id);
  const live = await clients.atlas.getAlertConfig(projectId, alertConfigId).catch((err: unknown) => {
    throw upstreamFailure(`reading alert configuration ${alertConfigId} of project ${projectId}`, err);
  });
  if (!live) return {};
  const outs = fromAlertConfig(live, { ...props, projectId });
  const { alertConfigId: _a, notifierId: _n, ...inputs } = outs;
  return { id: routingResourceId(projectId, alertConfigId), props: outs, inputs: inputs as RoutingOutputs };
}

/** Update: enabling or disabling alone is a PATCH; anything else PUTs the full configuration, referencing our notification by notifierId. */
export async function updateRouting(id: string, olds: RoutingOutputs, news: RoutingInputs, clients: Clients): Promise<UpdateResult<RoutingOutputs>> {
  const { projectId, alertConfigId } = parseRoutingId(id);
  const changed = changedRoutingFields(olds, news);
  try {
    if (changed.length === 1 && changed[0] === "enabled") {
      await clients.atlas.setAlertConfigEnabled(projectId, alertConfigId, news.enabled);
      return { outs: { ...olds, ...news, alertConfigId, notifierId: olds.notifierId } };
    }
    // Keep the notifier only when it is still the same kind of notification.
    const keepNotifier = olds.notifierId && olds.delivery === news.delivery ? olds.notifierId : undefined;
    const integrationId = news.delivery === "native" ? await currentIntegrationId(projectId, clients) : undefined;
    const live = await clients.atlas.replaceAlertConfig(projectId, alertConfigId, toAlertConfig(news, integrationId, keepNotifier) as any);
    const outs = fromAlertConfig(live, news);
    return { outs: { ...news, alertConfigId, notifierId: outs.notifierId, ...(integrationId ? { integrationId } : {}) } };
  } catch (err) {
    if ((err as { code?: string }).code === "NOT_FOUND") {
      throw new ProviderError(
        "INTEGRATION_MISSING",
        `alert configuration ${alertConfigId} of project ${projectId} no longer exists (deleted outside Pulumi): run pulumi refresh, then pulumi up to create it again`,
      );
    }
    throw upstreamFailure(`updating alert configuration ${alertConfigId} of project ${projectId}`, err);
  }
}

/** The id of the project's PAGER_DUTY integration now (it changes when the integration is created anew). */
async function currentIntegrationId(projectId: string, clients: Clients): Promise<string> {
  const integration = await clients.atlas.getIntegration(projectId, "PAGER_DUTY");
  if (!integration?.id) {
    throw new ProviderError(
      "INTEGRATION_MISSING",
      `project ${projectId} has no PagerDuty integration: declare a PagerDutyIntegration for it and pass it as this routing's integration`,
      "integration",
    );
  }
  return String(integration.id);
}

/** Delete: already gone is fine. */
export async function deleteRouting(id: string, clients: Clients): Promise<void> {
  const { projectId, alertConfigId } = parseRoutingId(id);
  await clients.atlas.deleteAlertConfig(projectId, alertConfigId).catch((err: unknown) => {
    throw upstreamFailure(`deleting alert configuration ${alertConfigId} of project ${projectId}`, err);
  });
}

export function parseRoutingId(id: string): { projectId: string; alertConfigId: string } {
  const [projectId, alertConfigId, ...rest] = id.split("/");
  if (!PROJECT_ID.test(projectId ?? "") || !/^[0-9a-f]{24}$/.test(alertConfigId ?? "") || rest.length > 0) {
    throw new ProviderError("INVALID_ID", `"${id}" is not an AlertRouting id: use <projectId>/<alertConfigId>, both 24 hexadecimal characters`);
  }
  return { projectId, alertConfigId };
}
