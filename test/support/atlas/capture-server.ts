import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { closeAtEnd } from "../cleanup";

/** One request the capture server received, with its exact body bytes. */
export interface Captured {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  json: unknown;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for PagerDuty and webhook
 * receivers. `respond` picks each response (default 202 PagerDuty success).
 */
export class CaptureServer {
  readonly received: Captured[] = [];
  respond: (req: Captured) => { status: number; body?: unknown; headers?: Record<string, string> } = () => ({
    status: 202,
    body: { status: "success", message: "Event processed" },
  });
  private server?: http.Server;
  private close?: () => Promise<void>;
  private waiters: Array<() => void> = [];
  url = "";

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(raw.toString("utf8"));
        } catch {
          json = undefined;
        }
        const cap: Captured = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, raw, json };
        this.received.push(cap);
        const r = this.respond(cap);
        res.writeHead(r.status, { "content-type": "application/json", ...(r.headers ?? {}) });
        res.end(r.body === undefined ? "" : JSON.stringify(r.body));
        for (const w of this.waiters.splice(0)) w();
      });
    });
    const server = this.server;
    this.close = closeAtEnd("capture server", async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves once `n` requests matching `filter` have arrived (or rejects after `ms`). */
  async waitFor(n: number, filter: (c: Captured) => boolean = () => true, ms = 3000): Promise<Captured[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const got = this.received.filter(filter);
      if (got.length >= n) return got;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} captured request(s), got ${got.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await this.close?.();
  }
}
