import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { jsonBody } from "./body-parsing";
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

/** A fault for a stretch of time rather than a number of requests: an outage. */
export interface TimedFault {
  /** Epoch ms when the outage ends. */
  until: number;
  status?: 500 | 502 | 503 | 429;
  /** Hold each request until the outage ends (a hanging server: clients time out). */
  hang?: boolean;
  path: FaultPath;
}

/**
 * Injected failures for the next N matching requests, or for every matching request during the
 * next N seconds (an outage), so clients' retry and timeout handling can be exercised against a
 * predictable server. In memory and per app: faults describe this process's edge, not durable state.
 */
export class FaultInjector {
  private faults: Fault[] = [];
  private timed: TimedFault[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  add(f: Fault): void {
    this.faults.push({ ...f });
  }

  /** Every matching request fails (or hangs) for the next `seconds`. */
  addTimed(seconds: number, f: Omit<TimedFault, "until">): TimedFault {
    const t = { ...f, until: this.now() + Math.round(seconds * 1000) };
    this.timed.push(t);
    return { ...t };
  }

  clear(): void {
    this.faults = [];
    this.timed = [];
  }

  pending(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  pendingTimed(): TimedFault[] {
    const now = this.now();
    this.timed = this.timed.filter((t) => t.until > now);
    return this.timed.map((t) => ({ ...t }));
  }

  /** Consumes one use of the first fault matching this kind of request; outages first. */
  take(kind: RouteKind): Fault | undefined {
    if (kind === "sandbox") return undefined;
    const now = this.now();
    const t = this.pendingTimed().find((x) => x.path === "all" || x.path === kind);
    if (t) return { remaining: 1, path: t.path, ...(t.status ? { status: t.status } : {}), ...(t.hang ? { delayMs: Math.max(0, t.until - now) } : {}) };
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

const timedSchema = z
  .object({
    seconds: z.number().positive().max(3600),
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(429)]).optional(),
    hang: z.boolean().optional(),
    path: z.enum(["events", "rest", "all"]).optional(),
  })
  .strict()
  .refine((f) => f.status !== undefined || f.hang === true, "give status, hang or both");

/**
 * `POST /sandbox/faults/outage {seconds, status?, hang?, path?}`: every matching request answers
 * `status` (or hangs) for the next `seconds`. `GET` lists running outages; `DELETE /sandbox/faults`
 * clears them with the counted faults.
 */
export function registerOutageRoutes(app: FastifyInstance, faults: FaultInjector): void {
  app.get("/sandbox/faults/outage", async () => ({ outages: faults.pendingTimed() }));
  app.post("/sandbox/faults/outage", async (request, reply) => {
    const j = jsonBody(request.body);
    const r = timedSchema.safeParse(j.ok ? j.value : undefined);
    if (!r.success) {
      return reply.code(400).send({
        error: { message: "Invalid sandbox request", errors: r.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)) },
      });
    }
    faults.addTimed(r.data.seconds, { status: r.data.status, hang: r.data.hang, path: r.data.path ?? "all" });
    return reply.code(201).send({ outages: faults.pendingTimed() });
  });
}
