/**
 * The tests' one fake HTTP server: a real node:http server on 127.0.0.1 that records every request
 * (exact body bytes included) and answers from scripted routes, then from `fallback`. It stands in for
 * upstream APIs (clients' tests), for PagerDuty and webhook receivers (the sandboxes' outboxes).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { closeAtEnd } from "./cleanup";

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The body's exact bytes (signatures are over these). */
  raw: Buffer;
  text: string;
  /** The body parsed as JSON when it is JSON. */
  json?: any;
}

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Objects are sent as JSON (content type application/json unless given). */
  body?: unknown;
  /** Never answer (the socket stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Destroy the socket without answering. */
  destroy?: boolean;
}

/** A response, or a function of the request and its index among all requests received. */
export type Responder = ScriptedResponse | ((req: RecordedRequest, index: number) => ScriptedResponse | Promise<ScriptedResponse>);

/** What PagerDuty's Events API answers to an accepted event. */
export const EVENT_ACCEPTED: ScriptedResponse = { status: 202, body: { status: "success", message: "Event processed" } };

interface Route {
  method: string;
  path: RegExp | string;
  responders: Responder[];
  /** Keeps answering with the last responder once the queue is down to it. */
  sticky: boolean;
}

export interface FakeServerOptions {
  /** Answers requests no scripted route takes (default: 599 naming the request, so a test sees what it missed). */
  fallback?: Responder;
}

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  /** Answers requests no scripted route takes; may be replaced while the server runs. */
  fallback: Responder;
  /** The base URL, http://127.0.0.1:<port>. */
  url = "";
  private readonly routes: Route[] = [];
  private readonly server: http.Server;
  private readonly release: () => Promise<void>;
  private waiters: Array<() => void> = [];

  private constructor(opts: FakeServerOptions) {
    this.fallback =
      opts.fallback ?? ((req) => ({ status: 599, headers: { "content-type": "text/plain" }, body: `no scripted response for ${req.method} ${req.url}` }));
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    this.release = closeAtEnd("fake server", async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  }

  static async start(opts: FakeServerOptions = {}): Promise<FakeServer> {
    const s = new FakeServer(opts);
    await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
    const { port } = s.server.address() as AddressInfo;
    s.url = `http://127.0.0.1:${port}`;
    return s;
  }

  /** Queues responses for METHOD path (a string is an exact path, query excluded). */
  on(method: string, path: RegExp | string, ...responders: Responder[]): this {
    this.routes.push({ method: method.toUpperCase(), path, responders, sticky: false });
    return this;
  }

  /** Like `on`, but consulted before the routes already set. */
  onFirst(method: string, path: RegExp | string, ...responders: Responder[]): this {
    this.routes.unshift({ method: method.toUpperCase(), path, responders, sticky: false });
    return this;
  }

  /** Like `on`, but the last responder keeps answering. */
  always(method: string, path: RegExp | string, ...responders: Responder[]): this {
    this.routes.push({ method: method.toUpperCase(), path, responders, sticky: true });
    return this;
  }

  /** "METHOD /path" of every request received, in order. */
  get log(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  /** Resolves once `n` requests matching `filter` have arrived (or rejects after `ms`). */
  async waitFor(n: number, filter: (r: RecordedRequest) => boolean = () => true, ms = 3000): Promise<RecordedRequest[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const got = this.requests.filter(filter);
      if (got.length >= n) return got;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} recorded request(s), got ${got.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Closes the server and its connections (idempotent; also done at the end of the test file). */
  async close(): Promise<void> {
    await this.release();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw,
      text,
    };
    try {
      if (text) recorded.json = JSON.parse(text);
    } catch {
      // not JSON
    }
    const index = this.requests.push(recorded) - 1;
    try {
      await this.answer(recorded, index, req, res);
    } finally {
      // Waiters wake once the request is answered (or left hanging), as a client would see it.
      for (const w of this.waiters.splice(0)) w();
    }
  }

  private async answer(recorded: RecordedRequest, index: number, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const route = this.routes.find(
      (r) => r.method === recorded.method && (typeof r.path === "string" ? r.path === recorded.path : r.path.test(recorded.path)) && r.responders.length > 0,
    );
    const responder = !route ? this.fallback : route.sticky && route.responders.length === 1 ? route.responders[0] : route.responders.shift()!;
    const r = typeof responder === "function" ? await responder(recorded, index) : responder;
    if (r.hang) return;
    if (r.destroy) {
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
    let body = "";
    if (r.body !== undefined) {
      if (typeof r.body === "string") body = r.body;
      else {
        body = JSON.stringify(r.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
      }
    }
    res.writeHead(r.status ?? 200, headers).end(body);
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export { freePort as closedPort } from "../../scripts/lib/free-port";
