import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { Clients } from "../clients";
import type { Region } from "../config";
import { messageOf, ProviderError, upstreamFailure, warn } from "../errors";
import { matchesRedacted, PROJECT_ID } from "../inputs";
import { UndoStack } from "../undo";
import { DEFAULT_INITIAL_SUMMARY } from "./check";
import { keyChanged } from "./diff";
import { initialDedupKey, resolveInitialAlert, triggerInitialAlert } from "./initial-alert";
import { EVENTS_V2_INTEGRATION_TYPE } from "../../clients/pagerduty/rest";
import { INTEGRATION_TYPE, integrationResourceId, type IntegrationInputs, type IntegrationOutputs, type PendingCleanup } from "./types";
import { DEFAULT_REGION } from "../../lib/regions";

/** The key to use, where it came from, and how to undo getting it. */
interface ResolvedKey {
  key: string;
  keyConfirmed: boolean;
  pagerdutyIntegrationId?: string;
  createdPagerdutyIntegration: boolean;
}

/** The name the provider gives the Events API v2 integration it creates on a service: how a retry finds it again. */
export function serviceIntegrationName(projectId: string): string {
  return `MongoDB Atlas project ${projectId}`;
}

/**
 * Create: (1) confirm the key through the REST API, or find or create the
 * integration on the service; (2) trigger the initial alert (dedup key: a hash
 * of the project and the key, the same on every retry); (3) store the
 * integration in the project API: the commit point. A failure before it undoes
 * the earlier steps. A project that already holds the same key and region
 * (the attempt that crashed) is adopted. (4) resolve the initial alert unless
 * told to keep it open: past the commit point, a failure there is a warning
 * and a pending clean-up, never a rollback.
 */
export async function createIntegration(inputs: IntegrationInputs, clients: Clients): Promise<CreateResult<IntegrationOutputs>> {
  if (inputs.importId) return adoptIntegration(inputs, clients);
  const undo = new UndoStack();
  let resolved: ResolvedKey;
  let alert: SentAlert;
  let storedId: string;
  try {
    resolved = await resolveKey(inputs, clients, undo);
    alert = await proveKey(inputs, resolved.key, clients, undo);
    storedId = await storeNew(inputs, resolved.key, clients);
  } catch (err) {
    return undo.rollback(err);
  }
  // Committed: the project holds the key. Nothing below is undone.
  const steps: PendingCleanup[] = inputs.initialAlert.keepOpen ? [] : [resolveStep(alert)];
  const done = await runCleanups(inputs.projectId, steps, [resolved.key], clients);
  return { id: integrationResourceId(inputs.projectId), outs: outputs(inputs, resolved, storedId, alert.dedupKey, done) };
}

/** POST the integration; a project already holding this key and region (a crashed attempt) is adopted. Returns the project API's id. */
async function storeNew(inputs: IntegrationInputs, key: string, clients: Clients): Promise<string> {
  let list: Array<{ id?: string | null; type?: string }>;
  try {
    list = await clients.atlas.createIntegration(inputs.projectId, INTEGRATION_TYPE, { type: INTEGRATION_TYPE, serviceKey: key, region: inputs.region });
  } catch (err) {
    if ((err as { code?: string }).code !== "CONFLICT") throw upstreamFailure("storing the PagerDuty integration in the project API", err);
    const live = await clients.atlas.getIntegration(inputs.projectId, INTEGRATION_TYPE).catch((e: unknown) => {
      throw upstreamFailure(`reading the PagerDuty integration of project ${inputs.projectId}`, e);
    });
    if (live?.id && holdsKey(live, key, inputs.region)) return String(live.id);
    throw new ProviderError(
      "ALREADY_EXISTS",
      `project ${inputs.projectId} already has a PagerDuty integration with another key or region. To manage it with Pulumi, import it: add the resource option ` +
        `{ import: "${integrationResourceId(inputs.projectId)}" } (with the same integrationKey and region as the existing one), run pulumi up, then remove the option; ` +
        `or delete it in the project's Integrations settings first.`,
      "projectId",
    );
  }
  const stored = list.find((i) => i.type === INTEGRATION_TYPE);
  if (!stored?.id) throw new ProviderError("UPSTREAM", "the project API accepted the integration but did not return it in the project's integration list");
  return String(stored.id);
}

/** Whether the project's integration (redacted as read) is this key in this region. */
function holdsKey(live: unknown, key: string, region: Region): boolean {
  const l = live as { serviceKey?: string; region?: string };
  return typeof l.serviceKey === "string" && matchesRedacted(key, l.serviceKey) && (l.region ?? DEFAULT_REGION) === region;
}

/**
 * Import: take over the project's existing integration without writing
 * anything, provided it is what the program declares (same key, by its last 4
 * characters and length, and same region). No initial alert is sent.
 */
async function adoptIntegration(inputs: IntegrationInputs, clients: Clients): Promise<CreateResult<IntegrationOutputs>> {
  const id = integrationResourceId(inputs.projectId);
  const read = await readIntegration(
    id,
    { ...inputs, keyConfirmed: false, createdPagerdutyIntegration: false } as IntegrationOutputs & Record<string, unknown>,
    clients,
  );
  if (!read.props) {
    throw new ProviderError(
      "INTEGRATION_MISSING",
      `nothing to import: project ${inputs.projectId} has no PagerDuty integration; remove the import option to create one`,
      "projectId",
    );
  }
  const live = read.props;
  const problems: string[] = [];
  if (inputs.integrationKey && !matchesRedacted(inputs.integrationKey, "*".repeat(Math.max(0, live.keyLength - 4)) + live.keyLast4)) {
    problems.push(`the project's key ends in ${live.keyLast4} but integrationKey ends in ${inputs.integrationKey.slice(-4)}`);
  }
  if (live.region !== inputs.region) problems.push(`the project's region is ${live.region} but region is ${inputs.region}`);
  if (inputs.pagerdutyServiceId) problems.push("an integration made outside Pulumi can only be imported with integrationKey, not pagerdutyServiceId");
  if (problems.length > 0) {
    throw new ProviderError(
      "ALREADY_EXISTS",
      `cannot import ${id}: ${problems.join("; ")}. Make the program match the existing integration, then run pulumi up again.`,
      "integrationKey",
    );
  }
  const { importId: _ignored, ...declared } = inputs;
  return { id, outs: { ...live, ...declared, integrationKey: inputs.integrationKey ?? live.integrationKey, initialDedupKey: "", initialIncidentOpen: false } };
}

/**
 * Update: when the key, the service or the region changed (in the program or
 * by hand), prove the key in the (new) region with a new initial alert, then
 * PUT the full object with the real key (never a redacted value read back):
 * the commit point. Before it, a failure undoes this update's steps and the
 * project keeps the previous key. After it, resolving the alert, resolving the
 * old kept-open incident and deleting the old service's PagerDuty integration
 * are clean-up: a failure is a warning and a pending clean-up in state that
 * the next `pulumi up` retries. Without such a change, only pending clean-up
 * runs and the recorded options change.
 */
export async function updateIntegration(
  _id: string,
  olds: IntegrationOutputs,
  news: IntegrationInputs,
  clients: Clients,
): Promise<UpdateResult<IntegrationOutputs>> {
  const serviceChanged = (olds.pagerdutyServiceId ?? undefined) !== (news.pagerdutyServiceId ?? undefined);
  const regionChanged = olds.region !== news.region;
  const leftover = olds.pendingCleanup ?? [];
  const oldKeys = [olds.integrationKey, ...(olds.retiredKeys ?? [])].filter(isRealKey);
  if (!serviceChanged && !regionChanged && !keyChanged(olds, news)) {
    const done = await runCleanups(news.projectId, leftover, oldKeys, clients);
    const stillOpen =
      olds.initialIncidentOpen &&
      (olds.initialAlert.keepOpen || done.pending.some((p) => p.action === "resolveInitialAlert" && p.dedupKey === olds.initialDedupKey));
    const { pendingCleanup: _pending, retiredKeys: _retired, ...kept } = olds;
    return { outs: { ...kept, initialAlert: news.initialAlert, initialIncidentOpen: stillOpen, ...leftToDo(done) } };
  }
  const undo = new UndoStack();
  let resolved: ResolvedKey;
  let alert: SentAlert;
  let storedId: string;
  try {
    // The service form keeps its key while the service and region stay; a new region is another account: resolve and prove it there.
    const keep = !serviceChanged && !regionChanged && news.pagerdutyServiceId !== undefined && isRealKey(olds.integrationKey);
    resolved = keep
      ? {
          key: olds.integrationKey,
          // PagerDuty gave this key for the service: confirmed, whatever a refresh saw in the project (a key changed by hand).
          keyConfirmed: true,
          pagerdutyIntegrationId: olds.pagerdutyIntegrationId,
          createdPagerdutyIntegration: olds.createdPagerdutyIntegration,
        }
      : await resolveKey(news, clients, undo);
    alert = await proveKey(news, resolved.key, clients, undo);
    storedId = await storeReplacement(news, resolved.key, olds.integrationId, clients);
  } catch (err) {
    return undo.rollback(err);
  }
  // Committed: the project holds the new key. Retire what belonged to the old one; nothing is rolled back.
  const steps: PendingCleanup[] = [...leftover];
  if (!news.initialAlert.keepOpen) steps.push(resolveStep(alert));
  if (
    olds.initialIncidentOpen &&
    olds.initialDedupKey &&
    isRealKey(olds.integrationKey) &&
    !(olds.initialDedupKey === alert.dedupKey && olds.region === alert.region)
  ) {
    steps.push({ action: "resolveInitialAlert", region: olds.region, dedupKey: olds.initialDedupKey, keyLast4: olds.integrationKey.slice(-4) });
  }
  if (
    olds.createdPagerdutyIntegration &&
    olds.pagerdutyServiceId &&
    olds.pagerdutyIntegrationId &&
    olds.pagerdutyIntegrationId !== resolved.pagerdutyIntegrationId
  ) {
    steps.push({ action: "deletePagerDutyIntegration", region: olds.region, serviceId: olds.pagerdutyServiceId, integrationId: olds.pagerdutyIntegrationId });
  }
  const done = await runCleanups(news.projectId, steps, [resolved.key, ...oldKeys], clients);
  return { outs: outputs(news, resolved, storedId, alert.dedupKey, done) };
}

/**
 * PUT the integration. A failure that may have landed (a timeout after the
 * project applied it) is read back: if the project holds the new key, the
 * update is committed and must not be undone.
 */
async function storeReplacement(news: IntegrationInputs, key: string, previousId: string, clients: Clients): Promise<string> {
  try {
    const list = await clients.atlas.replaceIntegration(news.projectId, INTEGRATION_TYPE, { type: INTEGRATION_TYPE, serviceKey: key, region: news.region });
    return String(list.find((i) => i.type === INTEGRATION_TYPE)?.id ?? previousId);
  } catch (err) {
    if ((err as { code?: string }).code === "NOT_FOUND") {
      throw new ProviderError(
        "INTEGRATION_MISSING",
        `project ${news.projectId} has no PagerDuty integration any more (deleted outside Pulumi): run pulumi refresh, then pulumi up to create it again`,
      );
    }
    const live = await clients.atlas.getIntegration(news.projectId, INTEGRATION_TYPE).catch(() => undefined);
    if (live?.id && holdsKey(live, key, news.region)) return String(live.id);
    throw upstreamFailure("replacing the PagerDuty integration in the project API", err);
  }
}

/**
 * Read (refresh and import): the live integration, compared with state by
 * region and by the redacted key's length and last 4 characters. The real key
 * stays in state; `keyLast4`/`keyLength` show what the project holds, so a key
 * changed by hand shows as drift and the next `pulumi up` puts ours back.
 */
export async function readIntegration(
  id: string,
  props: Partial<IntegrationOutputs> & Record<string, unknown>,
  clients: Clients,
): Promise<ReadResult<IntegrationOutputs>> {
  const projectId = parseIntegrationId(id);
  const live = await clients.atlas.getIntegration(projectId, INTEGRATION_TYPE).catch((err: unknown) => {
    throw upstreamFailure(`reading the PagerDuty integration of project ${projectId}`, err);
  });
  if (!live) return {};
  const liveKey = String((live as { serviceKey?: string }).serviceKey ?? "");
  const region = ((live as { region?: Region }).region ?? DEFAULT_REGION) as Region;
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
    // Not visible in the project API: carried over from state as they are.
    ...(Array.isArray(props.pendingCleanup) ? { pendingCleanup: props.pendingCleanup } : {}),
    ...(Array.isArray(props.retiredKeys) ? { retiredKeys: props.retiredKeys } : {}),
  };
  const inputs: IntegrationInputs = {
    projectId,
    region,
    initialAlert,
    ...(serviceForm ? { pagerdutyServiceId: props.pagerdutyServiceId as string } : { integrationKey: stateKey ?? liveKey }),
  };
  return { id: integrationResourceId(projectId), props: outs, inputs: inputs as IntegrationOutputs };
}

/**
 * Delete: the project's integration (already gone is fine), then the clean-up:
 * pending clean-up, the initial incident if left open, the PagerDuty
 * integration we created. Every step is idempotent, so a delete that failed or
 * crashed part-way is simply run again; a failed clean-up fails the delete
 * (after trying every step) so the resource stays in state until it is done.
 */
export async function deleteIntegration(id: string, props: IntegrationOutputs, clients: Clients): Promise<void> {
  const projectId = parseIntegrationId(id);
  await clients.atlas.deleteIntegration(projectId, INTEGRATION_TYPE).catch((err: unknown) => {
    throw upstreamFailure(`deleting the PagerDuty integration of project ${projectId}`, err);
  });
  const steps: PendingCleanup[] = [...(props.pendingCleanup ?? [])];
  if (props.initialIncidentOpen && props.initialDedupKey && isRealKey(props.integrationKey)) {
    steps.push({ action: "resolveInitialAlert", region: props.region, dedupKey: props.initialDedupKey, keyLast4: props.integrationKey.slice(-4) });
  }
  if (props.createdPagerdutyIntegration && props.pagerdutyServiceId && props.pagerdutyIntegrationId) {
    steps.push({
      action: "deletePagerDutyIntegration",
      region: props.region,
      serviceId: props.pagerdutyServiceId,
      integrationId: props.pagerdutyIntegrationId,
    });
  }
  const keys = [props.integrationKey, ...(props.retiredKeys ?? [])].filter(isRealKey);
  const done = await runCleanups(projectId, steps, keys, clients, { quiet: true });
  if (done.failures.length > 0) {
    throw new ProviderError(
      "UPSTREAM",
      `the project's PagerDuty integration is deleted, but clean-up failed; run pulumi destroy (or up) again to retry:\n- ${done.failures.join("\n- ")}`,
    );
  }
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
    if (!rest)
      throw new ProviderError(
        "CONFIG",
        `pagerdutyServiceId needs a PagerDuty REST API token: set --secret ${clients.setting("pagerdutyToken")} (or PAGERDUTY_TOKEN)`,
        "pagerdutyServiceId",
      );
    const service = await rest.getService(serviceId, { includeIntegrations: true }).catch((err: unknown) => {
      throw upstreamFailure(`looking up PagerDuty service ${serviceId}`, err);
    });
    if (!service) {
      throw new ProviderError(
        "SERVICE_NOT_FOUND",
        `pagerdutyServiceId ${serviceId}: no such service in the PagerDuty account (region ${inputs.region}); check the id (the last part of the service's URL) and the region`,
        "pagerdutyServiceId",
      );
    }
    const name = serviceIntegrationName(inputs.projectId);
    // An attempt that crashed may have created it already: look it up by the name we give it before creating one.
    const mine = (service.integrations ?? []).find(
      (i) => String(i?.type ?? "").startsWith(EVENTS_V2_INTEGRATION_TYPE) && ((i as { name?: string }).name ?? i.summary) === name,
    );
    let created = mine && (mine as { integration_key?: string }).integration_key ? (mine as { id: string; integration_key?: string }) : undefined;
    if (mine && !created) {
      created = await rest.getIntegration(serviceId, mine.id).catch((err: unknown) => {
        throw upstreamFailure(`reading integration ${mine.id} of PagerDuty service ${serviceId}`, err);
      });
    }
    if (!created) {
      created = await rest.createEventsIntegration(serviceId, name).catch((err: unknown) => {
        throw upstreamFailure(`creating an Events API v2 integration on PagerDuty service ${serviceId}`, err);
      });
    }
    const integrationId = created!.id;
    undo.push(`delete PagerDuty integration ${integrationId} on service ${serviceId}`, () => rest.deleteIntegration(serviceId, integrationId));
    if (!created!.integration_key) throw new ProviderError("UPSTREAM", `PagerDuty integration ${integrationId} on service ${serviceId} has no integration_key`);
    return { key: created!.integration_key, keyConfirmed: true, pagerdutyIntegrationId: integrationId, createdPagerdutyIntegration: true };
  }
  const key = inputs.integrationKey!;
  if (!rest) return { key, keyConfirmed: false, createdPagerdutyIntegration: false };
  const search = await rest.findIntegrationByKey(key, { maxPages: CONFIRM_MAX_PAGES }).catch((err: unknown) => {
    throw upstreamFailure("confirming integrationKey through the PagerDuty REST API", err);
  });
  if (search.found) return { key, keyConfirmed: true, pagerdutyIntegrationId: search.found.integration.id, createdPagerdutyIntegration: false };
  if (!search.complete) {
    warn(
      `integrationKey (ending ${key.slice(-4)}) was not found in the first ${CONFIRM_MAX_PAGES} pages of services of the PagerDuty account (region ${inputs.region}); ` +
        `it is used without confirmation (keyConfirmed: false). Check the initial incident in PagerDuty.`,
    );
    return { key, keyConfirmed: false, createdPagerdutyIntegration: false };
  }
  throw new ProviderError(
    "KEY_NOT_CONFIRMED",
    `integrationKey (ending ${key.slice(-4)}) does not belong to any Events API v2 integration of a service in the PagerDuty account (region ${inputs.region}): ` +
      `check the key and the region, or unset ${clients.setting("pagerdutyToken")} to skip this confirmation`,
    "integrationKey",
  );
}

/** Key confirmation reads at most this many pages of services (100 each), so a create never exhausts a large account's REST rate limit. */
export const CONFIRM_MAX_PAGES = 10;

interface SentAlert {
  dedupKey: string;
  key: string;
  region: Region;
}

async function proveKey(inputs: IntegrationInputs, key: string, clients: Clients, undo: UndoStack): Promise<SentAlert> {
  const alert = { dedupKey: initialDedupKey(inputs.projectId, key), key, region: inputs.region };
  try {
    await triggerInitialAlert(clients, { projectId: inputs.projectId, ...alert }, inputs.initialAlert);
  } catch (err) {
    if ((err as { code?: string }).code === "BAD_REQUEST") {
      // Only PagerDuty's complaints about the routing key are the key's fault.
      const message = messageOf(err);
      const property = /routing.?key/i.test(message) ? "integrationKey" : /summary/i.test(message) ? "initialAlert.summary" : undefined;
      throw new ProviderError("KEY_REJECTED", `PagerDuty rejected the initial alert${property ? ` (${property})` : ""}: ${message}`, property);
    }
    throw upstreamFailure("sending the initial alert to PagerDuty", err);
  }
  undo.push("resolve the initial alert", () => resolveInitialAlert(clients, alert));
  return alert;
}

function resolveStep(alert: SentAlert): PendingCleanup {
  return { action: "resolveInitialAlert", region: alert.region, dedupKey: alert.dedupKey, keyLast4: alert.key.slice(-4) };
}

function isRealKey(k: unknown): k is string {
  return typeof k === "string" && k !== "" && !k.includes("*");
}

interface CleanupOutcome {
  /** Steps that failed: recorded in state, retried by the next update. */
  pending: PendingCleanup[];
  /** Keys the pending steps still need, other than the project's. */
  retiredKeys: string[];
  failures: string[];
}

/**
 * Runs clean-up steps past a commit point. Each is idempotent (resolving a
 * resolved incident, deleting a deleted integration are no-ops), so retrying
 * is always safe. A failure does not stop the others: it becomes a warning
 * and a pending step.
 */
async function runCleanups(
  projectId: string,
  steps: PendingCleanup[],
  keys: string[],
  clients: Clients,
  opts: { quiet?: boolean } = {},
): Promise<CleanupOutcome> {
  const pending: PendingCleanup[] = [];
  const failures: string[] = [];
  const needed = new Set<string>();
  for (const step of steps) {
    try {
      if (step.action === "resolveInitialAlert") {
        const key = keys.find((k) => initialDedupKey(projectId, k) === step.dedupKey) ?? keys.find((k) => k.slice(-4) === step.keyLast4);
        if (!key) continue; // the key is gone from state: nothing can resolve it (reported when it was dropped)
        try {
          await resolveInitialAlert(clients, { region: step.region, key, dedupKey: step.dedupKey });
        } catch (err) {
          needed.add(key);
          throw err;
        }
      } else {
        const rest = clients.rest(step.region);
        if (!rest) throw new ProviderError("CONFIG", `set ${clients.setting("pagerdutyToken")}: deleting it needs the PagerDuty REST API`);
        await rest.deleteIntegration(step.serviceId, step.integrationId);
      }
    } catch (err) {
      pending.push(step);
      failures.push(`${describeCleanup(step)}: ${messageOf(err)}`);
    }
  }
  if (failures.length > 0 && !opts.quiet) {
    warn(
      `the PagerDuty integration of project ${projectId} is stored, but clean-up failed; the next pulumi up retries it (pendingCleanup):\n- ${failures.join("\n- ")}`,
    );
  }
  return { pending, retiredKeys: [...needed].filter((k) => k !== keys[0]), failures };
}

function describeCleanup(step: PendingCleanup): string {
  return step.action === "resolveInitialAlert"
    ? `resolve the initial incident ${step.dedupKey} (key ending ${step.keyLast4}, region ${step.region})`
    : `delete PagerDuty integration ${step.integrationId} on service ${step.serviceId} (region ${step.region})`;
}

function outputs(inputs: IntegrationInputs, resolved: ResolvedKey, integrationId: string, dedupKey: string, done: CleanupOutcome): IntegrationOutputs {
  const unresolved = done.pending.some((p) => p.action === "resolveInitialAlert" && p.dedupKey === dedupKey);
  return {
    ...inputs,
    integrationId,
    integrationKey: resolved.key,
    keyLast4: resolved.key.slice(-4),
    keyLength: resolved.key.length,
    keyConfirmed: resolved.keyConfirmed,
    initialDedupKey: dedupKey,
    initialIncidentOpen: inputs.initialAlert.keepOpen || unresolved,
    ...(resolved.pagerdutyIntegrationId ? { pagerdutyIntegrationId: resolved.pagerdutyIntegrationId } : {}),
    createdPagerdutyIntegration: resolved.createdPagerdutyIntegration,
    ...leftToDo(done),
  };
}

/** `pendingCleanup` and `retiredKeys` for state: left out when empty (an encrypted empty list alone is 200 bytes of state). */
function leftToDo(done: CleanupOutcome): Pick<IntegrationOutputs, "pendingCleanup" | "retiredKeys"> {
  return {
    ...(done.pending.length > 0 ? { pendingCleanup: done.pending } : {}),
    ...(done.retiredKeys.length > 0 ? { retiredKeys: done.retiredKeys } : {}),
  };
}
