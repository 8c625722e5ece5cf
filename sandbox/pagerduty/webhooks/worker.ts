import { Agent, request } from "undici";
import type { FastifyBaseLogger } from "fastify";
import { transaction } from "../../../lib/sqlite";
import type { PdContext, WebhookRetryPolicy } from "../deps";
import { applyTimeouts } from "../domain/timeouts";
import { claimDue, countPending, markDelivered, markDropped, markRetry, type DeliveryRow } from "../store/deliveries";
import { getSubscriptionById, recordDrop, resetDrops, type CustomHeader } from "../store/subscriptions";
import { signatureHeader } from "../../../lib/signatures/pagerduty";

export const USER_AGENT = "PagerDuty-Webhook/V3.0";

/** What one attempt ended as. */
export type AttemptOutcome = "delivered" | "retry" | "gave_up" | "dropped";

export interface DrainOptions {
  /** Also send deliveries still waiting out their backoff (for tests with a ManualClock or long delays). */
  ignoreSchedule?: boolean;
  /** Safety bound on poll rounds. */
  maxRounds?: number;
}

/**
 * Sends queued webhook deliveries. The outbox table is the source of truth, so
 * deliveries survive restarts and a crash mid-send only delays them (the
 * lease expires). Retries 5xx, 429, network errors and timeouts with
 * exponential backoff; any other status drops the delivery, and three drops in
 * a row disable the subscription.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly dispatcher: Agent;

  constructor(
    private readonly ctx: PdContext,
    private readonly policy: WebhookRetryPolicy,
    private readonly pollMs: number,
    private readonly log: FastifyBaseLogger,
  ) {
    this.dispatcher = new Agent({ keepAliveTimeout: 1_000, connect: { timeout: policy.timeoutMs } });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.log.error({ err }, "webhook worker tick failed"));
    }, this.pollMs);
    // A forgotten sandbox must not keep the process alive.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    await this.dispatcher.close();
  }

  /** One poll: apply service timeouts, then send what is due. Never overlaps itself. Returns deliveries attempted. */
  tick(opts: DrainOptions = {}): Promise<number> {
    if (!this.running) {
      this.running = this.runOnce(opts).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Sends everything due now (and, with `ignoreSchedule`, everything pending) until nothing is left to attempt. */
  async drain(opts: DrainOptions = {}): Promise<void> {
    await this.running?.catch(() => undefined);
    for (let round = 0; round < (opts.maxRounds ?? 100); round++) {
      const n = await this.tick(opts);
      if (n === 0 || (opts.ignoreSchedule && countPending(this.ctx.db, this.ctx.region) === 0)) return;
    }
  }

  private async runOnce(opts: DrainOptions): Promise<number> {
    applyTimeouts(this.ctx);
    const nowMs = this.ctx.clock.now().getTime();
    const claimed = claimDue(this.ctx.db, this.ctx.region, nowMs, this.policy.timeoutMs + 5_000, 50, opts.ignoreSchedule);
    // In order per subscription, subscriptions in parallel: one slow receiver does not hold up the others.
    const bySub = new Map<string, DeliveryRow[]>();
    for (const d of claimed) bySub.set(d.subscription_id, [...(bySub.get(d.subscription_id) ?? []), d]);
    await Promise.all(
      [...bySub.values()].map(async (list) => {
        for (const d of list) await this.attempt(d);
      }),
    );
    return claimed.length;
  }

  private async attempt(d: DeliveryRow): Promise<AttemptOutcome> {
    const sub = getSubscriptionById(this.ctx.db, d.subscription_id);
    if (!sub) return "dropped";
    const headers: Record<string, string> = {};
    for (const h of JSON.parse(sub.custom_headers) as CustomHeader[]) headers[h.name.toLowerCase()] = h.value;
    Object.assign(headers, {
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      // The delivery's id: unique per (event, subscription) and repeated on every retry, for receivers to de-duplicate.
      "x-webhook-id": d.id,
      "x-webhook-subscription": sub.id,
      "x-pagerduty-signature": signatureHeader(sub.secret, d.body),
    });
    let status: number | null = null;
    let error = "";
    try {
      const res = await request(sub.url, {
        method: "POST",
        headers,
        body: d.body,
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.policy.timeoutMs),
        headersTimeout: this.policy.timeoutMs,
        bodyTimeout: this.policy.timeoutMs,
      });
      status = res.statusCode;
      await res.body.dump().catch(() => undefined);
    } catch (err) {
      const e = err as { code?: string; name?: string };
      // Only the error class: messages can carry the URL, which may embed a credential.
      error = e.name === "TimeoutError" || e.name === "AbortError" ? "timeout" : (e.code ?? e.name ?? "network error");
    }
    return this.record(d, sub.id, status, error);
  }

  private record(d: DeliveryRow, subscriptionId: string, status: number | null, error: string): AttemptOutcome {
    const now = this.ctx.clock.now();
    const nowIso = now.toISOString();
    return transaction(this.ctx.db, () => {
      if (status !== null && status >= 200 && status < 300) {
        markDelivered(this.ctx.db, d.id, status, nowIso);
        resetDrops(this.ctx.db, subscriptionId);
        return "delivered";
      }
      const retryable = status === null || status === 429 || status >= 500;
      if (!retryable) {
        markDropped(this.ctx.db, d.id, status!, nowIso);
        if (recordDrop(this.ctx.db, subscriptionId, nowIso)) this.log.warn({ subscription: subscriptionId }, "webhook subscription disabled after 3 dropped deliveries");
        return "dropped";
      }
      const attempts = d.attempts + 1;
      const next = attempts >= this.policy.maxAttempts ? null : now.getTime() + this.policy.baseDelayMs * 2 ** (attempts - 1);
      markRetry(this.ctx.db, d.id, status, status !== null ? `HTTP ${status}` : error, next, nowIso);
      return next === null ? "gave_up" : "retry";
    });
  }
}
