/**
 * The reconciler's scope, read live on every pass: of the configurations a route knows (its
 * `alertConfigIds`, those it received webhooks for, later those registered with it), those whose
 * current notifications still include a WEBHOOK to this route's intake URL. A configuration
 * switched to native delivery, disabled or deleted drops out at the next pass (the severity cache
 * is too old for this). A configuration that cannot be read is left out of this pass: the relay
 * never pages for a configuration it cannot confirm routes to it.
 */
import type { Logger } from "pino";
import type { AlertConfig, Integration } from "../../clients/atlas/types";
import type { RouteConfig } from "../config";
import { webhookUrlIsRoute } from "../domain/intake-url";

export interface AlertConfigLister {
  getAlertConfig(groupId: string, id: string): Promise<AlertConfig | undefined>;
  listIntegrations(groupId: string): Promise<Integration[]>;
}

export interface Watched {
  /** Minutes after the alert opened at which Atlas notifies this webhook (no trigger before). */
  delayMin: number;
}

type Notification = AlertConfig["notifications"][number] & { webhookUrl?: unknown; integrationId?: unknown; delayMin?: unknown };

/**
 * The URL a WEBHOOK notification posts to, as the project API shows it: its own `webhookUrl`, else
 * the integration it names, else the project's WEBHOOK integration.
 */
function shownUrl(n: Notification, integrations: () => Promise<Integration[]>): Promise<string | undefined> | string | undefined {
  if (typeof n.webhookUrl === "string") return n.webhookUrl;
  return integrations().then((all) => {
    const hooks = all.filter((i) => i.type === "WEBHOOK");
    const i = typeof n.integrationId === "string" ? hooks.find((h) => h.id === n.integrationId) : hooks[0];
    return typeof i?.url === "string" ? i.url : undefined;
  });
}

/** The route's webhook among a configuration's notifications (the smallest delay when there are several), or undefined. */
export async function webhookToRoute(
  cfg: AlertConfig,
  route: Pick<RouteConfig, "id">,
  publicUrl: string | undefined,
  integrations: () => Promise<Integration[]>,
): Promise<Watched | undefined> {
  if (cfg.enabled === false) return undefined;
  let found: Watched | undefined;
  for (const n of cfg.notifications as Notification[]) {
    if (n.typeName !== "WEBHOOK") continue;
    const url = await shownUrl(n, integrations);
    if (!url || !webhookUrlIsRoute(url, route.id, publicUrl)) continue;
    const delayMin = typeof n.delayMin === "number" && n.delayMin > 0 ? n.delayMin : 0;
    if (!found || delayMin < found.delayMin) found = { delayMin };
  }
  return found;
}

/** The configurations (of `ids`) that route to `route` right now, each with its webhook's delay. */
export async function watchedConfigs(
  atlas: AlertConfigLister,
  route: Pick<RouteConfig, "id" | "projectId">,
  ids: Iterable<string>,
  o: { publicUrl?: string; log: Logger; onRead?: (projectId: string, id: string, cfg: AlertConfig | undefined) => void },
): Promise<Map<string, Watched>> {
  const out = new Map<string, Watched>();
  let integrations: Promise<Integration[]> | undefined;
  const listIntegrations = () => (integrations ??= atlas.listIntegrations(route.projectId));
  for (const id of ids) {
    try {
      const cfg = await atlas.getAlertConfig(route.projectId, id);
      o.onRead?.(route.projectId, id, cfg);
      const w = cfg ? await webhookToRoute(cfg, route, o.publicUrl, listIntegrations) : undefined;
      if (w) out.set(id, w);
    } catch (err) {
      o.log.warn({ route: route.id, alertConfigId: id, err }, "reading the alert configuration failed; its alerts wait for the next pass");
    }
  }
  return out;
}
