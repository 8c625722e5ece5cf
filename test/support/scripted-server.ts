/**
 * Test helpers (used by *.test.ts only): a real node:http server on
 * 127.0.0.1 answering from scripted queues, and a sleep that records waits.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { UpstreamError } from "../../clients/http/errors";
import { closeAtEnd } from "./cleanup";

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
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

export type Responder = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>);

interface Route {
  method: string;
  path: RegExp | string;
  responders: Responder[];
  /** Keeps answering with the last responder once the queue is down to it. */
  sticky: boolean;
}

export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly server: http.Server;
  private readonly release: () => Promise<void>;
  baseUrl = "";

  private constructor() {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    this.release = closeAtEnd("scripted server", async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  }

  static async start(): Promise<ScriptedServer> {
    const s = new ScriptedServer();
    await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
    const { port } = s.server.address() as AddressInfo;
    s.baseUrl = `http://127.0.0.1:${port}`;
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

  async close(): Promise<void> {
    await this.release();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      text,
    };
    try {
      if (text) recorded.json = JSON.parse(text);
    } catch {
      // not JSON
    }
    this.requests.push(recorded);
    const route = this.routes.find(
      (r) => r.method === recorded.method && (typeof r.path === "string" ? r.path === recorded.path : r.path.test(recorded.path)) && r.responders.length > 0,
    );
    if (!route) {
      res.writeHead(599, { "content-type": "text/plain" }).end(`no scripted response for ${recorded.method} ${recorded.url}`);
      return;
    }
    const responder = route.sticky && route.responders.length === 1 ? route.responders[0] : route.responders.shift()!;
    const r = typeof responder === "function" ? await responder(recorded) : responder;
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

/** A sleep that records the asked delays and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Asserts that no secret appears anywhere in an error as it would be logged or stored. */
export function leakedSecrets(err: unknown, secrets: string[]): string[] {
  const e = err as Record<string, unknown>;
  const views = [String(err), JSON.stringify(err), String(e?.message), String(e?.detail), String(e?.stack), String(e?.path)];
  const b64 = (s: string) => Buffer.from(s).toString("base64").replace(/=+$/, "");
  return secrets.filter((s) => views.some((v) => v.includes(s) || v.includes(b64(s))));
}

/** The UpstreamError `p` rejects with (fails the test if it resolves or throws anything else). */
export async function rejection(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UpstreamError);
    return e as UpstreamError;
  }
  throw new Error("expected a rejection");
}
