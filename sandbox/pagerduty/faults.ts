import type { RouteKind } from "./classify";

export type FaultPath = "events" | "rest" | "all";

export interface Fault {
  remaining: number;
  /** Matching requests to let through before the fault starts (to fail a later step of a flow). */
  skip?: number;
  status?: 500 | 502 | 503 | 429;
  delayMs?: number;
  path: FaultPath;
}

/**
 * Injected failures for the next N matching requests, so clients' retry and
 * timeout handling can be exercised against a predictable server. In memory
 * and per app: faults describe this process's edge, not durable state.
 */
export class FaultInjector {
  private faults: Fault[] = [];

  add(f: Fault): void {
    this.faults.push({ ...f });
  }

  clear(): void {
    this.faults = [];
  }

  pending(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Consumes one use of the first fault matching this kind of request. */
  take(kind: RouteKind): Fault | undefined {
    if (kind === "sandbox") return undefined;
    const f = this.faults.find((x) => x.remaining > 0 && (x.path === "all" || x.path === kind));
    if (!f) return undefined;
    if (f.skip) {
      f.skip -= 1;
      return undefined;
    }
    f.remaining -= 1;
    this.faults = this.faults.filter((x) => x.remaining > 0);
    return { ...f };
  }
}
