import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { Clients } from "../clients";
import type { Region } from "../config";
import { messageOf, ProviderError, upstreamFailure } from "../errors";
import { matchesRedacted, PROJECT_ID } from "../inputs";
import { UndoStack } from "../undo";
import { DEFAULT_INITIAL_SUMMARY } from "./check";
import { keyChanged } from "./diff";
import { newInitialDedupKey, resolveInitialAlert, triggerInitialAlert } from "./initial-alert";
import { INTEGRATION_TYPE, integrationResourceId, type IntegrationInputs, type IntegrationOutputs } from "./types";

/** The key to use, where it came from, and how to undo getting it. */
interface ResolvedKey {
  key: string;
  keyConfirmed: boolean;
  pagerdutyIntegrationId?: string;
  createdPagerdutyIntegration: boolean;
}

/**
 * Create: (1) confirm the key through the REST API, or create the integration
 * on the service; (2) trigger the initial alert; (3) store the integration in
 * the project API; (4) resolve the initial alert unless told to keep it open.
 * A failure at any step undoes the earlier ones.
 */
export async function createIntegration(inputs: IntegrationInputs, clients: Clients): Promise<CreateResult<IntegrationOutputs>> {
  if (inputs.importId) return adoptIntegration(inputs, clients);
  const undo = new UndoStack();
  try {
    const resolved = await resolveKey(inputs, clients, undo);
    const alert = await proveKey(inputs, resolved.key, clients, undo);
    let list: Array<{ id?: string | null; type?: string }>;
    try {
      list = await clients.atlas.createIntegration(inputs.projectId, INTEGRATION_TYPE, { type: INTEGRATION_TYPE, serviceKey: resolved.key, region: inputs.region });
    } catch (err) {
      if ((err as { code?: string }).code === "CONFLICT") {
        throw new ProviderError(
          "ALREADY_EXISTS",
          `project ${inputs.projectId} already has a PagerDuty integration. To manage it with Pulumi, import it: add the resource option ` +
            `{ import: "${integrationResourceId(inputs.projectId)}" } (with the same integrationKey and region as the existing one), run pulumi up, then remove the option; ` +
            `or delete it in the project's Integrations settings first.`,
          "projectId",
        );
      }
      throw upstreamFailure("storing the PagerDuty integration in the project API", err);
    }
    undo.push("delete the PAGER_DUTY integration from the project API", () => clients.atlas.deleteIntegration(inputs.projectId, INTEGRATION_TYPE));
    const stored = list.find((i) => i.type === INTEGRATION_TYPE);
    if (!stored?.id) throw new ProviderError("UPSTREAM", "the project API accepted the integration but did not return it in the project's integration list");
    await finishAlert(inputs, alert, clients, undo);
    return { id: integrationResourceId(inputs.projectId), outs: outputs(inputs, resolved, stored.id, alert.dedupKey) };
  } catch (err) {
    return undo.rollback(err);
  }
}

/**
 * Import: take over the project's existing integration without writing
 * anything, provided it is what the program declares (same key, by its last 4
 * characters and length, and same region). No initial alert is sent.
 */
async function adoptIntegration(inputs: IntegrationInputs, clients: Clients): Promise<CreateResult<IntegrationOutputs>> {
  const id = integrationResourceId(inputs.projectId);
  const read = await readIntegration(id, { ...inputs, keyConfirmed: false, createdPagerdutyIntegration: false } as IntegrationOutputs & Record<string, unknown>, clients);
  if (!read.props) {
    throw new ProviderError("INTEGRATION_MISSING", `nothing to import: project ${inputs.projectId} has no PagerDuty integration; remove the import option to create one`, "projectId");
  }
  const live = read.props;
  const problems: string[] = [];
  if (inputs.integrationKey && !matchesRedacted(inputs.integrationKey, "*".repeat(Math.max(0, live.keyLength - 4)) + live.keyLast4)) {
    problems.push(`the project's key ends in ${live.keyLast4} but integrationKey ends in ${inputs.integrationKey.slice(-4)}`);
  }
  if (live.region !== inputs.region) problems.push(`the project's region is ${live.region} but region is ${inputs.region}`);
  if (inputs.pagerdutyServiceId) problems.push("an integration made outside Pulumi can only be imported with integrationKey, not pagerdutyServiceId");
  if (problems.length > 0) {
    throw new ProviderError("ALREADY_EXISTS", `cannot import ${id}: ${problems.join("; ")}. Make the program match the existing integration, then run pulumi up again.`, "integrationKey");
  }
  const { importId: _ignored, ...declared } = inputs;
  return { id, outs: { ...live, ...declared, integrationKey: inputs.integrationKey ?? live.integrationKey, initialDedupKey: "", initialIncidentOpen: false } };
}

/**
 * Update: when the key, the service or the region changed (in the program or
 * by hand), prove the new key with a new initial alert, then PUT the full
 * object with the real key (never a redacted value read back). Otherwise only
 * the recorded options change.
 */
export async function updateIntegration(id: string, olds: IntegrationOutputs, news: IntegrationInputs, clients: Clients): Promise<UpdateResult<IntegrationOutputs>> {
  const serviceChanged = (olds.pagerdutyServiceId ?? undefined) !== (news.pagerdutyServiceId ?? undefined);
  if (!serviceChanged && !keyChanged(olds, news) && olds.region === news.region) {
    return { outs: { ...olds, initialAlert: news.initialAlert } };
  }
  const undo = new UndoStack();
  try {
    const resolved: ResolvedKey =
      !serviceChanged && news.pagerdutyServiceId && olds.integrationKey && !olds.integrationKey.includes("*")
        ? { key: olds.integrationKey, keyConfirmed: olds.keyConfirmed, pagerdutyIntegrationId: olds.pagerdutyIntegrationId, createdPagerdutyIntegration: olds.createdPagerdutyIntegration }
        : await resolveKey(news, clients, undo);
    const alert = await proveKey(news, resolved.key, clients, undo);
    let list: Array<{ id?: string | null; type?: string }>;
    try {
      list = await clients.atlas.replaceIntegration(news.projectId, INTEGRATION_TYPE, { type: INTEGRATION_TYPE, serviceKey: resolved.key, region: news.region });
    } catch (err) {
      if ((err as { code?: string }).code === "NOT_FOUND") {
        throw new ProviderError("INTEGRATION_MISSING", `project ${news.projectId} has no PagerDuty integration any more (deleted outside Pulumi): run pulumi refresh, then pulumi up to create it again`);
      }
      throw upstreamFailure("replacing the PagerDuty integration in the project API", err);
    }
    const stored = list.find((i) => i.type === INTEGRATION_TYPE);
    await finishAlert(news, alert, clients, undo);
    // The new key is live: retire what belonged to the old one.
    await retireOld(olds, clients, { resolveIncident: olds.initialIncidentOpen, deletePagerDutyIntegration: serviceChanged || (news.integrationKey !== undefined && olds.createdPagerdutyIntegration) });
    return { outs: outputs(news, resolved, stored?.id ?? olds.integrationId, alert.dedupKey) };
  } catch (err) {
    return undo.rollback(err);
  }
}

/**
 * Read (refresh and import): the live integration, compared with state by
 * region and by the redacted key's length and last 4 characters. The real key
 * stays in state; `keyLast4`/`keyLength` show what the project holds, so a key
 * changed by hand shows as drift and the next `pulumi up` puts ours back.
 */
export async function readIntegration(id: string, props: Partial<IntegrationOutputs> & Record<string, unknown>, clients: Clients): Promise<ReadResult<IntegrationOutputs>> {
  const projectId = parseIntegrationId(id);
  const live = await clients.atlas.getIntegration(projectId, INTEGRATION_TYPE).catch((err: unknown) => {
    throw upstreamFailure(`reading the PagerDuty integration of project ${projectId}`, err);
  });
  if (!live) return {};
  const liveKey = String((live as { serviceKey?: string }).serviceKey ?? "");
  const region = ((live as { region?: Region }).region ?? "US") as Region;
  const stateKey = typeof props.integrationKey === "string" && !props.integrationKey.includes("*") ? props.integrationKey : undefined;
  const serviceForm = typeof props.pagerdutyServiceId === "string";
  const initialAlert = props.initialAlert ?? { summary: DEFAULT_INITIAL_SUMMARY, severity: "info" as const, keepOpen: false };
  const outs: IntegrationOutputs = {
    projectId,
    region,
    initialAlert,
    ...(serviceForm ? { pagerdutyServiceId: props.pagerdutyServiceId } : {}),
    integrationId: String((live as { id?: string }).id ?? props.integrationId ?? ""),
    // Without a key of ours (an import that supplied none) all we have is the redacted one.
    integrationKey: stateKey ?? liveKey,
    keyLast4: liveKey.slice(-4),
    keyLength: liveKey.length,
    keyConfirmed: props.keyConfirmed === true && stateKey !== undefined && matchesRedacted(stateKey, liveKey),
    initialDedupKey: typeof props.initialDedupKey === "string" ? props.initialDedupKey : "",
    initialIncidentOpen: props.initialIncidentOpen === true,
    ...(props.pagerdutyIntegrationId ? { pagerdutyIntegrationId: props.pagerdutyIntegrationId } : {}),
    createdPagerdutyIntegration: props.createdPagerdutyIntegration === true,
  };
  const inputs: IntegrationInputs = {
    projectId,
    region,
    initialAlert,
    ...(serviceForm ? { pagerdutyServiceId: props.pagerdutyServiceId as string } : { integrationKey: stateKey ?? liveKey }),
  };
  return { id: integrationResourceId(projectId), props: outs, inputs: inputs as IntegrationOutputs };
}

/** Delete: the project's integration (already gone is fine), the initial incident if left open, the PagerDuty integration we created. */
export async function deleteIntegration(id: string, props: IntegrationOutputs, clients: Clients): Promise<void> {
  const projectId = parseIntegrationId(id);
  await clients.atlas.deleteIntegration(projectId, INTEGRATION_TYPE).catch((err: unknown) => {
    throw upstreamFailure(`deleting the PagerDuty integration of project ${projectId}`, err);
  });
  await retireOld(props, clients, { resolveIncident: props.initialIncidentOpen, deletePagerDutyIntegration: props.createdPagerdutyIntegration });
}

/** `<projectId>/PAGER_DUTY` (also accepted: a bare project id) to the project id. */
export function parseIntegrationId(id: string): string {
  const [projectId, type, ...rest] = id.split("/");
  if (!PROJECT_ID.test(projectId) || (type !== undefined && type !== INTEGRATION_TYPE) || rest.length > 0) {
    throw new ProviderError("INVALID_ID", `"${id}" is not a PagerDutyIntegration id: use <projectId>/PAGER_DUTY with the 24-character hexadecimal project id`);
  }
  return projectId;
}

async function resolveKey(inputs: IntegrationInputs, clients: Clients, undo: UndoStack): Promise<ResolvedKey> {
  const rest = clients.rest(inputs.region);
  if (inputs.pagerdutyServiceId) {
    const serviceId = inputs.pagerdutyServiceId;
    if (!rest) throw new ProviderError("CONFIG", "pagerdutyServiceId needs a PagerDuty REST API token: set --secret pdac:pagerdutyToken (or PAGERDUTY_TOKEN)", "pagerdutyServiceId");
    const service = await rest.getService(serviceId).catch((err: unknown) => {
      throw upstreamFailure(`looking up PagerDuty service ${serviceId}`, err);
    });
    if (!service) {
      throw new ProviderError("SERVICE_NOT_FOUND", `pagerdutyServiceId ${serviceId}: no such service in the PagerDuty account (region ${inputs.region}); check the id (the last part of the service's URL) and the region`, "pagerdutyServiceId");
    }
    const created = await rest.createEventsIntegration(serviceId, `MongoDB Atlas project ${inputs.projectId}`).catch((err: unknown) => {
      throw upstreamFailure(`creating an Events API v2 integration on PagerDuty service ${serviceId}`, err);
    });
    undo.push(`delete PagerDuty integration ${created.id} on service ${serviceId}`, () => rest.deleteIntegration(serviceId, created.id));
    if (!created.integration_key) throw new ProviderError("UPSTREAM", `PagerDuty created integration ${created.id} on service ${serviceId} but returned no integration_key`);
    return { key: created.integration_key, keyConfirmed: true, pagerdutyIntegrationId: created.id, createdPagerdutyIntegration: true };
  }
  const key = inputs.integrationKey!;
  if (!rest) return { key, keyConfirmed: false, createdPagerdutyIntegration: false };
  const found = await rest.findIntegrationByKey(key).catch((err: unknown) => {
    throw upstreamFailure("confirming integrationKey through the PagerDuty REST API", err);
  });
  if (!found) {
    throw new ProviderError(
      "KEY_NOT_CONFIRMED",
      `integrationKey (ending ${key.slice(-4)}) does not belong to any Events API v2 integration of a service in the PagerDuty account (region ${inputs.region}): ` +
        `check the key and the region, or unset pdac:pagerdutyToken to skip this confirmation`,
      "integrationKey",
    );
  }
  return { key, keyConfirmed: true, pagerdutyIntegrationId: found.integration.id, createdPagerdutyIntegration: false };
}

interface SentAlert {
  dedupKey: string;
  key: string;
  region: Region;
}

const RESOLVE_INITIAL = "resolve the initial alert";

async function proveKey(inputs: IntegrationInputs, key: string, clients: Clients, undo: UndoStack): Promise<SentAlert> {
  const alert = { dedupKey: newInitialDedupKey(inputs.projectId), key, region: inputs.region };
  try {
    await triggerInitialAlert(clients, { projectId: inputs.projectId, ...alert }, inputs.initialAlert);
  } catch (err) {
    if ((err as { code?: string }).code === "BAD_REQUEST") {
      throw new ProviderError("KEY_REJECTED", `PagerDuty rejected the initial alert for integrationKey: ${messageOf(err)}`, "integrationKey");
    }
    throw upstreamFailure("sending the initial alert to PagerDuty", err);
  }
  undo.push(RESOLVE_INITIAL, () => resolveInitialAlert(clients, alert));
  return alert;
}

async function finishAlert(inputs: IntegrationInputs, alert: SentAlert, clients: Clients, undo: UndoStack): Promise<void> {
  if (inputs.initialAlert.keepOpen) return;
  await resolveInitialAlert(clients, alert).catch((err: unknown) => {
    throw upstreamFailure("resolving the initial alert", err);
  });
  undo.forget(RESOLVE_INITIAL);
}

async function retireOld(olds: IntegrationOutputs, clients: Clients, what: { resolveIncident: boolean; deletePagerDutyIntegration: boolean }): Promise<void> {
  if (what.resolveIncident && olds.initialDedupKey && olds.integrationKey && !olds.integrationKey.includes("*")) {
    await resolveInitialAlert(clients, { region: olds.region, key: olds.integrationKey, dedupKey: olds.initialDedupKey }).catch((err: unknown) => {
      throw upstreamFailure("resolving the initial incident left open", err);
    });
  }
  if (what.deletePagerDutyIntegration && olds.pagerdutyServiceId && olds.pagerdutyIntegrationId) {
    const rest = clients.rest(olds.region);
    if (!rest) throw new ProviderError("CONFIG", `the PagerDuty integration ${olds.pagerdutyIntegrationId} this resource created needs pdac:pagerdutyToken to be deleted`);
    await rest.deleteIntegration(olds.pagerdutyServiceId, olds.pagerdutyIntegrationId).catch((err: unknown) => {
      throw upstreamFailure(`deleting PagerDuty integration ${olds.pagerdutyIntegrationId}`, err);
    });
  }
}

function outputs(inputs: IntegrationInputs, resolved: ResolvedKey, integrationId: string, dedupKey: string): IntegrationOutputs {
  return {
    ...inputs,
    integrationId,
    integrationKey: resolved.key,
    keyLast4: resolved.key.slice(-4),
    keyLength: resolved.key.length,
    keyConfirmed: resolved.keyConfirmed,
    initialDedupKey: dedupKey,
    initialIncidentOpen: inputs.initialAlert.keepOpen,
    ...(resolved.pagerdutyIntegrationId ? { pagerdutyIntegrationId: resolved.pagerdutyIntegrationId } : {}),
    createdPagerdutyIntegration: resolved.createdPagerdutyIntegration,
  };
}
