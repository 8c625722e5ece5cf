/**
 * The job runner: claims due jobs under a lease, runs each queue's handler, records the outcome.
 * Handlers never throw for expected failures; they say what should happen to the job.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { BackoffSchedule } from "../lib/backoff";
import type { Job } from "../lib/outbox";
import type { RelayStore } from "./store/types";

export type JobOutcome =
  | { kind: "done" }
  /** Failed: retry after the store's backoff, or at `runAt` (a 429 block). */
  | { kind: "retry"; error: string; runAt?: number }
  /** Not attempted (no token yet): back at `runAt`, the attempt not counted. */
  | { kind: "wait"; runAt: number }
  /** Permanent: kept for a person. */
  | { kind: "dead"; error: string };

export type Handler = (job: Job) => Promise<JobOutcome>;

export interface WorkerOptions {
  concurrency: number;
  leaseMs: number;
  /** Longest sleep between polls when idle (a kick wakes it sooner). */
  idleMs: number;
  /** Retry schedule of failed jobs (5xx, network). */
  backoff: BackoffSchedule;
}

export class Worker {
  readonly owner = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  private running = false;
  private inFlight = new Map<number, Promise<void>>();
  private wake?: () => void;
  private loopDone?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: RelayStore,
    private readonly handlers: Record<string, Handler>,
    private readonly log: Logger,
    private readonly opts: WorkerOptions,
    private readonly onDead: (job: Job, error: string) => void = () => undefined,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** New work was enqueued: look now instead of at the next poll. */
  kick(): void {
    this.wake?.();
  }

  /** Stops claiming; waits for in-flight jobs up to `graceMs`, then releases what is still leased. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.kick();
    await this.loopDone;
    const all = Promise.allSettled([...this.inFlight.values()]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
    // Whatever did not finish keeps its lease until it expires; another worker (or the next start) takes it then.
  }

  private async loop(): Promise<void> {
    const queues = Object.keys(this.handlers);
    while (this.running) {
      const free = this.opts.concurrency - this.inFlight.size;
      let claimed: Job[] = [];
      if (free > 0) {
        try {
          claimed = await this.store.outbox.claim({ queues, owner: this.owner, leaseMs: this.opts.leaseMs, limit: free, now: Date.now() });
        } catch (err) {
          this.log.error({ err }, "claiming jobs failed");
        }
      }
      for (const job of claimed) {
        // Its lease ran out while this worker still runs it, and the claim handed it back to us: the
        // run under way keeps it (and records its outcome under the renewed lease); never a second run.
        if (this.inFlight.has(job.id)) continue;
        const p = this.run(job).finally(() => {
          this.inFlight.delete(job.id);
          this.kick();
        });
        this.inFlight.set(job.id, p);
      }
      if (claimed.length > 0 && this.inFlight.size < this.opts.concurrency) continue;
      let sleepMs = this.opts.idleMs;
      if (this.inFlight.size < this.opts.concurrency) {
        const next = await this.store.outbox.nextRunAt().catch(() => undefined);
        if (next !== undefined) sleepMs = Math.max(1, Math.min(sleepMs, next - Date.now()));
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, sleepMs);
      });
      clearTimeout(this.timer);
      this.wake = undefined;
    }
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers[job.queue];
    let outcome: JobOutcome;
    try {
      outcome = await handler(job);
    } catch (err) {
      outcome = { kind: "retry", error: err instanceof Error ? err.message : String(err) };
      this.log.error({ err, jobId: job.id, queue: job.queue }, "job handler failed");
    }
    const now = Date.now();
    const outbox = this.store.outbox;
    try {
      switch (outcome.kind) {
        case "done":
          await outbox.complete(job.id, this.owner, now);
          break;
        case "wait":
          await outbox.release(job.id, this.owner, outcome.runAt, now);
          break;
        case "retry":
          await outbox.fail(job.id, this.owner, outcome.error, now, {
            schedule: this.opts.backoff,
            ...(outcome.runAt !== undefined ? { runAt: outcome.runAt } : {}),
          });
          break;
        case "dead":
          if (await outbox.deadLetter(job.id, this.owner, outcome.error, now)) this.onDead(job, outcome.error);
          break;
      }
    } catch (err) {
      // The lease runs out and the job comes back: nothing is lost.
      this.log.error({ err, jobId: job.id }, "recording a job outcome failed");
    }
  }
}
