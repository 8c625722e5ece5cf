import type { FastifyError, FastifyInstance } from "fastify";
import { MalformedJsonError } from "../../lib/raw-json";
import { routeKind } from "./classify";
import { INVALID_EVENT, SERVER_ERROR, UNRECOGNIZED, msg } from "./events/messages";
import { RestError, restErrors } from "./rest/errors";

/**
 * One error handler for the three surfaces, each answering in its own
 * service's format. Framework messages are never echoed: they can quote
 * request content, and bodies may hold routing keys.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | RestError, request, reply) => {
    if (err instanceof RestError) return reply.code(err.statusCode).headers(err.headers).send(err.body);
    const kind = routeKind(request.url);
    const code = (err as FastifyError).code;
    const tooLarge = code === "FST_ERR_CTP_BODY_TOO_LARGE";
    const status = (err as FastifyError).statusCode ?? 500;
    const clientError = err instanceof MalformedJsonError || tooLarge || (status >= 400 && status < 500);
    if (!clientError) request.log.error({ err }, "unhandled error");

    if (kind === "events") {
      // The Events API answers 400 for oversized requests too (PagerDuty status page, 2018: "status 400 responses").
      if (tooLarge) return reply.code(400).send({ ...INVALID_EVENT, errors: [msg.tooLarge] });
      if (clientError) return reply.code(400).send({ ...UNRECOGNIZED, errors: [msg.jsonParse] });
      return reply.code(500).send(SERVER_ERROR);
    }
    if (kind === "rest") {
      if (tooLarge) return reply.code(400).send(restErrors.invalid(["The request body is too large"]).body);
      if (clientError) return reply.code(400).send(restErrors.invalid(["The request body is not valid JSON"]).body);
      return reply.code(500).send(restErrors.server().body);
    }
    if (clientError) return reply.code(400).send({ error: { message: tooLarge ? "Body too large" : "Invalid request body" } });
    return reply.code(500).send({ error: { message: "Internal error" } });
  });

  app.setNotFoundHandler((request, reply) => {
    const kind = routeKind(request.url);
    if (kind === "rest") return reply.code(404).send(restErrors.notFound().body);
    if (kind === "events") return reply.code(404).send({ status: "Not Found", message: "Not Found" });
    return reply.code(404).send({ error: { message: "Not Found" } });
  });
}
