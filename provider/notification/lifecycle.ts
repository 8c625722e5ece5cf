import { randomBytes } from "node:crypto";
import type { CreateResult, ReadResult, UpdateResult } from "@pulumi/pulumi/dynamic";
import type { Clients } from "../clients";
import { ProviderError, upstreamFailure, warn } from "../errors";
import { deepEqual, PROJECT_ID } from "../inputs";
import { ADOPT_WITHIN_MS } from "../routing/lifecycle";
import { UndoStack } from "../undo";
import { TARGET_FIELDS } from "./diff";
import {
  alreadyReaches,
  attachmentOf,
  type LiveConfig,
  type Outcome,
  type Plan,
  planAttach,
  planDetach,
  putBody,
  reachesTarget,
  type Target,
  targetOf,
} from "./merge";
import type { Attachment, NotificationInputs, NotificationOutputs, Skip } from "./schema";
import { missingIds, resolve, selects } from "./select";

/** Times one configuration is read, planned and written again when it changes under us before the PUT settles. */
export const MAX_ATTEMPTS = 5;
/** Configurations worked on at once (each is its own read, compare, PUT, read-back). */
const CONCURRENCY = 4;

/**
 * Create: attach our notification to every selected configuration. If a later one fails, the
 * ones already attached are detached again, so a failed create leaves nothing behind.
 */
export async function createNotification(inputs: NotificationInputs, clients: Clients): Promise<CreateResult<NotificationOutputs>> {
  const undo = new UndoStack();
  try {
    const outs = await reconcile(inputs, [], clients, { rewrite: false, undo });
    return { id: notificationResourceId(inputs.projectId), outs };
  } catch (err) {
    return undo.rollback(err);
  }
}

/** Update: the new selection and target; ours leaves configurations no longer selected. Safe to run again after a crash. */
export async function updateNotification(
  _id: string,
  olds: NotificationOutputs,
  news: NotificationInputs,
  clients: Clients,
): Promise<UpdateResult<NotificationOutputs>> {
  const rewrite = TARGET_FIELDS.some((f) => !deepEqual(olds[f] ?? undefined, news[f] ?? undefined));
  return { outs: await reconcile(news, olds.attachments ?? [], clients, { rewrite }) };
}

/** Delete: ours leaves every configuration it is on; a configuration already gone, or ours already removed, is fine. */
export async function deleteNotification(id: string, props: NotificationOutputs, clients: Clients): Promise<void> {
  const projectId = parseNotificationId(id).projectId;
  await each(props.attachments ?? [], async (a) => {
    const live = await getConfig(clients, projectId, a.alertConfigId);
    if (live) await settle(clients, projectId, live, (c) => planDetach(c, a.notifierId));
  });
}

/**
 * Read (refresh): the selection evaluated on the project as it is now, with one list call. A
 * configuration that newly matches, lost our notification, or left the selection shows as drift.
 */
export async function readNotification(id: string, props: NotificationOutputs, clients: Clients): Promise<ReadResult<NotificationOutputs>> {
  const { projectId } = parseNotificationId(id);
  if (!props.alertConfigIds && !props.selector) {
    // `pulumi import` reads with the id alone: nothing says which configurations, or which notifications are ours.
    throw new ProviderError(
      "INVALID_ID",
      `an AlertNotification cannot be imported: declare it in the program (its first pulumi up adds its notification where it is missing and skips configurations that already notify the same integration or route)`,
    );
  }
  let configs: LiveConfig[];
  try {
    configs = (await clients.atlas.listAlertConfigs(projectId)) as unknown as LiveConfig[];
  } catch (err) {
    if ((err as { code?: string }).code === "NOT_FOUND") return {};
    throw upstreamFailure(`listing the alert configurations of project ${projectId}`, err);
  }
  const inputs = inputsOf(props);
  const target = stateTarget(props);
  const known = new Map((props.attachments ?? []).map((a) => [a.alertConfigId, a.notifierId]));
  const attachments: Attachment[] = [];
  const skipped: Skip[] = [];
  for (const c of configs) {
    const notifierId = known.get(c.id);
    const ours = notifierId ? attachmentOf(c, notifierId) : undefined;
    if (ours) attachments.push(ours);
    else if (selects(inputs, c)) {
      const other = target && (c.notifications ?? []).find((n) => reachesTarget(n, target));
      if (other) skipped.push({ alertConfigId: c.id, notifierId: String(other.notifierId ?? ""), reason: alreadyReaches(c, target) });
    }
  }
  const outs: NotificationOutputs = { ...props, projectId, matched: resolve(inputs, configs), attachments, skipped };
  return { id, props: outs, inputs: inputs as NotificationOutputs };
}

/** The target as state knows it (read uses no other call): the integration's id, or the relay URL and secret. */
function stateTarget(props: NotificationOutputs): Target | undefined {
  if (props.delivery === "relay") return props.relayUrl && props.relaySecret ? targetOf(props) : undefined;
  return props.integrationId ? targetOf(props, { id: props.integrationId }) : undefined;
}

function inputsOf(props: NotificationOutputs): NotificationInputs {
  const { integrationId: _i, matched: _m, attachments: _a, skipped: _s, ...inputs } = props;
  return inputs;
}

interface ReconcileOptions {
  /** Rewrite our notification even where it looks right (its target, delay or secret changed). */
  rewrite: boolean;
  /** Create: each attachment made is recorded, to be undone if a later step fails. */
  undo?: UndoStack;
}

/**
 * Brings the project in line with the program: ours on every selected configuration (unless
 * another notification already reaches the same target: skipped with a warning), and on no other.
 */
async function reconcile(inputs: NotificationInputs, known: Attachment[], clients: Clients, o: ReconcileOptions): Promise<NotificationOutputs> {
  const { projectId } = inputs;
  const integration = inputs.delivery === "native" ? await requireIntegration(clients, projectId) : undefined;
  const target = targetOf(inputs, integration);
  const configs = (await clients.atlas.listAlertConfigs(projectId).catch((err: unknown) => {
    throw upstreamFailure(`listing the alert configurations of project ${projectId}`, err);
  })) as unknown as LiveConfig[];
  const missing = missingIds(inputs, configs);
  if (missing.length > 0) {
    throw new ProviderError(
      "NOT_FOUND",
      `project ${projectId} has no alert configuration ${missing.join(", ")} (deleted, or a wrong id): remove it from alertConfigIds`,
      "alertConfigIds",
    );
  }
  const knownBy = new Map(known.map((a) => [a.alertConfigId, a.notifierId]));
  const work = configs.filter((c) => selects(inputs, c) || knownBy.has(c.id));
  const results = await each(work, async (c) => {
    const notifierId = knownBy.get(c.id);
    if (!selects(inputs, c)) {
      await settle(clients, projectId, c, (live) => planDetach(live, notifierId!));
      return undefined;
    }
    const res = await attach(clients, projectId, c, target, notifierId, o);
    if (res?.outcome.kind === "attached" && res.outcome.notifierId && res.outcome.notifierId !== notifierId && o.undo) {
      const added = res.outcome.notifierId;
      o.undo.push(`remove the notification added to alert configuration ${c.id}`, async () => {
        const live = await getConfig(clients, projectId, c.id);
        if (live) await settle(clients, projectId, live, (l) => planDetach(l, added));
      });
    }
    return res && { ...res, id: c.id };
  });
  const attachments: Attachment[] = [];
  const skipped: Skip[] = [];
  for (const r of results) {
    if (!r?.live) continue;
    if (r.outcome.kind === "attached" && r.outcome.notifierId) attachments.push(attachmentOf(r.live, r.outcome.notifierId)!);
    if (r.outcome.kind === "skipped") {
      skipped.push(r.outcome.skip);
      warn(`AlertNotification in project ${projectId}: ${r.outcome.skip.reason}`);
    }
  }
  const live = new Set(results.filter((r) => r?.live).map((r) => r!.id));
  return {
    ...inputs,
    ...(integration ? { integrationId: integration.id } : {}),
    matched: resolve(inputs, configs).filter((id) => live.has(id)),
    attachments,
    skipped,
  };
}

/** Attach to one configuration; the notifierId of ours is learnt from the read-back when the project API assigns it. */
async function attach(clients: Clients, projectId: string, listed: LiveConfig, t: Target, known: string | undefined, o: ReconcileOptions) {
  let ours = known;
  let rewrite = o.rewrite;
  const adopt = (live: LiveConfig, n: Record<string, unknown>) => adoptable(live, n);
  return settle(
    clients,
    projectId,
    listed,
    (live) => planAttach(live, t, { known: ours, rewrite, adopt }),
    (before, back) => {
      rewrite = false;
      const added = (back.notifications ?? []).find((n) => reachesTarget(n, t) && !(before.notifications ?? []).some((b) => b.notifierId === n.notifierId));
      if (added) ours = String(added.notifierId);
    },
  );
}

/**
 * A notification in our exact shape that an earlier attempt of this resource added before it
 * crashed (or before its answer was lost): the last of several (we append, and a configuration
 * never has ours alone), on a configuration changed within the last hour. Anything else that
 * already reaches the target is someone's own and is skipped, never taken over.
 */
function adoptable(live: LiveConfig, n: Record<string, unknown>): boolean {
  const list = live.notifications ?? [];
  const at = Date.parse(String(live.updated ?? ""));
  return list.length > 1 && list[list.length - 1] === n && Number.isFinite(at) && Date.now() - at <= ADOPT_WITHIN_MS;
}

/**
 * One configuration's read-modify-write without lost updates (the project API has no conditional
 * PUT): plan on the configuration as read; re-read just before the PUT and plan again if anything
 * changed; PUT; read back and plan again, which must find nothing left to do (or go round again:
 * someone changed it just after). What remains is the one round trip between the re-read and the
 * PUT, during which an edit made elsewhere is overwritten.
 */
async function settle(
  clients: Clients,
  projectId: string,
  listed: LiveConfig,
  planOf: (live: LiveConfig) => Plan,
  written?: (before: LiveConfig, back: LiveConfig) => void,
): Promise<{ live?: LiveConfig; outcome: Outcome } | undefined> {
  let current = listed;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const plan = planOf(current);
    if (!plan.write) return { live: current, outcome: plan.outcome };
    const fresh = await getConfig(clients, projectId, current.id);
    if (!fresh) return undefined;
    if (!sameConfig(fresh, current)) {
      current = fresh;
      continue;
    }
    await clients.atlas.replaceAlertConfig(projectId, current.id, putBody(current, plan.notifications) as never).catch((err: unknown) => {
      throw upstreamFailure(`updating the notifications of alert configuration ${current.id} of project ${projectId}`, err);
    });
    const back = await getConfig(clients, projectId, current.id);
    if (!back) return undefined;
    written?.(current, back);
    current = back;
  }
  throw new ProviderError(
    "CONFLICT",
    `alert configuration ${listed.id} of project ${projectId} kept changing while its notifications were being updated (${MAX_ATTEMPTS} attempts): run the command again`,
  );
}

/** Equal as the project API showed them (links left out: they name the host that answered). */
function sameConfig(a: LiveConfig, b: LiveConfig): boolean {
  const { links: _a, ...x } = a;
  const { links: _b, ...y } = b;
  return deepEqual(x, y);
}

async function getConfig(clients: Clients, projectId: string, id: string): Promise<LiveConfig | undefined> {
  const c = await clients.atlas.getAlertConfig(projectId, id).catch((err: unknown) => {
    throw upstreamFailure(`reading alert configuration ${id} of project ${projectId}`, err);
  });
  return c as unknown as LiveConfig | undefined;
}

async function requireIntegration(clients: Clients, projectId: string): Promise<{ id: string; serviceKey?: string }> {
  const integration = await clients.atlas.getIntegration(projectId, "PAGER_DUTY").catch((err: unknown) => {
    throw upstreamFailure(`reading the PagerDuty integration of project ${projectId}`, err);
  });
  if (!integration?.id) {
    throw new ProviderError(
      "INTEGRATION_MISSING",
      `project ${projectId} has no PagerDuty integration: declare a PagerDutyIntegration for it and pass it as this notification's integration`,
      "integration",
    );
  }
  return { id: String(integration.id), serviceKey: integration.serviceKey };
}

/** `f` over `items` with at most CONCURRENCY at once; results in the items' order. */
async function each<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const failures: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length && failures.length === 0) {
        const i = next++;
        try {
          out[i] = await f(items[i]);
        } catch (err) {
          failures.push(err);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
  return out;
}

/** Ids are `<projectId>/notifications/<random>`: a project may have several. */
export function notificationResourceId(projectId: string): string {
  return `${projectId}/notifications/${randomBytes(6).toString("hex")}`;
}

export function parseNotificationId(id: string): { projectId: string } {
  const [projectId, kind, suffix, ...rest] = id.split("/");
  if (!PROJECT_ID.test(projectId ?? "") || kind !== "notifications" || !/^[0-9a-f]{12}$/.test(suffix ?? "") || rest.length > 0) {
    throw new ProviderError("INVALID_ID", `"${id}" is not an AlertNotification id: it is <projectId>/notifications/<12 hexadecimal characters>`);
  }
  return { projectId };
}
