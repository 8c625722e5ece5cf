import type { FastifyInstance, FastifyReply } from "fastify";
import { jsonBody } from "../body-parsing";
import type { PdContext } from "../deps";
import type { SlidingWindowLimiter } from "../rate-limit";
import { ingestAlertEvent, ingestChangeEvent } from "./ingest";
import { CHANGE_SUCCESS_MESSAGE, INVALID_EVENT, MAX_EVENT_BYTES, SUCCESS_MESSAGE, THROTTLED, UNRECOGNIZED, msg } from "./messages";
import { validateAlertEvent, validateChangeEvent, type Validation } from "./validate";

/** 400 with the Events API's body: "Unrecognized object" for non-objects, "invalid event" otherwise. */
function reject(reply: FastifyReply, v: Extract<Validation<unknown>, { ok: false }>) {
  const head = v.unrecognized ? UNRECOGNIZED : INVALID_EVENT;
  return reply.code(400).send({ ...head, errors: v.errors });
}

export function registerEventsRoutes(app: FastifyInstance, ctx: PdContext, limiter: SlidingWindowLimiter): void {
  /** Parses, validates and rate-limits; returns the event or undefined when a reply was sent. */
  function admit<T extends { routing_key: string }>(body: unknown, reply: FastifyReply, validate: (b: unknown) => Validation<T>): T | undefined {
    const parsed = jsonBody(body);
    if (!parsed.ok) {
      reject(reply, { ok: false, unrecognized: true, errors: [msg.jsonParse] });
      return undefined;
    }
    const v = validate(parsed.value);
    if (!v.ok) {
      reject(reply, v);
      return undefined;
    }
    // Counted per routing key after validation: a rejected event is not an event for the key.
    const rl = limiter.take(v.event.routing_key);
    if (!rl.allowed) {
      reply.code(429).header("retry-after", String(rl.resetSeconds)).send(THROTTLED);
      return undefined;
    }
    return v.event;
  }

  app.post("/v2/enqueue", { bodyLimit: MAX_EVENT_BYTES }, async (request, reply) => {
    const ev = admit(request.body, reply, validateAlertEvent);
    if (!ev) return reply;
    const { dedupKey } = ingestAlertEvent(ctx, ev);
    return reply.code(202).send({ status: "success", message: SUCCESS_MESSAGE, dedup_key: dedupKey });
  });

  app.post("/v2/change/enqueue", { bodyLimit: MAX_EVENT_BYTES }, async (request, reply) => {
    const ev = admit(request.body, reply, validateChangeEvent);
    if (!ev) return reply;
    ingestChangeEvent(ctx, ev);
    return reply.code(202).send({ status: "success", message: CHANGE_SUCCESS_MESSAGE });
  });
}
