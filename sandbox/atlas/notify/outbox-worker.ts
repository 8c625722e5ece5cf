import { randomUUID } from "node:crypto";
import { backoffDelay, type BackoffSchedule } from "../../../lib/backoff";
import type { Clock } from "../../../lib/clock";
import type { Job } from "../../../lib/outbox";
import { NOTIFY_QUEUE, type Notification, type OutboxStore } from "../store/outbox";

export interface RetryPolicy {
  baseDelayMs: number;
  maxAttempts: number;
}

/** Receives one line per delivery problem; never the body (it holds routing keys). */
export type DeliveryLog = (message: string) => void;

/** A response status worth retrying: rate limiting, timeouts and server errors (PagerDuty's rules). */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

const DELIVERY_TIMEOUT_MS = 10_000;
/** A delivery's lease outlives its timeout, so a crashed process's jobs come back and no live one is sent twice. */
const LEASE_MS = DELIVERY_TIMEOUT_MS + 5_000;

/**
 * Atlas's notification retries in the one backoff: the base doubling on each retry, no jitter
 * (the sandbox's numbers: 1 s, 2 s, 4 s, ... by default), capped at an hour.
 */
export function notifySchedule(retry: RetryPolicy): BackoffSchedule {
  return { baseMs: retry.baseDelayMs, maxMs: 3_600_000, jitter: 0 };
}

/**
 * Delivers the outbox (lib/outbox jobs): every due entry is POSTed; 2xx marks it
 * sent, 4xx (except 408/429) dead-letters it, anything else is retried with
 * the backoff of notifySchedule (or Retry-After when longer) until maxAttempts. Time comes from the sandbox clock, so with a manual clock a
 * retry waits until the test moves the clock.
 */
export class OutboxWorker {
  private running?: Promise<number>;
  private rerun = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly inflight = new Set<AbortController>();
  private readonly owner = `atlas-sandbox/${randomUUID()}`;
  private readonly backoff: BackoffSchedule;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly retry: RetryPolicy,
    private readonly log: DeliveryLog = () => {},
  ) {
    this.backoff = notifySchedule(retry);
  }

  /** Asks for a drain soon (after the current transaction and response). */
  kick(): void {
    if (this.stopped) return;
    setImmediate(() => void this.drain().catch((err) => this.log(`outbox drain failed: ${String(err)}`)));
  }

  /** Delivers everything due now; resolves with how many deliveries were attempted. Concurrent calls share one run. */
  drain(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      let n = 0;
      do {
        this.rerun = false;
        for (;;) {
          if (this.stopped) break;
          // The outbox hands out at most one job per (alert, channel): a resolve never overtakes its trigger.
          const batch = this.outbox.jobs.claimSync({
            queues: [NOTIFY_QUEUE],
            owner: this.owner,
            leaseMs: LEASE_MS,
            limit: 32,
            now: this.clock.now().getTime(),
          });
          if (batch.length === 0) break;
          // One entry per (alert, channel) per batch, so parallel sends keep each channel in order.
          await Promise.all(batch.map((e) => this.deliver(e)));
          n += batch.length;
        }
      } while (this.rerun && !this.stopped);
      return n;
    })().finally(() => {
      this.running = undefined;
      void this.schedule().catch(() => {});
    });
    return this.running;
  }

  /** Wakes up for the next retry when real time is what the clock follows. */
  private async schedule(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = await this.outbox.jobs.nextRunAt();
    if (this.stopped) return;
    if (next === undefined) return;
    const wait = Math.min(Math.max(next - this.clock.now().getTime(), 10), 1000);
    this.timer = setTimeout(() => void this.drain().catch(() => {}), wait);
    this.timer.unref();
  }

  private async deliver(job: Job): Promise<void> {
    const e = job.payload as Notification;
    const jobs = this.outbox.jobs;
    const attempts = job.attempts;
    const ac = new AbortController();
    this.inflight.add(ac);
    const timeout = setTimeout(() => ac.abort(), DELIVERY_TIMEOUT_MS);
    let status: number | undefined;
    let retryAfterMs = 0;
    let error = "";
    try {
      const res = await fetch(e.url, { method: "POST", headers: e.headers, body: e.body, signal: ac.signal });
      status = res.status;
      const text = await res.text().catch(() => "");
      if (res.ok) {
        jobs.completeSync(job.id, this.owner, this.clock.now().getTime(), res.status);
        return;
      }
      const ra = Number(res.headers.get("retry-after"));
      if (Number.isFinite(ra) && ra > 0) retryAfterMs = ra * 1000;
      error = `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`;
    } catch (err) {
      error = ac.signal.aborted ? "timed out or stopped" : `network error: ${(err as Error).message}`;
    } finally {
      clearTimeout(timeout);
      this.inflight.delete(ac);
    }
    const now = this.clock.now().getTime();
    if (this.stopped && status === undefined) {
      // Interrupted by stop: pending for the next start, the attempt not counted.
      await jobs.release(job.id, this.owner, job.runAt, now);
      return;
    }
    let state: string | undefined;
    if (status !== undefined && !retryable(status)) {
      jobs.deadLetterSync(job.id, this.owner, error, now, status);
      state = "dead";
    } else {
      const runAt = now + Math.max(backoffDelay(this.backoff, attempts), retryAfterMs);
      state = jobs.failSync(job.id, this.owner, error, now, { schedule: this.backoff, runAt, maxAttempts: this.retry.maxAttempts, status });
    }
    if (state === "dead") this.log(`notification ${e.id} (${e.kind} ${e.event}) failed after ${attempts} attempt(s): ${status ?? "no response"}`);
  }

  /** Stops deliveries: pending entries stay in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const ac of this.inflight) ac.abort();
    await this.running?.catch(() => {});
  }
}
