import type { Clock } from "../../../lib/clock";
import type { OutboxEntry, OutboxStore } from "../store/outbox";

export interface RetryPolicy {
  baseDelayMs: number;
  maxAttempts: number;
}

/** Receives one line per delivery problem; never the body (it holds routing keys). */
export type DeliveryLog = (message: string) => void;

/** A response status worth retrying: rate limiting, timeouts and server errors (PagerDuty's rules). */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Delivers the outbox: every due entry is POSTed; 2xx marks it sent, 4xx
 * (except 408/429) fails it for good, anything else is retried with
 * exponential backoff (base * 2^(attempt-1), or Retry-After when longer) until
 * maxAttempts. Time comes from the sandbox clock, so with a manual clock a
 * retry waits until the test moves the clock.
 */
export class OutboxWorker {
  private running?: Promise<number>;
  private rerun = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly inflight = new Set<AbortController>();

  constructor(
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly retry: RetryPolicy,
    private readonly log: DeliveryLog = () => {},
  ) {}

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
          const batch = this.outbox.due(this.clock.now().getTime());
          if (batch.length === 0) break;
          // One entry per (alert, channel) per batch, so parallel sends keep each channel in order.
          await Promise.all(batch.map((e) => this.deliver(e)));
          n += batch.length;
        }
      } while (this.rerun && !this.stopped);
      return n;
    })().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  /** Wakes up for the next retry when real time is what the clock follows. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.outbox.nextDueAt();
    if (next === undefined) return;
    const wait = Math.min(Math.max(next - this.clock.now().getTime(), 10), 1000);
    this.timer = setTimeout(() => void this.drain().catch(() => {}), wait);
    this.timer.unref();
  }

  private async deliver(e: OutboxEntry): Promise<void> {
    const attempts = e.attempts + 1;
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
        this.outbox.markSent(e.id, attempts, res.status, this.clock.now().getTime());
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
    if (this.stopped && status === undefined) return; // leave it pending for the next start
    if ((status !== undefined && !retryable(status)) || attempts >= this.retry.maxAttempts) {
      this.outbox.markFailed(e.id, attempts, status, error);
      this.log(`notification ${e.id} (${e.kind} ${e.event}) failed after ${attempts} attempt(s): ${status ?? "no response"}`);
      return;
    }
    const backoff = Math.max(this.retry.baseDelayMs * 2 ** (attempts - 1), retryAfterMs);
    this.outbox.markRetry(e.id, attempts, this.clock.now().getTime() + backoff, status, error);
  }

  /** Stops deliveries: pending entries stay in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const ac of this.inflight) ac.abort();
    await this.running?.catch(() => {});
  }
}
