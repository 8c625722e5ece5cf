/**
 * With a PagerDuty REST token, the relay creates (or adopts) one webhook subscription per service
 * behind its routes, pointing at its `/pagerduty` intake, so acknowledgement sync needs no manual
 * setup. PagerDuty reveals a subscription's secret only when creating it: the relay keeps it in
 * its store, and adopts on later starts only subscriptions whose secret it kept.
 *
 * Each secret is handed to the intake (`onSecret`) as soon as it is created or adopted, so a
 * failure further on never leaves PagerDuty's webhooks answered 401. The set-up lists the
 * services (with their integrations) once and the subscriptions once per attempt, whatever the
 * number of routes, and retries with backoff until every service is done; meanwhile `pending` is
 * true (the status page and relay_pagerduty_subscriptions_pending say so) and /readyz stays 200:
 * a PagerDuty REST outage must not take the relay out of its load balancer.
 */
import type { Logger } from "pino";
import type { PdIntegration, PdService, PdWebhookSubscription } from "../clients/pagerduty/rest";
import { EVENTS_V2_INTEGRATION_TYPE } from "../clients/pagerduty/rest";
import { backoffDelay, type BackoffSchedule } from "../lib/backoff";
import type { RouteConfig } from "./config";
import { SYNCED_EVENTS } from "./intake/pagerduty";
import type { RelayStore } from "./store/types";

/** The PagerDuty REST calls the set-up makes. */
export interface SubscriptionRest {
  listServices(opts: { includeIntegrations?: boolean }): Promise<PdService[]>;
  getIntegration(serviceId: string, integrationId: string): Promise<PdIntegration | undefined>;
  listWebhookSubscriptions(opts?: { serviceId?: string }): Promise<PdWebhookSubscription[]>;
  createWebhookSubscription(input: { url: string; serviceId: string; events: string[]; description?: string }): Promise<PdWebhookSubscription>;
}

export interface SubscriptionDeps {
  rest: SubscriptionRest;
  store: RelayStore;
  routes: readonly RouteConfig[];
  /** `{publicUrl}/pagerduty`. */
  url: string;
  log: Logger;
  /** A subscription's secret, usable now. */
  onSecret: (secret: string) => void;
  /** Between failed attempts (default 2 s growing to 5 min). */
  retry?: BackoffSchedule;
  /** The set-up's state changed (pending or not). */
  onState?: (pending: boolean) => void;
}

export const SUBSCRIPTION_RETRY: BackoffSchedule = { baseMs: 2_000, maxMs: 300_000 };

/** The service owning each route's routing key: one listing of the services, integrations read only where the list lacks their key. */
async function servicesOf(rest: SubscriptionRest, routes: readonly RouteConfig[]): Promise<Map<string, string>> {
  const wanted = new Set(routes.map((r) => r.routingKey));
  const byKey = new Map<string, string>();
  const unread: Array<{ service: string; integration: string }> = [];
  for (const service of await rest.listServices({ includeIntegrations: true })) {
    for (const ref of service.integrations ?? []) {
      if (!String(ref?.type ?? "").startsWith(EVENTS_V2_INTEGRATION_TYPE)) continue;
      const key = (ref as PdIntegration).integration_key;
      if (typeof key === "string") {
        if (wanted.has(key)) byKey.set(key, service.id);
      } else unread.push({ service: service.id, integration: ref.id });
    }
  }
  for (const u of unread) {
    if (byKey.size === wanted.size) break;
    const i = await rest.getIntegration(u.service, u.integration);
    if (i?.integration_key && wanted.has(i.integration_key)) byKey.set(i.integration_key, u.service);
  }
  return byKey;
}

export class WebhookSubscriptions {
  private readonly done = new Set<string>();
  private attempts = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private state: { pending: boolean; lastError?: string } = { pending: true };

  constructor(private readonly d: SubscriptionDeps) {}

  /** True until every service behind the routes has a subscription the relay holds the secret of (or cannot have one). */
  get pending(): boolean {
    return this.state.pending;
  }

  get lastError(): string | undefined {
    return this.state.lastError;
  }

  /** Runs the set-up now, and again with backoff until it is done. */
  start(): void {
    this.d.onState?.(true);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.attempt().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    this.attempts++;
    try {
      await this.once();
      this.state = { pending: false };
      this.d.onState?.(false);
    } catch (err) {
      const delay = backoffDelay(this.d.retry ?? SUBSCRIPTION_RETRY, this.attempts);
      this.state = { pending: true, lastError: err instanceof Error ? err.message : String(err) };
      this.d.log.warn(
        { err, attempt: this.attempts, retryInMs: delay },
        "setting up the PagerDuty webhook subscriptions failed; retrying (acknowledgement sync waits for them; see the README)",
      );
      this.schedule(delay);
    }
  }

  /** One pass: what is done stays done (a secret already handed over is not asked for again). */
  private async once(): Promise<void> {
    const d = this.d;
    const byKey = await servicesOf(d.rest, d.routes);
    const services = new Set<string>();
    for (const r of d.routes) {
      const service = byKey.get(r.routingKey);
      if (service) services.add(service);
      else if (this.attempts === 1)
        d.log.warn({ route: r.id }, "no PagerDuty service owns this route's routing key (a ruleset key?); subscribe to its service by hand");
    }
    const todo = [...services].filter((s) => !this.done.has(s));
    if (!todo.length) return;
    const ours = (await d.rest.listWebhookSubscriptions()).filter((s) => s.delivery_method?.url === d.url);
    for (const serviceId of todo) {
      const existing = ours.find((s) => s.filter?.id === serviceId);
      if (existing) {
        const kept = await d.store.getSetting(`pd-subscription-secret/${existing.id}`);
        if (kept) {
          d.onSecret(kept);
          d.log.info({ subscription: existing.id, service: serviceId }, "adopted the PagerDuty webhook subscription");
        } else {
          d.log.warn(
            { subscription: existing.id, service: serviceId },
            "a webhook subscription to this relay exists but its secret is unknown: add it to pagerduty.webhookSecrets, or delete the subscription so the relay recreates it",
          );
        }
        this.done.add(serviceId);
        continue;
      }
      const created = await d.rest.createWebhookSubscription({
        url: d.url,
        serviceId,
        events: SYNCED_EVENTS,
        description: "pagerduty-as-code relay: acknowledgement sync",
      });
      const secret = created.delivery_method?.secret;
      if (secret) {
        await d.store.setSetting(`pd-subscription-secret/${created.id}`, secret);
        d.onSecret(secret);
      }
      this.done.add(serviceId);
      d.log.info({ subscription: created.id, service: serviceId }, "created the PagerDuty webhook subscription");
    }
  }
}
