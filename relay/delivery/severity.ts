/**
 * Severity from the alert configuration's `severityOverride`, read through the project API and
 * cached 5 minutes. Severity never holds up a page: a send waits for the read at most `budgetMs`
 * (1 s) counted from when the alert's change was recorded (a page already late from a backlog does
 * not wait on top of it), then goes out with the route's default while the read finishes in the
 * background and fills the cache for the next one. A read that fails or runs over its budget marks
 * the project unavailable for `failureTtlMs` (30 s): sends for it take the default at once instead
 * of each waiting out a hung project API. Every fallback is counted (relay_severity_lookup_failures_total).
 */
import { type PagerDutySeverity, pagerDutySeverityOf } from "../../lib/severity";

export interface AlertConfigReader {
  getAlertConfig(projectId: string, id: string): Promise<{ severityOverride?: string } | undefined>;
}

/** Why the route's default severity was used. */
export type SeverityFallback = "error" | "timeout" | "unavailable";

export interface SeverityOptions {
  ttlMs?: number;
  failureTtlMs?: number;
  budgetMs?: number;
  now?: () => number;
}

/** The PagerDuty severity an alert configuration asks for, undefined when it sets none (lib/severity). */
export function severityOf(cfg: { severityOverride?: string } | undefined): PagerDutySeverity | undefined {
  return pagerDutySeverityOf(cfg?.severityOverride);
}

export class SeverityResolver {
  private readonly cache = new Map<string, { severity: PagerDutySeverity | undefined; at: number }>();
  private readonly reading = new Map<string, Promise<PagerDutySeverity | undefined>>();
  /** Projects whose last read failed or hung, until when. */
  private readonly unavailable = new Map<string, number>();
  /** Sends waiting for a read, by project: let go at once when the project turns out unavailable. */
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly budgetMs: number;
  private readonly now: () => number;

  constructor(
    private readonly atlas: AlertConfigReader,
    private readonly onFallback: (reason: SeverityFallback, err?: unknown) => void,
    opts: SeverityOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 5 * 60_000;
    this.failureTtlMs = opts.failureTtlMs ?? 30_000;
    this.budgetMs = opts.budgetMs ?? 1_000;
    this.now = opts.now ?? Date.now;
  }

  /** A configuration read elsewhere (the reconciler reads them live): kept for the sends that follow. */
  remember(projectId: string, alertConfigId: string, cfg: { severityOverride?: string } | undefined): void {
    this.store(`${projectId}/${alertConfigId}`, severityOf(cfg));
    this.unavailable.delete(projectId);
  }

  /** `since`: when the change being sent was recorded (default now); the send waits at most until `since + budgetMs`. */
  async severity(projectId: string, alertConfigId: string | null, fallback: PagerDutySeverity, since?: number): Promise<PagerDutySeverity> {
    if (!alertConfigId) return fallback;
    const key = `${projectId}/${alertConfigId}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.severity ?? fallback;
    if ((this.unavailable.get(projectId) ?? 0) > this.now()) {
      this.onFallback("unavailable");
      return fallback;
    }
    let read = this.reading.get(key);
    if (!read) {
      read = this.read(projectId, alertConfigId, key);
      this.reading.set(key, read);
    }
    const now = this.now();
    const waitMs = Math.max(0, Math.min(this.budgetMs, (since ?? now) + this.budgetMs - now));
    let timer: NodeJS.Timeout | undefined;
    let release: () => void = () => undefined;
    const late = new Promise<"late">((r) => {
      release = () => r("late");
      timer = setTimeout(release, waitMs);
      timer.unref();
    });
    let waiters = this.waiting.get(projectId);
    if (!waiters) this.waiting.set(projectId, (waiters = new Set()));
    waiters.add(release);
    const got = await Promise.race([
      read.then(
        (s) => ({ s }),
        (err) => ({ err }),
      ),
      late,
    ]);
    clearTimeout(timer);
    waiters.delete(release);
    if (!waiters.size && this.waiting.get(projectId) === waiters) this.waiting.delete(projectId);
    if (got === "late") {
      this.markUnavailable(projectId);
      this.onFallback("timeout");
      return fallback;
    }
    if ("err" in got) {
      this.onFallback("error", got.err);
      return fallback;
    }
    return got.s ?? fallback;
  }

  private async read(projectId: string, alertConfigId: string, key: string): Promise<PagerDutySeverity | undefined> {
    try {
      const severity = severityOf(await this.atlas.getAlertConfig(projectId, alertConfigId));
      this.store(key, severity);
      this.unavailable.delete(projectId);
      return severity;
    } catch (err) {
      this.markUnavailable(projectId);
      throw err;
    } finally {
      this.reading.delete(key);
    }
  }

  private store(key: string, severity: PagerDutySeverity | undefined): void {
    this.cache.delete(key);
    this.cache.set(key, { severity, at: this.now() });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
  }

  private markUnavailable(projectId: string): void {
    this.unavailable.set(projectId, this.now() + this.failureTtlMs);
    // Every other send still waiting on this project goes now: its read will not come in time either.
    // (On the next turn, so the send whose own read failed reports that failure.)
    setImmediate(() => {
      for (const release of this.waiting.get(projectId) ?? []) release();
    });
    if (this.unavailable.size > 10_000) this.unavailable.delete(this.unavailable.keys().next().value!);
  }
}
