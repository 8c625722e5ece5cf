import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { FastifyServerOptions } from "fastify";

/** Where a request arrived, written as the sandbox prints its URLs: `http://127.0.0.1:8481`, `https://127.0.0.1:8491`. */
export function listenerOf(raw: IncomingMessage): string {
  const socket = raw.socket as TLSSocket;
  const address = socket.localAddress ?? "";
  return `${socket.encrypted ? "https" : "http"}://${address.includes(":") ? `[${address}]` : address}:${socket.localPort}`;
}

/** What a server adds to pino's options: redaction and its own `req` serializer. */
export type LogOptions = Record<string, unknown>;

/**
 * Fastify logging for one sandbox server. Every line names the server
 * (`server`: "project API", "PagerDuty US", "PagerDuty EU") and every request
 * line the listener that took the request (`listener`; the PagerDuty apps
 * also answer on an https listener), so a log of all servers in one process
 * says which one answered. Off unless `enabled`.
 */
export function serverLogging(
  server: string,
  enabled: boolean | undefined,
  options: LogOptions = {},
): Pick<FastifyServerOptions, "logger" | "childLoggerFactory"> {
  if (!enabled) return { logger: false };
  return {
    logger: { level: "info", ...options, mixin: () => ({ server }) },
    childLoggerFactory: (logger, bindings, opts, raw) => logger.child({ ...bindings, listener: listenerOf(raw as IncomingMessage) }, opts),
  };
}
