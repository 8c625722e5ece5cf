import type { PgBoss } from "pg-boss";

/**
 * A job that runs once per interval across all replicas (the reconciler, the
 * maintenance pass). Every replica offers the job for the current time slot
 * (pg-boss throttling: one job per `intervalSeconds` slot, whoever offers it
 * first); the `exclusive` queue keeps a second one from starting while a long
 * run is still going. Whichever replica's worker fetches it runs it.
 */
export class PgSingletonSchedule {
  private timer: NodeJS.Timeout | undefined;
  private workerId: string | undefined;

  constructor(
    private readonly boss: PgBoss,
    readonly name: string,
    private readonly intervalMs: number,
    private readonly handler: () => Promise<void>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    if (!(intervalMs >= 1000)) throw new Error(`${name}: interval must be at least 1 second (got ${intervalMs} ms)`);
  }

  async start(): Promise<void> {
    const seconds = Math.round(this.intervalMs / 1000);
    if (!(await this.boss.getQueue(this.name))) {
      await this.boss.createQueue(this.name, { policy: "exclusive", retryLimit: 0, expireInSeconds: Math.max(60, seconds * 2), deleteAfterSeconds: 3600 });
    }
    const offer = () => this.boss.sendThrottled(this.name, {}, null, seconds, "tick").catch(this.onError);
    await offer();
    // Offer a few times per slot so a slot is never missed by a replica whose timer drifts.
    this.timer = setInterval(offer, Math.max(250, this.intervalMs / 4));
    this.timer.unref();
    this.workerId = await this.boss.work(this.name, { pollingIntervalSeconds: Math.min(2, Math.max(0.5, seconds / 4)) }, async () => {
      try {
        await this.handler();
      } catch (err) {
        this.onError(err);
        throw err;
      }
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.workerId) await this.boss.offWork(this.name, { id: this.workerId, wait: true }).catch(() => undefined);
  }
}
