import { randomUUID } from "node:crypto";
import { Agent, request } from "undici";
import type { FastifyBaseLogger } from "fastify";
import type { BackoffSchedule } from "../../../lib/backoff";
import type { Job } from "../../../lib/outbox";
import { transaction } from "../../../lib/sqlite";
import type { PdContext, WebhookRetryPolicy } from "../deps";
import { applyTimeouts } from "../domain/timeouts";
import { countPending, deliveryOutbox, deliveryQueue, retryableStatus, toDeliveryRow } from "../store/deliveries";
import { getSubscriptionById, recordDrop, resetDrops, type CustomHeader } from "../store/subscriptions";
import { signatureHeader } from "../../../lib/signatures/pagerduty";

export const USER_AGENT = "PagerDuty-Webhook/V3.0";

/** What one attempt ended as. */
export type AttemptOutcome = "delivered" | "retry" | "gave_up" | "dropped" | "held";

/** A delivery whose subscription is disabled waits this long before it is looked at again. */
const HOLD_MS = 60_000;

/**
 * The sandbox's webhook retries in the one backoff: the base doubling on each retry, no jitter
 * (today's numbers: 5 s, 10 s, 20 s, ... for 10 attempts by default), capped at an hour.
 */
export function webhookSchedule(policy: WebhookRetryPolicy): BackoffSchedule {
  return { baseMs: policy.baseDelayMs, maxMs: 3_600_000, jitter: 0 };
}

export interface DrainOptions {
  /** Also send deliveries still waiting out their backoff (for tests with a ManualClock or long delays). */
  ignoreSchedule?: boolean;
  /** Safety bound on poll rounds. */
  maxRounds?: number;
}

/**
 * Sends queued webhook deliveries. The outbox (lib/outbox) is the source of truth, so
 * deliveries survive restarts and a crash mid-send only delays them (the
 * lease expires). Retries 5xx, 429, network errors and timeouts with
 * webhookSchedule's backoff; any other status drops the delivery, and three drops in
 * a row disable the subscription.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly dispatcher: Agent;
  private readonly owner: string;
  private readonly backoff: BackoffSchedule;

  constructor(
    private readonly ctx: PdContext,
    private readonly policy: WebhookRetryPolicy,
    private readonly pollMs: number,
    private readonly log: FastifyBaseLogger,
  ) {
    this.dispatcher = new Agent({ keepAliveTimeout: 1_000, connect: { timeout: policy.timeoutMs } });
    this.owner = `pd-sandbox/${ctx.region}/${randomUUID()}`;
    this.backoff = webhookSchedule(policy);
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
    const claimed = deliveryOutbox(this.ctx.db).claimSync({
      queues: [deliveryQueue(this.ctx.region)],
      owner: this.owner,
      leaseMs: this.policy.timeoutMs + 5_000,
      limit: 50,
      now: nowMs,
      ...(opts.ignoreSchedule ? { dueBy: Number.MAX_SAFE_INTEGER } : {}),
    });
    // In order per subscription, subscriptions in parallel: one slow receiver does not hold up the others.
    const bySub = new Map<string, Job[]>();
    for (const j of claimed.sort((a, b) => a.id - b.id)) {
      const sub = toDeliveryRow(j).subscription_id;
      bySub.set(sub, [...(bySub.get(sub) ?? []), j]);
    }
    let attempted = 0;
    await Promise.all(
      [...bySub.values()].map(async (list) => {
        for (const j of list) if ((await this.attempt(j)) !== "held") attempted++;
      }),
    );
    return attempted;
  }

  private async attempt(job: Job): Promise<AttemptOutcome> {
    const d = toDeliveryRow(job);
    const jobs = deliveryOutbox(this.ctx.db);
    const sub = getSubscriptionById(this.ctx.db, d.subscription_id);
    const nowMs = this.ctx.clock.now().getTime();
    if (!sub) {
      // Deleted: its deliveries go with it.
      await jobs.deadLetter(job.id, this.owner, "subscription deleted", nowMs);
      return "dropped";
    }
    if (!sub.active) {
      // Disabled: kept, not attempted, until the subscription is enabled again.
      await jobs.release(job.id, this.owner, nowMs + HOLD_MS, nowMs);
      return "held";
    }
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
    return this.record(job, sub.id, status, error);
  }

  private record(job: Job, subscriptionId: string, status: number | null, error: string): AttemptOutcome {
    const now = this.ctx.clock.now();
    const nowMs = now.getTime();
    const nowIso = now.toISOString();
    const jobs = deliveryOutbox(this.ctx.db);
    return transaction(this.ctx.db, () => {
      if (status !== null && status >= 200 && status < 300) {
        jobs.completeSync(job.id, this.owner, nowMs, status);
        resetDrops(this.ctx.db, subscriptionId);
        return "delivered";
      }
      if (!retryableStatus(status)) {
        jobs.deadLetterSync(job.id, this.owner, `HTTP ${status}`, nowMs, status!);
        if (recordDrop(this.ctx.db, subscriptionId, nowIso))
          this.log.warn({ subscription: subscriptionId }, "webhook subscription disabled after 3 dropped deliveries");
        return "dropped";
      }
      // The outbox applies the backoff to the job's attempts (this one included).
      const state = jobs.failSync(job.id, this.owner, status !== null ? `HTTP ${status}` : error, nowMs, {
        schedule: this.backoff,
        maxAttempts: this.policy.maxAttempts,
        ...(status !== null ? { status } : {}),
      });
      return state === "dead" ? "gave_up" : "retry";
    });
  }
}
